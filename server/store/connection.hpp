#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hd::store {

/// Settings of the SQLite backend ([db] in the config).
struct DbOptions {
  std::string path = "helpdesk.db";
  /// Threads for quick reads; 0: one per hardware thread (at least 2). More threads than cores
  /// only time-share the same CPUs: a page then waits behind the others' slices instead of
  /// its turn (search p99 at 64 connections on 2 cores: 4 threads 27-31 ms, 2 threads 24-27).
  int readers = 0;
  int report_readers = 2;        ///< threads for reports (Database::read_report)
  int busy_timeout_ms = 5000;    ///< how long to wait on a lock held by another process
  bool synchronous_full = true;  ///< FULL: an answered write survives power loss
  int max_batch = 256;           ///< requests per group commit at most
  /// A WAL holding more than this starts over between two write batches. Only a long read keeps
  /// it from doing so; at kWalFileLimitFactor times this, a RESTART checkpoint waits up to
  /// `checkpoint_wait_ms` for readers to move on, and the file is cut back to that size.
  std::int64_t wal_limit_bytes = 64LL << 20;
  int checkpoint_wait_ms = 200;
  /// How often, while writes come in, a PASSIVE checkpoint copies the WAL into the database
  /// file. Each pass ends with an fsync of what it wrote, and an fsync of the WAL waits behind
  /// those writes on the same disk: a second's worth (20 MiB under creates at 64 connections)
  /// held single syncs, and every answer behind them, for 80-145 ms. A tenth of a second's worth
  /// is written in a few milliseconds (10 s of creates at 64 connections: p99 30-63 ms at 1 s,
  /// 16-26 ms at 50-200 ms; tests/bench/README.md).
  int checkpoint_interval_ms = 100;
  /// The page cache of the writing connections, in KiB (readers keep SQLite's 2 MiB). Small on
  /// purpose: while the database is under 1 GiB, a b-tree split that renumbers its new pages
  /// parks one at page 262145 (SQLite's pending-byte page), and the COMMIT after it then walks
  /// the writer's whole page-cache hash table to drop pages past the end of the file. With 64 MiB
  /// (16,384 pages) that walk was a tenth of the writer's time under creates; at 4 MiB a create
  /// cost the writer 158-169 us instead of 194-197 (tests/bench/README.md). An import, which
  /// writes large batches and sorts whole tables into indexes, sets it larger.
  int writer_cache_kib = 4096;
};

/// The page cache of a bulk writer (an import, building indexes), in KiB: large batches touch
/// many pages, and SQLite sorts an index in memory chunks of the cache's size.
inline constexpr int kBulkCacheKib = 65536;

/// The WAL file is cut back to this many times DbOptions::wal_limit_bytes when the WAL starts
/// over (SQLite's journal_size_limit), not to the limit itself: cutting a file that a long read
/// let grow to 300 MiB back to 64 MiB freed its blocks inside the next COMMIT, 90-110 ms of the
/// writer's time (tests/bench/sla_recompute.sh). A file up to this size is reused from its start.
inline constexpr std::int64_t kWalFileLimitFactor = 4;

/// How a WAL checkpoint went: `busy` when readers or a writer kept it from finishing.
struct CheckpointResult {
  bool busy = false;
  int wal_frames = 0;           ///< frames in the WAL
  int checkpointed_frames = 0;  ///< of which copied into the database
};

/// Process-wide SQLite settings; call once, before the first connection opens. Turns off
/// SQLite's memory statistics, which take a global mutex on every allocation (7% of an
/// import's time) and which nothing here reads.
void configure_sqlite();

/// One SQLite connection with its prepared statements cached by SQL text.
/// Thread contract: used by one thread at a time (a reader lease or the writer thread).
class RawStatement;

class Connection {
 public:
  Connection(const DbOptions& options, bool read_only);
  ~Connection();  // where RawStatement is complete
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The cached statement for `sql`, reset and with bindings cleared, ready to bind.
  /// REQUIRES: `sql` is a named constant of store/ with static storage (never built from input);
  /// same statement is not in use further up the stack.
  SQLite::Statement& statement(std::string_view sql);

  /// The same for a statement read through SQLite's C API (RawStatement), for rows read by the
  /// thousand. Same REQUIRES.
  RawStatement& raw(std::string_view sql);

  /// Resets every cached statement. A statement left mid-result keeps its read snapshot open,
  /// so this runs whenever a unit of work ends (a reader lease returns, a write finishes).
  void release_statements();

  /// Runs SQL that returns no rows (DDL, pragmas).
  void exec(const std::string& sql) { db_.exec(sql); }

  /// Runs a constant statement without results through the statement cache (savepoints and
  /// transaction control on the writer's hot path: prepared once, not parsed per request).
  void run(std::string_view sql) { statement(sql).exec(); }

  /// Runs a WAL checkpoint: PASSIVE (copies what no reader needs, never waits) or RESTART
  /// (waits for readers and writers within the busy timeout, copies everything, and makes the
  /// next write start the WAL over). Throws SQLite::Exception on an error other than busy.
  CheckpointResult checkpoint(bool restart);

  /// Makes SQLite grow (and cut) the database file this connection writes in steps of `bytes`.
  void grow_in_steps_of(int bytes);

  /// Rows changed by this connection's statements since it opened (those of nested statements,
  /// such as a virtual table's writes to its own tables, included).
  std::int64_t total_changes() const { return db_.getTotalChanges(); }

  /// The rowid of the last INSERT on this connection.
  std::int64_t last_insert_id() const { return db_.getLastInsertRowid(); }
  /// Rows changed by the last statement.
  int changes() const { return db_.getChanges(); }

  /// The ticket ids that SQL's `hd_search_hit(id)` is true for on this connection, until
  /// cleared. A search reads its matches from the full-text index once, sorted, and the list
  /// query then walks tickets in page order testing each against them: it stops at the page
  /// instead of first copying every match into a temporary index.
  void set_search_hits(std::vector<std::int64_t> sorted_ids) {
    *search_hits_ = std::move(sorted_ids);
  }

 private:
  friend class RawStatement;  // prepares on db_

  std::unique_ptr<std::vector<std::int64_t>> search_hits_ =
      std::make_unique<std::vector<std::int64_t>>();
  SQLite::Database db_;
  /// Statements are looked up by the address of their constant SQL text, not by hashing it (a
  /// ticket's SQL is 1.5 kB, and a search page looks it up once a ticket); equal texts at two
  /// addresses merely prepare twice.
  struct SqlAddressHash {
    std::size_t operator()(std::string_view sql) const noexcept {
      return std::hash<const char*>{}(sql.data()) ^ sql.size();
    }
  };
  template <class Statement>
  using StatementCache =
      std::unordered_map<std::string_view, std::unique_ptr<Statement>, SqlAddressHash>;

  StatementCache<SQLite::Statement> statements_;
  std::vector<SQLite::Statement*> handed_out_;  ///< since the last release_statements()
  StatementCache<RawStatement> raw_statements_;
  std::vector<RawStatement*> raw_handed_out_;
};

}  // namespace hd::store
