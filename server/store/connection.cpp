#include "store/connection.hpp"

#include "store/raw_statement.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>

namespace hd::store {
namespace {

// hd_search_hit(id): whether `id` is among the connection's search hits (user data).
void search_hit(sqlite3_context* context, int, sqlite3_value** argv) {
  const auto& hits = *static_cast<const std::vector<std::int64_t>*>(sqlite3_user_data(context));
  sqlite3_result_int(context,
                     std::binary_search(hits.begin(), hits.end(), sqlite3_value_int64(argv[0])));
}

}  // namespace

Connection::Connection(const DbOptions& options, bool read_only)
    // NOMUTEX: a connection is used by one thread at a time (see the class comment), so
    // SQLite's locking on every call would be pure overhead.
    : db_(options.path,
          (read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) |
              SQLite::OPEN_NOMUTEX) {
  db_.setBusyTimeout(options.busy_timeout_ms);
  sqlite3_create_function_v2(db_.getHandle(), "hd_search_hit", 1, SQLITE_UTF8, search_hits_.get(),
                             search_hit, nullptr, nullptr, nullptr);
  if (read_only) {
    db_.exec("PRAGMA query_only = ON");
  } else {
    db_.exec("PRAGMA journal_mode = WAL");
    // A COMMIT writes the WAL without waiting for the disk: with `synchronous_full`, Database's
    // syncer makes it durable before anyone is answered. A checkpoint still syncs the WAL before
    // it copies, and the database file before the WAL starts over.
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    // Per-request savepoints would otherwise spill to a temporary file (ARCHITECTURE.md).
    db_.exec("PRAGMA temp_store = MEMORY");
    db_.exec("PRAGMA cache_size = -" + std::to_string(options.writer_cache_kib));
    // Checkpoints run on their own connection, off the writer's critical path.
    db_.exec("PRAGMA wal_autocheckpoint = 0");
    // When the WAL starts over, a larger file is cut back to this size.
    db_.exec("PRAGMA journal_size_limit = " +
             std::to_string(kWalFileLimitFactor * options.wal_limit_bytes));
  }
}

void configure_sqlite() {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

SQLite::Statement& Connection::statement(std::string_view sql) {
  auto& slot = statements_[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(db_, std::string(sql));
  } else {
    slot->tryReset();
    slot->clearBindings();
  }
  handed_out_.push_back(slot.get());
  return *slot;
}

Connection::~Connection() = default;

RawStatement& Connection::raw(std::string_view sql) {
  auto& slot = raw_statements_[sql];
  if (!slot)
    slot = std::make_unique<RawStatement>(*this, sql);
  else
    slot->reset();
  raw_handed_out_.push_back(slot.get());
  return *slot;
}

void Connection::grow_in_steps_of(int bytes) {
  sqlite3_file_control(db_.getHandle(), "main", SQLITE_FCNTL_CHUNK_SIZE, &bytes);
}

CheckpointResult Connection::checkpoint(bool restart) {
  CheckpointResult result;
  const int rc = sqlite3_wal_checkpoint_v2(
      db_.getHandle(), nullptr, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
      &result.wal_frames, &result.checkpointed_frames);
  const bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  if (!busy && rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
  // PASSIVE reports no busy: a reader still needing the rest is told by what it left behind.
  result.busy = busy || (!restart && result.checkpointed_frames < result.wal_frames);
  return result;
}

void Connection::release_statements() {
  // Only those used since the last release: a failed step's error was thrown already.
  for (auto* statement : handed_out_) statement->tryReset();
  handed_out_.clear();
  for (auto* statement : raw_handed_out_) statement->reset();
  raw_handed_out_.clear();
}

}  // namespace hd::store
