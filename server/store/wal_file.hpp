#pragma once

#include <string>

namespace hd::store {

/// The database's WAL file, opened beside SQLite's own handle so that another thread can make
/// the commits written to it durable (Database's syncer) while the writer goes on with the next
/// batch. Linux syncs a file's data whichever descriptor asks, and SQLite keeps no locks on this
/// file (they are on the -shm file), so a second descriptor is safe to open and to close.
/// Thread contract: used by one thread (the syncer).
class WalFile {
 public:
  explicit WalFile(std::string path) : path_(std::move(path)) {}
  ~WalFile();
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;

  /// fdatasync(2) of the WAL as it is now; opens it on first use, and again if the file was
  /// replaced (a WAL is deleted when the last connection to its database closes). Throws
  /// std::system_error when the file cannot be opened or synced.
  void sync();

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace hd::store
