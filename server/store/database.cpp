#include "store/database.hpp"

#include "store/kpi_fact_cache.hpp"
#include "store/kpi_facts_store.hpp"
#include "store/synced_file.hpp"

#include <SQLiteCpp/Exception.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>
#include <thread>

namespace hd::store {
namespace {

// At most this many WAL frames (4 KiB pages) may be left to copy when the writer is paused so
// that the WAL can start over.
constexpr int kMaxFramesLeftForRestart = 256;
// Passes a checkpoint makes beside a busy writer to catch up with it before pausing it.
constexpr int kMaxCatchUpPasses = 4;

// In WAL mode only checkpoints write the database file. Grown a page at a time, each growth
// allocates blocks that ext4 must write out before its next journal commit, and the WAL's
// fdatasync then waited behind a checkpoint's tens of megabytes: 100 ms to 1 s under creates
// (tests/bench/README.md, thirteenth session). Grown in steps of an eighth of its size (at most
// 12.5 % unused, and at most 32 MiB), it allocates rarely.
int growth_step(std::int64_t database_bytes) {
  constexpr std::int64_t kMiB = 1 << 20;
  return static_cast<int>(std::clamp(database_bytes / 8 / kMiB, std::int64_t{1}, std::int64_t{32}) *
                          kMiB);
}

// A ticket's search document (rowid = ticket id) grows with each text it gets.
constexpr const char* kAppendSearchText =
    "UPDATE ticket_search SET body = body || char(10) || ?2 WHERE rowid = ?1";
constexpr const char* kInsertSearchDocument =
    "INSERT INTO ticket_search(rowid, body) VALUES (?1, ?2)";
// FTS5 merges only when asked (migration 0017): this many pages for each commit that adds text (a
// request batch adds a page or two of index), and an eighth of a page a text for the large batches
// of an import (half a page a text made an import 40% slower, merging the same segments again and
// again).
constexpr const char* kMergeSearchSegments =
    "INSERT INTO ticket_search(ticket_search, rank) VALUES ('merge', ?1)";
constexpr std::int64_t kMinMergePages = 16;
// A small batch's merging is owed and done while the writer has nothing queued: a step costs
// 0.4 ms on average and 5-9 ms when it meets a long doclist (a common word), which every request
// of the batch waited for. Past this much owed, a batch merges its share itself, so that a writer
// that is never idle still keeps the index's segments few.
constexpr std::int64_t kMaxMergePagesOwed = 8 * kMinMergePages;

/// Adds the batch's texts to their tickets' search documents: one write per ticket, its texts
/// in the order they came.
void write_search_texts(Connection& db, std::vector<std::pair<std::int64_t, std::string>>& texts) {
  if (texts.empty()) return;
  std::stable_sort(texts.begin(), texts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < texts.size();) {
    const std::int64_t ticket_id = texts[i].first;
    std::string text = std::move(texts[i].second);
    for (++i; i < texts.size() && texts[i].first == ticket_id; ++i)
      (text += '\n') += texts[i].second;
    auto& append = db.statement(kAppendSearchText);
    append.bind(1, ticket_id);
    append.bind(2, text);
    if (append.exec() > 0) continue;
    auto& insert = db.statement(kInsertSearchDocument);
    insert.bind(1, ticket_id);
    insert.bind(2, text);
    insert.exec();
  }
}

/// Merges about `pages` pages of the search index's segments. False when there was nothing to
/// merge: the command itself is the only row it changed.
bool merge_search_segments(Connection& db, std::int64_t pages) {
  const std::int64_t changes_before = db.total_changes();
  auto& merge = db.statement(kMergeSearchSegments);
  merge.bind(1, pages);
  merge.exec();
  return db.total_changes() - changes_before > 1;
}

// After a failed fdatasync it is unknown which of the pages written since the last good one
// reached the disk (Linux may drop them from its cache and succeed next time), so nothing written
// can be promised any more: the process stops, and the next start recovers exactly what the WAL
// on disk holds.
[[noreturn]] void stop_unsynced(const std::exception& e) {
  std::fprintf(stderr, "fatal: %s; stopping so that no write is answered unsaved\n", e.what());
  std::abort();
}

/// `options` with its thread counts settled: a count of quick readers for 0, at least one each.
DbOptions with_reader_threads(DbOptions options) {
  if (options.readers <= 0)
    options.readers = static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  options.report_readers = std::max(1, options.report_readers);
  return options;
}

}  // namespace

Database::Database(DbOptions options, std::function<void(const BatchCommitted&)> on_commit,
                   std::function<void(const CheckpointDone&)> on_checkpoint)
    : options_(with_reader_threads(std::move(options))),
      on_commit_(std::move(on_commit)),
      on_checkpoint_(std::move(on_checkpoint)),
      writer_connection_(std::make_unique<Connection>(options_, false)),
      kpi_fact_cache_(std::make_unique<kpi::FactCache>()),
      readers_(static_cast<std::size_t>(options_.readers)),
      report_readers_(static_cast<std::size_t>(options_.report_readers)) {
  for (int i = 0; i < options_.readers + options_.report_readers; ++i)
    idle_readers_.push_back(std::make_unique<Connection>(options_, true));
  // Named for top -H, perf and gdb (at most 15 characters).
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hd-writer");
    writer_loop();
  });
  syncer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hd-syncer");
    syncer_loop();
  });
  checkpointer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hd-checkpoint");
    checkpoint_loop();
  });
}

Database::~Database() {
  stop();
}

Database::ReaderLease::~ReaderLease() {
  if (!connection) return;
  connection->release_statements();
  std::lock_guard lock(owner->readers_mutex_);
  owner->idle_readers_.push_back(std::move(connection));
}

Database::ReaderLease Database::lease_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return {this, std::move(connection)};
    }
  }
  // More concurrent readers than pooled connections (blocking callers beside the pool's
  // threads): open one more; it joins the pool when returned.
  return {this, std::make_unique<Connection>(options_, true)};
}

void Database::enqueue(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      queue_ready_.notify_one();
      return;
    }
  }
  // Refused through the job's own completion, so that an awaiting coroutine gets the error.
  job->finish(std::make_exception_ptr(std::runtime_error("the database is shutting down")));
}

void Database::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  queue_ready_.notify_all();
  stop_requested_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(sync_mutex_);
    writer_done_ = true;
  }
  sync_ready_.notify_one();
  if (syncer_.joinable()) syncer_.join();
  if (checkpointer_.joinable()) checkpointer_.join();
  readers_.join();
  report_readers_.join();
  try {
    writer_connection_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SQLite::Exception&) {
    // A reader of another process holds the WAL; the next start checkpoints it.
  }
}

void Database::writer_loop() {
  for (;;) {
    CommittedBatch batch;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is written
      while (!queue_.empty() && batch.jobs.size() < static_cast<std::size_t>(options_.max_batch)) {
        batch.jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    while (restart_pending_) std::this_thread::sleep_for(std::chrono::microseconds(200));
    // Held from BEGIN: a checkpoint's pause before it is the checkpointer's (CheckpointDone).
    std::chrono::steady_clock::time_point started;
    {
      std::lock_guard restarting(restart_mutex_);
      started = std::chrono::steady_clock::now();
      commit_batch(batch);
    }
    batch.committed_at = std::chrono::steady_clock::now();
    batch.held =
        std::chrono::duration_cast<std::chrono::microseconds>(batch.committed_at - started);
    {
      std::lock_guard lock(sync_mutex_);
      committed_.push_back(std::move(batch));
    }
    sync_ready_.notify_one();
    merge_search_while_idle();
  }
}

bool Database::nothing_queued() {
  std::lock_guard lock(queue_mutex_);
  return queue_.empty();
}

void Database::owe_search_merge(Connection& db, std::size_t texts) {
  if (texts == 0) return;
  const auto import_share = static_cast<std::int64_t>(texts / 8);
  if (import_share > kMinMergePages) {
    merge_search_segments(db, import_share);
    return;
  }
  search_merge_owed_ += kMinMergePages;
  if (search_merge_owed_ > kMaxMergePagesOwed) pay_search_merge_step(db);
}

void Database::pay_search_merge_step(Connection& db) {
  search_merge_owed_ = std::max<std::int64_t>(0, search_merge_owed_ - kMinMergePages);
  if (!merge_search_segments(db, kMinMergePages)) search_merge_owed_ = 0;
}

// A transaction of its own that nobody waits for: the next batch's fdatasync covers it, and a
// batch that comes meanwhile waits for one step at most.
void Database::merge_search_while_idle() {
  if (search_merge_owed_ == 0 || restart_pending_ || !nothing_queued()) return;
  Connection& db = *writer_connection_;
  std::lock_guard restarting(restart_mutex_);
  try {
    db.run("BEGIN IMMEDIATE");
    do {
      pay_search_merge_step(db);
    } while (search_merge_owed_ > 0 && !restart_pending_ && nothing_queued());
    db.run("COMMIT");
  } catch (const SQLite::Exception&) {
    try {
      db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // A failed COMMIT may have ended the transaction already.
    }
    search_merge_owed_ = 0;  // batches merge their own share again once this much is owed
  }
  db.release_statements();
  commits_.fetch_add(1);
}

// Takes every batch committed since the last round, makes them durable with one fdatasync of
// the WAL (which holds each batch's frames before its COMMIT returns), then reports and answers
// them in commit order; stops the process when the fdatasync fails (stop_unsynced).
void Database::syncer_loop() {
  SyncedFile wal(options_.path + "-wal", SyncedFile::Kind::wal);
  std::deque<CommittedBatch> durable;
  for (;;) {
    {
      std::unique_lock lock(sync_mutex_);
      sync_ready_.wait(lock, [this] { return writer_done_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the writer has stopped, and everything is answered
      durable.swap(committed_);
    }
    if (options_.synchronous_full) {
      try {
        wal.sync();
      } catch (const std::exception& e) {
        stop_unsynced(e);
      }
    }
    const auto synced_at = std::chrono::steady_clock::now();
    for (auto& batch : durable) {
      if (on_commit_) {
        const auto synced = options_.synchronous_full
                                ? std::chrono::duration_cast<std::chrono::microseconds>(
                                      synced_at - batch.committed_at)
                                : std::chrono::microseconds{0};
        on_commit_({batch.jobs.size(), batch.jobs_queued, batch.held, synced});
      }
      for (std::size_t i = 0; i < batch.jobs.size(); ++i) batch.jobs[i]->finish(batch.errors[i]);
    }
    durable.clear();
  }
}

void Database::commit_batch(CommittedBatch& committed) {
  auto& batch = committed.jobs;
  Connection& db = *writer_connection_;
  auto& errors = committed.errors;
  errors.assign(batch.size(), nullptr);
  Tx tx(db);
  try {
    db.run("BEGIN IMMEDIATE");
  } catch (...) {
    errors.assign(batch.size(), std::current_exception());
    return;
  }
  // A lone job runs without a savepoint: its failure rolls back the whole transaction. Inside a
  // savepoint every page a job first changes is copied to the sub-journal, which with
  // temp_store = MEMORY is a chunk list that SQLite walks from its start at the end of each
  // statement: quadratic in the size of a large job (an import batch ran 60 times slower by its
  // tenth batch). Large jobs run alone (imports, the demo seed); requests that share a batch
  // are small.
  const bool alone = batch.size() == 1;
  bool rolled_back = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::size_t search_mark = tx.search_rows_.size();
    const bool job_queued_before = tx.job_queued_;
    if (!alone) db.run("SAVEPOINT request");
    try {
      batch[i]->run(tx);
      db.release_statements();
      if (!alone) db.run("RELEASE request");
    } catch (...) {
      errors[i] = std::current_exception();
      db.release_statements();
      if (alone) {
        db.run("ROLLBACK");
        rolled_back = true;
      } else {
        db.run("ROLLBACK TO request");
        db.run("RELEASE request");
      }
      tx.search_rows_.resize(search_mark);
      tx.job_queued_ = job_queued_before;
    }
  }
  if (!rolled_back) {
    try {
      write_search_texts(db, tx.search_rows_);
      owe_search_merge(db, tx.search_rows_.size());
      // Those of rolled-back requests too: a version bumped for nothing only costs a report a
      // reread of that day.
      kpi::bump_fact_days(db, tx.fact_days_);
      db.run("COMMIT");
    } catch (...) {
      const auto failure = std::current_exception();
      try {
        db.exec("ROLLBACK");
      } catch (const SQLite::Exception&) {
        // COMMIT failing may have ended the transaction already.
      }
      for (auto& error : errors)
        if (!error) error = failure;
      tx.job_queued_ = false;
    }
  }
  commits_.fetch_add(1);
  committed.jobs_queued = tx.job_queued_;
}

// Every checkpoint_interval_ms after commits: a PASSIVE checkpoint copies what no reader still
// needs without waiting for anyone. A writer that never pauses keeps it from ever emptying the WAL,
// which then grows without bound, so once it holds more than wal_limit_bytes the checkpointer
// pauses the writer between two batches and copies what is left. SQLite's next write then starts
// the WAL over from its beginning, unless a reader is still reading it (the next round tries
// again). A RESTART checkpoint, which would wait for those readers with the writer paused (up to
// checkpoint_wait_ms; 200 ms at a time during an SLA recompute, tests/bench/sla_recompute.sh), runs
// only for a WAL that readers have kept from starting over until it is kWalFileLimitFactor times
// the limit. Never a TRUNCATE: cutting a large file to nothing while holding the writer took 65 to
// 210 ms here (ext4 freeing its blocks).
void Database::checkpoint_loop() {
  Connection connection(options_, false);
  // A RESTART checkpoint holds the write lock while it waits: never so long that the writer's
  // own busy timeout runs out behind it.
  const int wait_ms = std::min(options_.checkpoint_wait_ms, options_.busy_timeout_ms / 2);
  connection.exec("PRAGMA busy_timeout = " + std::to_string(wait_ms));
  // A WAL frame: a page and its 24-byte header.
  auto& page_size = connection.statement("PRAGMA page_size");
  const std::int64_t frame_bytes =
      24 + (page_size.executeStep() ? page_size.getColumn(0).getInt64() : 4096);
  connection.release_statements();
  std::uint64_t checkpointed_at = 0;
  std::unique_lock lock(queue_mutex_);
  while (!stopping_) {
    stop_requested_.wait_for(lock, std::chrono::milliseconds(options_.checkpoint_interval_ms),
                             [this] { return stopping_; });
    if (stopping_) break;
    const std::uint64_t commits = commits_.load();
    if (commits == checkpointed_at) continue;
    lock.unlock();
    std::error_code ec;
    const auto database_bytes = std::filesystem::file_size(options_.path, ec);
    if (!ec) connection.grow_in_steps_of(growth_step(static_cast<std::int64_t>(database_bytes)));
    checkpoint_once(connection, frame_bytes);
    checkpointed_at = commits;
    lock.lock();
  }
}

void Database::checkpoint_once(Connection& connection, std::int64_t frame_bytes) {
  const std::string wal_path = options_.path + "-wal";
  auto wal_bytes = [&] {
    std::error_code ec;
    const auto size = std::filesystem::file_size(wal_path, ec);
    return ec ? std::int64_t{0} : static_cast<std::int64_t>(size);
  };
  int left_behind = 0;  // frames the PASSIVE checkpoint could not copy (readers need them)
  int wal_frames = 0;   // frames in the WAL when the last checkpoint looked
  // mode: passive (beside the writer), paused (the writer paused), restart (paused, and waiting
  // for readers).
  // `writer_paused_at`: when the writer was paused for this checkpoint, if it was.
  auto run = [&](const char* mode,
                 std::optional<std::chrono::steady_clock::time_point> writer_paused_at = {}) {
    CheckpointDone done{mode, "done", 0, {}};
    try {
      const auto result = connection.checkpoint(mode == std::string_view("restart"));
      if (result.busy) done.outcome = "busy";
      // What a passive pass copied is made durable now, beside the writer (database_file_).
      if (mode == std::string_view("passive") && result.checkpointed_frames > 0 &&
          result.checkpointed_frames != backfilled_frames_) {
        try {
          database_file_.sync();
        } catch (const std::system_error& e) {
          stop_unsynced(e);
        }
      }
      backfilled_frames_ = result.checkpointed_frames;
      left_behind = std::max(0, result.wal_frames - result.checkpointed_frames);
      wal_frames = result.wal_frames;
    } catch (const SQLite::Exception&) {
      done.outcome = "error";  // the next round tries again
    }
    done.wal_bytes = wal_bytes();
    if (writer_paused_at)
      done.writer_paused = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - *writer_paused_at);
    if (on_checkpoint_) on_checkpoint_(done);
    return done;
  };
  const auto passive = run("passive");
  // What the WAL holds now, not its file's size: a file that grew while a long read held the
  // WAL is reused from its start, its size unchanged (up to kWalFileLimitFactor times the limit).
  const std::int64_t wal_in_use = std::int64_t{wal_frames} * frame_bytes;
  if (passive.outcome == std::string_view("error") || wal_in_use <= options_.wal_limit_bytes)
    return;
  // The writer is paused while what is left is copied, so what it appended during a (long) pass
  // is copied by more passes beside it, until one finds little new; the pause comes only when
  // little is left: the writer waits briefly, if at all.
  for (int pass = 0; pass < kMaxCatchUpPasses; ++pass) {
    const int frames_before = wal_frames;
    if (run("passive").outcome == std::string_view("error")) return;
    if (wal_frames - frames_before <= kMaxFramesLeftForRestart) break;
  }
  if (left_behind > kMaxFramesLeftForRestart) return;  // the next round tries again
  // Between two batches: the writer sees the flag and waits instead of taking the mutex
  // straight back, which would starve this thread while the WAL grows further.
  struct Pending {
    std::atomic<bool>& flag;
    explicit Pending(std::atomic<bool>& f) : flag(f) { flag = true; }
    ~Pending() { flag = false; }
  } pending(restart_pending_);
  std::lock_guard writer_paused(restart_mutex_);
  run(wal_in_use > kWalFileLimitFactor * options_.wal_limit_bytes ? "restart" : "paused",
      std::chrono::steady_clock::now());
}

}  // namespace hd::store
