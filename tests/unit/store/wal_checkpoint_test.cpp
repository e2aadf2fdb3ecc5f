// The WAL stays bounded under load that never lets readers go idle (issue: it grew to 950 MiB
// and was truncated only at shutdown). Database's checkpointer runs a PASSIVE checkpoint after
// commits and, past DbOptions::wal_limit_bytes, pauses the writer between two batches to copy
// what is left (the next write then starts the WAL over and cuts the file back to the limit).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/database.hpp"
#include "temp_database.hpp"

namespace hd::store {
namespace {

constexpr std::int64_t kLimit = 1 << 20;  // 1 MiB

struct Seen {
  std::mutex mutex;
  std::vector<CheckpointDone> all;
  int count(std::string_view mode, std::string_view outcome) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& d : all) n += d.mode == mode && d.outcome == outcome;
    return n;
  }
  /// Checkpoints that paused the writer so that the WAL could start over, and copied it all.
  int paused_done() { return count("paused", "done") + count("restart", "done"); }
  /// Whether every checkpoint that paused the writer says for how long, and no other does.
  bool pauses_timed() {
    std::lock_guard lock(mutex);
    for (const auto& d : all)
      if ((d.mode == std::string_view("passive")) != (d.writer_paused.count() == 0)) return false;
    return true;
  }
  std::int64_t largest_wal() {
    std::lock_guard lock(mutex);
    std::int64_t most = 0;
    for (const auto& d : all) most = std::max(most, d.wal_bytes);
    return most;
  }
};

/// Bytes the WAL of the database at `path` holds now (its frames, not its file's size: a file
/// that grew is reused from its start). Asks with a PASSIVE checkpoint of its own connection.
std::int64_t wal_in_use(const std::string& path) {
  SQLite::Database raw(path, SQLite::OPEN_READWRITE);
  SQLite::Statement checkpoint(raw, "PRAGMA wal_checkpoint(PASSIVE)");
  REQUIRE(checkpoint.executeStep());
  return checkpoint.getColumn(1).getInt64() * (4096 + 24);
}

std::int64_t file_size_or_zero(const std::filesystem::path& p) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

}  // namespace

TEST_CASE("the WAL starts over past its limit while readers never stop") {
  testing::TempDir dir;
  auto options = testing::options_in(dir);
  options.wal_limit_bytes = kLimit;
  options.checkpoint_wait_ms = 200;
  // Rounds far enough apart that the writes below take the WAL past the limit between two.
  options.checkpoint_interval_ms = 1000;
  Seen seen;
  Database db(options, {}, [&](const CheckpointDone& d) {
    std::lock_guard lock(seen.mutex);
    seen.all.push_back(d);
  });
  db.write_blocking([](Tx& tx) {
    tx.connection().exec("CREATE TABLE soak(id INTEGER PRIMARY KEY, body BLOB)");
    return 0;
  });

  // Readers that always have a read going, as a busy server's do.
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  readers.reserve(2);
  for (int i = 0; i < 2; ++i)
    readers.emplace_back([&] {
      while (!stop.load()) {
        db.read_blocking([](Connection& c) {
          auto& s = c.statement("SELECT count(*) FROM soak");
          s.executeStep();
          return s.getColumn(0).getInt64();
        });
        ++reads;
      }
    });

  // About 12 MiB of writes over three seconds: far past the limit between two checkpoints.
  const auto wal = std::filesystem::path(options.path + "-wal");
  std::int64_t largest_seen = 0;
  for (int i = 0; i < 120; ++i) {
    db.write_blocking([](Tx& tx) {
      tx.connection().exec("INSERT INTO soak(body) VALUES (randomblob(102400))");
      return 0;
    });
    largest_seen = std::max(largest_seen, file_size_or_zero(wal));
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  // The checkpointer runs once a second after commits (as set above): give it a few rounds to
  // restart the WAL after the last write, if it is still past the limit.
  const auto restarts_while_writing = seen.paused_done();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (wal_in_use(options.path) > kLimit && seen.paused_done() == restarts_while_writing &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // The next write starts the WAL over.
  db.write_blocking([](Tx& tx) {
    tx.connection().exec("INSERT INTO soak(body) VALUES (x'00')");
    return 0;
  });
  stop = true;
  for (auto& r : readers) r.join();

  CHECK(reads.load() > 100);
  CHECK(seen.count("passive", "done") + seen.count("passive", "busy") > 0);
  CHECK(seen.paused_done() > 0);
  CHECK(seen.pauses_timed());
  CHECK(seen.count("paused", "error") == 0);
  CHECK(seen.count("restart", "error") == 0);
  CHECK(seen.count("passive", "error") == 0);
  // It did grow past the limit (so the test tests something), and it was brought back.
  CHECK(std::max(largest_seen, seen.largest_wal()) > kLimit);
  CHECK(wal_in_use(options.path) <= kLimit);
  CHECK(file_size_or_zero(wal) <= kWalFileLimitFactor * kLimit);
  // Bounded all along: never more than the limit plus about a second of these writes.
  CHECK(largest_seen < kLimit + (8 << 20));
  // Nothing was lost on the way.
  CHECK(db.read_blocking([](Connection& c) {
    auto& s = c.statement("SELECT count(*) FROM soak");
    s.executeStep();
    return s.getColumn(0).getInt64();
  }) == 121);
}

TEST_CASE("an idle database gets no checkpoints") {
  testing::TempDir dir;
  std::atomic<int> checkpoints{0};
  Database db(testing::options_in(dir), {}, [&](const CheckpointDone&) { ++checkpoints; });
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  CHECK(checkpoints.load() == 0);
  db.write_blocking([](Tx& tx) {
    tx.connection().exec("CREATE TABLE t(x)");
    return 0;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (checkpoints.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(checkpoints.load() == 1);  // one PASSIVE: the WAL is far below its limit
}

TEST_CASE("checkpoints grow the database file in whole steps, not a page at a time") {
  testing::TempDir dir;
  const auto options = testing::options_in(dir);
  std::atomic<int> checkpoints{0};
  Database db(options, {}, [&](const CheckpointDone&) { ++checkpoints; });
  db.write_blocking([](Tx& tx) {
    tx.connection().exec("CREATE TABLE t(x)");
    // About 3.3 MiB: a size no whole number of MiB.
    tx.connection().exec("INSERT INTO t SELECT randomblob(3300000)");
    return 0;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (checkpoints.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(checkpoints.load() > 0);
  const auto size = file_size_or_zero(options.path);
  CHECK(size >= 3300000);
  CHECK(size % (1 << 20) == 0);  // the smallest step: 1 MiB
}

}  // namespace hd::store
