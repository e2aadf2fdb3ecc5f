#pragma once

// Shared set-up of the store tests (STYLE.md: "store tests run on a fresh temporary database with
// all migrations"). Every test gets its own directory under the system's temporary directory, so
// tests never see each other's files, and the directory is removed afterwards. Never ":memory:":
// WAL and the separate read-only connections need a real file.

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

#include "store/database.hpp"
#include "store/migrations.hpp"

namespace hd::store::testing {

/// A directory of its own under temp_directory_path(), removed with everything in it on
/// destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device entropy;
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto candidate = std::filesystem::temp_directory_path() /
                       ("hd-store-test-" + std::to_string(::getpid()) + "-" +
                        std::to_string(counter.fetch_add(1)) + "-" + std::to_string(entropy()));
      if (std::filesystem::create_directory(candidate)) {
        path_ = std::move(candidate);
        return;
      }
    }
    throw std::runtime_error("could not create a temporary directory");
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Options for a database file `helpdesk.db` in `dir`, with a short busy timeout so that a test
/// of a locked database does not wait five seconds.
inline DbOptions options_in(const TempDir& dir) {
  DbOptions options;
  options.path = (dir.path() / "helpdesk.db").string();
  options.readers = 2;
  options.busy_timeout_ms = 200;
  return options;
}

/// The instant every migration in the tests is recorded at.
inline constexpr std::int64_t kMigratedAt = 1'700'000'000'000;

/// A fresh database file in its own temporary directory; migrated unless asked not to.
/// The Database can be closed and reopened on the same file (restart tests).
class TempDatabase {
 public:
  enum class Schema { migrated, empty };
  /// Changes the options before the database is opened.
  using Adjust = std::function<void(DbOptions&)>;
  using OnBatch = std::function<void(const BatchCommitted&)>;

  explicit TempDatabase(Schema schema = Schema::migrated, OnBatch on_batch = {},
                        const Adjust& adjust = {})
      : on_batch_(std::move(on_batch)) {
    options_ = options_in(dir_);
    if (adjust) adjust(options_);
    open();
    if (schema == Schema::migrated) store::migrate(*db_, kMigratedAt);
  }

  Database& db() { return *db_; }
  const DbOptions& options() const { return options_; }
  const TempDir& dir() const { return dir_; }

  /// Destroys the Database (stopping it) and opens a new one on the same file.
  void reopen() {
    close();
    open();
  }
  void close() { db_.reset(); }
  void open() { db_ = std::make_unique<Database>(options_, on_batch_); }

 private:
  TempDir dir_;  // declared first: removed after the database is closed
  OnBatch on_batch_;
  DbOptions options_;
  std::unique_ptr<Database> db_;
};

}  // namespace hd::store::testing
