#pragma once

#include <string>

namespace hd::store {

/// A file of the database opened beside SQLite's own handles, so that a thread of ours can make
/// it durable while SQLite goes on: the WAL (Database's syncer, after each group commit) and the
/// database file (the checkpointer, after each pass). Linux syncs a file's data whichever
/// descriptor asks. Closing any descriptor of a file drops the process's POSIX locks on it:
/// SQLite keeps none on the WAL (they are on the -shm file), so the WAL's is reopened when the
/// file was replaced (a WAL is deleted when the last connection to its database closes); the
/// database file's, which SQLite locks, is closed only by the destructor, after every connection.
/// Thread contract: used by one thread.
class SyncedFile {
 public:
  enum class Kind { wal, database };
  SyncedFile(std::string path, Kind kind) : path_(std::move(path)), kind_(kind) {}
  ~SyncedFile();
  SyncedFile(const SyncedFile&) = delete;
  SyncedFile& operator=(const SyncedFile&) = delete;

  /// fdatasync(2) of the file as it is now; opens it on first use. Throws std::system_error when
  /// the file cannot be opened or synced.
  void sync();

 private:
  std::string path_;
  Kind kind_;
  int fd_ = -1;
};

}  // namespace hd::store
