#pragma once

#include <SQLiteCpp/Exception.h>

#include "store/connection.hpp"

namespace hd::store {

/// Holds one read snapshot over every statement of a unit of work on a reader, so that what
/// one statement read agrees with what the next reads (a write committed meanwhile is seen by
/// all of them or by none).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& db) : db_(db) { db_.run("SAVEPOINT read_snapshot"); }
  ~ReadSnapshot() {
    try {
      db_.run("RELEASE read_snapshot");
    } catch (const SQLite::Exception&) {
      // Only reads were made: ending the snapshot can't lose anything.
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Connection& db_;
};

}  // namespace hd::store
