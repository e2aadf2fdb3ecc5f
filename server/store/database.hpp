#pragma once

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "store/connection.hpp"
#include "store/synced_file.hpp"

namespace hd::store {

namespace kpi {
class FactCache;
}

/// A write transaction as the writer hands it to one request: the connection, inside that
/// request's own SAVEPOINT, plus full-text rows that are indexed after all savepoints of the
/// batch (FTS5 flushes its pending index at every savepoint; see ARCHITECTURE.md).
class Tx {
 public:
  explicit Tx(Connection& connection) : connection_(connection) {}
  Connection& connection() { return connection_; }
  /// Queues `text` for the search index of `ticket_id`, written before this batch commits.
  void index_for_search(std::int64_t ticket_id, std::string text) {
    search_rows_.emplace_back(ticket_id, std::move(text));
  }
  /// Notes that this request queued a job, so the job runner is woken after the commit.
  void note_job_queued() { job_queued_ = true; }
  /// Notes that a KPI fact of `metric` at `at` was inserted: its day's version is bumped once
  /// for the batch, before it commits (kpi::bump_fact_days).
  void note_fact_day(int metric, std::int64_t at) { fact_days_.emplace_back(metric, at); }

 private:
  friend class Database;
  Connection& connection_;
  std::vector<std::pair<std::int64_t, std::string>> search_rows_;
  std::vector<std::pair<int, std::int64_t>> fact_days_;  ///< (metric, at) of new facts
  bool job_queued_ = false;
};

/// What the database reports after each group commit, once it is durable.
struct BatchCommitted {
  std::size_t requests = 0;           ///< requests in the batch (committed or rolled back)
  bool jobs_queued = false;           ///< a committed request queued a job
  std::chrono::microseconds held{0};  ///< how long the batch held the writer, COMMIT included
  /// How long the batch then waited, after its COMMIT, for the fdatasync that made it durable
  /// (0 with `[db] synchronous = "normal"`).
  std::chrono::microseconds synced{0};
};

/// What the checkpointer did, reported after each checkpoint (for /metrics).
struct CheckpointDone {
  /// passive (beside the writer) | paused (the writer paused so that the WAL can start over) |
  /// restart (the same, waiting for readers too)
  const char* mode = "passive";
  const char* outcome = "done";  ///< done | busy (readers kept part of the WAL) | error
  std::int64_t wal_bytes = 0;    ///< the WAL file's size afterwards
  /// How long the writer waited for it (paused and restart only): every write waits this long.
  std::chrono::microseconds writer_paused{0};
};

/// The SQLite backend: a pool of read-only connections on reader threads, and one writer
/// thread that drains its queue into group commits (each request in its own SAVEPOINT, one
/// COMMIT per batch). The COMMIT writes the WAL without waiting for the disk; a syncer thread
/// then makes it durable with one fdatasync for every batch committed since the last one, and
/// only then resumes the batch's waiting coroutines. So the writer runs the next batch while
/// the disk takes the last one, and nothing is answered before it would survive power loss.
/// Nothing above store/ sees SQLite: work is passed as functions over Connection/Tx.
/// Thread contract: read/write may be awaited from any executor; they resume there.
class Database {
 public:
  /// Opens (creating if needed) the database; does not migrate. `on_commit` is called on the
  /// syncer thread after each group commit is durable and before its writes' callers resume
  /// (metrics, waking the job runner); it must not block.
  /// `on_checkpoint` is called on the checkpointer's thread after each checkpoint; it must not
  /// block either.
  explicit Database(DbOptions options, std::function<void(const BatchCommitted&)> on_commit = {},
                    std::function<void(const CheckpointDone&)> on_checkpoint = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs `work(Connection&)` on a reader thread; resumes on the caller's executor.
  /// The result must be default-constructible. Exceptions propagate to the awaiting coroutine.
  /// For the quick reads that agents' screens make all day (a page, a ticket, a count).
  template <class Work, class R = std::invoke_result_t<Work&, Connection&>>
  boost::asio::awaitable<R> read(Work work) {
    return read_on<Work, R>(readers_, std::move(work));
  }

  /// The same as read(), on the threads for reports (KPIs, drill-downs, exports): work that
  /// scans many rows for a long while waits for these, so that a quick read never queues
  /// behind it.
  template <class Work, class R = std::invoke_result_t<Work&, Connection&>>
  boost::asio::awaitable<R> read_report(Work work) {
    return read_on<Work, R>(report_readers_, std::move(work));
  }

  /// Runs `work(Tx&)` on the writer thread inside a savepoint of the next group commit and
  /// resumes on the caller's executor once that commit is durable. If `work` throws, only its
  /// own savepoint is rolled back and the exception reaches the caller.
  template <class Work, class R = std::invoke_result_t<Work&, Tx&>>
  boost::asio::awaitable<R> write(Work work) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                       void(std::exception_ptr, R)>(
        [this](auto handler, Work job) {
          using Handler = decltype(handler);
          enqueue(
              std::make_unique<AsyncWrite<Work, Handler, R>>(std::move(job), std::move(handler)));
        },
        boost::asio::use_awaitable, std::move(work));
  }

  /// The same as write(), blocking the calling thread; for command-line tools.
  template <class Work, class R = std::invoke_result_t<Work&, Tx&>>
  R write_blocking(Work work) {
    auto job = std::make_unique<BlockingWrite<Work, R>>(std::move(work));
    auto future = job->promise.get_future();
    enqueue(std::move(job));
    return future.get();
  }

  /// The same as read(), on the calling thread; for command-line tools and start-up checks.
  template <class Work>
  auto read_blocking(Work work) {
    auto lease = lease_reader();
    return work(*lease.connection);
  }

  /// Finishes every queued write, then stops the writer and the checkpointer. Idempotent.
  void stop();

  const DbOptions& options() const { return options_; }

  /// The facts reports read, kept between reports (shared by the readers).
  kpi::FactCache& kpi_fact_cache() { return *kpi_fact_cache_; }

 private:
  struct WriteJob {
    virtual ~WriteJob() = default;
    virtual void run(Tx& tx) = 0;
    virtual void finish(std::exception_ptr error) = 0;  ///< once the batch is durable
  };

  /// A batch whose COMMIT is done, waiting for the fdatasync that makes it durable.
  struct CommittedBatch {
    std::vector<std::unique_ptr<WriteJob>> jobs;
    std::vector<std::exception_ptr> errors;  ///< one a job: its own failure, or none
    bool jobs_queued = false;
    std::chrono::microseconds held{0};
    std::chrono::steady_clock::time_point committed_at;
  };

  template <class Work, class Handler, class R>
  struct AsyncWrite final : WriteJob {
    AsyncWrite(Work w, Handler h) : work(std::move(w)), handler(std::move(h)) {}
    void run(Tx& tx) override { value = work(tx); }
    void finish(std::exception_ptr error) override {
      auto executor = boost::asio::get_associated_executor(handler);
      boost::asio::post(executor,
                        [handler = std::move(handler), error, value = std::move(value)]() mutable {
                          handler(error, std::move(value));
                        });
    }
    Work work;
    Handler handler;
    R value{};
  };

  template <class Work, class R>
  struct BlockingWrite final : WriteJob {
    explicit BlockingWrite(Work w) : work(std::move(w)) {}
    void run(Tx& tx) override { value = work(tx); }
    void finish(std::exception_ptr error) override {
      if (error)
        promise.set_exception(error);
      else
        promise.set_value(std::move(value));
    }
    Work work;
    std::promise<R> promise;
    R value{};
  };

  struct ReaderLease {
    Database* owner;
    std::unique_ptr<Connection> connection;
    ReaderLease(Database* o, std::unique_ptr<Connection> c) : owner(o), connection(std::move(c)) {}
    ReaderLease(ReaderLease&&) = default;
    ~ReaderLease();
  };

  ReaderLease lease_reader();
  /// read() and read_report(): `work` on a thread of `pool` with a leased connection.
  template <class Work, class R>
  boost::asio::awaitable<R> read_on(boost::asio::thread_pool& pool, Work work) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                       void(std::exception_ptr, R)>(
        [this, &pool](auto handler, Work job) {
          boost::asio::post(pool,
                            [this, work = std::move(job), handler = std::move(handler)]() mutable {
                              std::exception_ptr error;
                              R value{};
                              try {
                                auto lease = lease_reader();
                                value = work(*lease.connection);
                              } catch (...) {
                                error = std::current_exception();
                              }
                              auto executor = boost::asio::get_associated_executor(handler);
                              boost::asio::post(executor, [handler = std::move(handler), error,
                                                           value = std::move(value)]() mutable {
                                handler(error, std::move(value));
                              });
                            });
        },
        boost::asio::use_awaitable, std::move(work));
  }
  void enqueue(std::unique_ptr<WriteJob> job);
  void writer_loop();
  /// Runs and commits `batch` (its jobs and their failures).
  void commit_batch(CommittedBatch& batch);
  bool nothing_queued();
  /// Merges the search index's segments for a commit that added `texts` texts: an import's
  /// large batch at once, a request batch's share later (merge_search_while_idle), unless too
  /// much is owed already.
  void owe_search_merge(Connection& db, std::size_t texts);
  /// Merges what is owed, a step at a time, while no write waits.
  void merge_search_while_idle();
  /// Merges one step of what is owed; nothing is owed any more once there was nothing to merge.
  void pay_search_merge_step(Connection& db);
  void syncer_loop();
  void checkpoint_loop();
  /// `frame_bytes`: the size of one WAL frame (a page and its header).
  void checkpoint_once(Connection& connection, std::int64_t frame_bytes);

  DbOptions options_;
  std::function<void(const BatchCommitted&)> on_commit_;
  std::function<void(const CheckpointDone&)> on_checkpoint_;
  /// Synced by the checkpointer after each pass: SQLite syncs the database file only after a
  /// pass that reached the WAL's end, which under steady writes is only the one that pauses the
  /// writer, and that one then waited for every page copied since the WAL started over.
  /// Declared before every connection, so that it is closed after them (SyncedFile).
  SyncedFile database_file_{options_.path, SyncedFile::Kind::database};
  int backfilled_frames_ = 0;  ///< WAL frames copied by the last checkpoint; checkpointer only
  std::unique_ptr<Connection> writer_connection_;  ///< used only by the writer thread
  std::int64_t search_merge_owed_ = 0;             ///< pages; used only by the writer thread

  std::unique_ptr<kpi::FactCache> kpi_fact_cache_;
  std::mutex readers_mutex_;  ///< guards idle_readers_
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  boost::asio::thread_pool readers_;         ///< quick reads
  boost::asio::thread_pool report_readers_;  ///< reports

  std::mutex queue_mutex_;  ///< guards queue_, stopping_
  std::condition_variable queue_ready_;
  std::condition_variable stop_requested_;  ///< wakes the checkpointer early on stop()
  std::deque<std::unique_ptr<WriteJob>> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  /// Held by the writer for each batch and by the checkpointer for a RESTART checkpoint, so
  /// that the writer waits for that checkpoint here rather than failing on SQLite's lock.
  std::mutex restart_mutex_;
  std::atomic<bool> restart_pending_{false};  ///< the checkpointer waits for restart_mutex_
  std::thread writer_;
  std::thread checkpointer_;

  std::mutex sync_mutex_;  ///< guards committed_, writer_done_
  std::condition_variable sync_ready_;
  std::deque<CommittedBatch> committed_;
  bool writer_done_ = false;  ///< the writer has handed over its last batch
  std::thread syncer_;
};

}  // namespace hd::store
