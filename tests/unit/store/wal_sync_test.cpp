// A write is answered only once the WAL holding its COMMIT is synced, and the writer goes on
// with the next batch meanwhile (Database's syncer thread); what a checkpoint copies into the
// database file is synced by the checkpointer. fdatasync(2) is interposed in this test binary:
// while the gate is closed, a sync of a WAL file waits for it to open, as a slow disk would;
// syncs of database files are counted; every call then goes to the C library.
#include <dlfcn.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/database.hpp"
#include "temp_database.hpp"

namespace {

struct SyncGate {
  std::mutex mutex;
  std::condition_variable opened;
  bool closed = false;
};

SyncGate& gate() {
  static SyncGate g;
  return g;
}

void set_gate(bool closed) {
  {
    std::lock_guard lock(gate().mutex);
    gate().closed = closed;
  }
  gate().opened.notify_all();
}

std::string path_of(int fd) {
  char target[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const auto n = ::readlink(link.c_str(), target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

std::atomic<int> database_file_syncs{0};

}  // namespace

extern "C" int fdatasync(int fd) {
  static const auto real = reinterpret_cast<int (*)(int)>(dlsym(RTLD_NEXT, "fdatasync"));
  auto& g = gate();
  const std::string path = path_of(fd);
  if (path.ends_with(".db")) ++database_file_syncs;
  {
    std::unique_lock lock(g.mutex);
    if (g.closed && path.ends_with("-wal")) g.opened.wait(lock, [&] { return !g.closed; });
  }
  return real(fd);
}

namespace hd::store {
namespace {

/// A database in a temporary directory with one table, `synced(value)`.
struct SyncedTable {
  testing::TempDir dir;
  Database db;
  explicit SyncedTable(bool synchronous_full, int checkpoint_interval_ms = 100)
      : db(options(dir, synchronous_full, checkpoint_interval_ms)) {
    db.write_blocking([](Tx& tx) {
      tx.connection().exec("CREATE TABLE synced(value INTEGER)");
      return 0;
    });
  }
  static DbOptions options(const testing::TempDir& dir, bool synchronous_full,
                           int checkpoint_interval_ms) {
    auto options = testing::options_in(dir);
    options.synchronous_full = synchronous_full;
    options.checkpoint_interval_ms = checkpoint_interval_ms;
    return options;
  }
};

void insert_row(Database& db, int value) {
  db.write_blocking([value](Tx& tx) {
    auto& s = tx.connection().statement("INSERT INTO synced(value) VALUES (?)");
    s.bind(1, value);
    s.exec();
    return 0;
  });
}

bool row_visible(Database& db, int value) {
  return db.read_blocking([value](Connection& c) {
    auto& s = c.statement("SELECT count(*) FROM synced WHERE value = ?");
    s.bind(1, value);
    s.executeStep();
    return s.getColumn(0).getInt64() == 1;
  });
}

template <class Predicate>
bool within_seconds(int seconds, Predicate ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("a write is answered after the WAL holding it is synced; the writer does not wait") {
  SyncedTable table(true);
  Database& db = table.db;
  set_gate(true);
  auto first = std::async(std::launch::async, [&] { insert_row(db, 1); });
  // The first batch is committed, but its sync is held at the gate: not answered yet.
  REQUIRE(within_seconds(5, [&] { return row_visible(db, 1); }));
  CHECK(first.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  // The writer commits the next batch meanwhile; it too waits for a sync.
  auto second = std::async(std::launch::async, [&] { insert_row(db, 2); });
  CHECK(within_seconds(5, [&] { return row_visible(db, 2); }));
  CHECK(second.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  set_gate(false);
  CHECK(first.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(second.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  first.get();
  second.get();
}

TEST_CASE("with synchronous = normal a write is answered without waiting for a sync") {
  SyncedTable table(false);
  Database& db = table.db;
  set_gate(true);
  auto write = std::async(std::launch::async, [&] { insert_row(db, 1); });
  const bool answered = write.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  set_gate(false);
  CHECK(answered);
  write.get();
}

TEST_CASE("what a checkpoint copies short of the WAL's end is synced by the checkpointer") {
  // SQLite syncs the database file only when a checkpoint reaches the WAL's end; under steady
  // writes that is the checkpoint that pauses the writer, which then waited for every page
  // copied since. A reader's snapshot keeps the checkpoint short of the end here.
  SyncedTable table(true, 1000);  // a second between checkpoints: time to take the snapshot
  Database& db = table.db;
  insert_row(db, 1);
  SQLite::Database reader(db.options().path, SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  SQLite::Statement snapshot(reader, "SELECT count(*) FROM synced");
  REQUIRE(snapshot.executeStep());
  const int syncs_before = database_file_syncs.load();
  insert_row(db, 2);
  CHECK(within_seconds(5, [&] { return database_file_syncs.load() > syncs_before; }));
  snapshot.reset();
  reader.exec("COMMIT");
}

}  // namespace hd::store
