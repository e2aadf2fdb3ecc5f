#include "store/database.hpp"

#include <doctest/doctest.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <future>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/refusal.hpp"
#include "store/migrations.hpp"
#include "store/people.hpp"
#include "store/tickets.hpp"
#include "temp_database.hpp"

namespace hd::store {
namespace {

namespace asio = boost::asio;
using domain::errc;
using domain::Refusal;
using testing::TempDatabase;

constexpr Millis kNow = 1'750'000'000'000;

const domain::AlwaysOpenCalendar kCalendar;
const TicketPolicy kPolicy{3'600'000, &kCalendar};

/// An exception type that does not derive from std::exception: the writer must hand over
/// whatever was thrown, not a copy sliced to a base.
struct NotAStdException {
  int code;
};

/// "1,6": batch sizes as doctest can print them.
std::string joined(const std::vector<std::size_t>& sizes) {
  std::string text;
  for (auto size : sizes) text += (text.empty() ? "" : ",") + std::to_string(size);
  return text;
}

/// Batch sizes reported by the database. A batch is reported once it is durable and before its
/// waiters are resumed, in commit order: when a write returns, every batch up to its own has
/// been reported.
class BatchLog {
 public:
  TempDatabase::OnBatch callback() {
    return [this](const BatchCommitted& batch) {
      std::lock_guard lock(mutex_);
      sizes_.push_back(batch.requests);
      jobs_queued_.push_back(batch.jobs_queued);
    };
  }

  /// Runs a fence write (REQUIRES: nothing else is queued) and returns and forgets the reports
  /// before the fence's own (the last one).
  std::vector<std::size_t> settle(Database& db) {
    db.write_blocking([](Tx&) { return 0; });
    std::lock_guard lock(mutex_);
    REQUIRE(!sizes_.empty());
    std::vector<std::size_t> sizes(sizes_.begin(), sizes_.end() - 1);
    last_jobs_queued_.assign(jobs_queued_.begin(), jobs_queued_.end() - 1);
    sizes_.clear();
    jobs_queued_.clear();
    return sizes;
  }

  /// For each batch returned by the last settle(): whether it committed a queued job.
  const std::vector<bool>& jobs_queued() const { return last_jobs_queued_; }

  /// The reports so far, without waiting.
  std::vector<std::size_t> peek() {
    std::lock_guard lock(mutex_);
    return sizes_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::size_t> sizes_;
  std::vector<bool> jobs_queued_, last_jobs_queued_;
};

/// Keeps the writer thread busy inside one write until release(), so that writes queued
/// meanwhile are committed together as the next batch.
class WriterBlocker {
 public:
  explicit WriterBlocker(Database& db) {
    std::promise<void> started;
    auto started_future = started.get_future();
    auto released = release_.get_future().share();
    thread_ = std::thread([&db, released, started = std::move(started)]() mutable {
      db.write_blocking([&](Tx&) {
        started.set_value();
        released.wait();
        return 0;
      });
    });
    started_future.wait();
  }
  ~WriterBlocker() { release(); }
  WriterBlocker(const WriterBlocker&) = delete;
  WriterBlocker& operator=(const WriterBlocker&) = delete;

  void release() {
    if (!thread_.joinable()) return;
    release_.set_value();
    thread_.join();
  }

 private:
  std::promise<void> release_;
  std::thread thread_;
};

/// A co_spawn completion handler that keeps an escaped exception for the test to check.
struct KeepError {
  std::exception_ptr* error;
  void operator()(std::exception_ptr e) const {
    if (e) *error = e;
  }
};

std::vector<std::string> team_names(Database& db) {
  return db.read_blocking([](Connection& c) {
    std::vector<std::string> names;
    for (const auto& team : list_teams(c)) names.push_back(team.name);
    return names;
  });
}

bool has_team(Database& db, const std::string& name) {
  const auto names = team_names(db);
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<Id> search(Database& db, const std::string& text) {
  return db.read_blocking([text](Connection& c) {
    TicketQuery q;
    q.text = text;
    q.limit = 1000;
    std::vector<Id> ids;
    for (const auto& t : list_tickets(c, q)) ids.push_back(t.id);
    return ids;
  });
}

NewTicket ticket_about(const std::string& word) {
  NewTicket t;
  t.subject = "About " + word;
  t.body = "The " + word + " does not work.";
  t.customer = {word + "@example.com", "Customer " + word, ""};
  return t;
}

const Actor kAgent{domain::ActorKind::agent, std::nullopt, domain::Role::agent};

// --- coroutines of the tests (free functions, parameters by value: STYLE.md) ---

/// Creates `count` teams named prefix-i one write at a time; after each write, a read must see
/// the team (a write is answered only once it is committed).
asio::awaitable<void> add_teams(Database* db, std::string prefix, int count,
                                std::atomic<int>* committed, std::atomic<int>* unseen) {
  for (int i = 0; i < count; ++i) {
    const std::string name = prefix + "-" + std::to_string(i);
    auto create = [name](Tx& tx) { return create_team(tx, name, kNow); };
    const TeamRecord team = co_await db->write(std::move(create));
    if (team.name == name && team.id > 0) committed->fetch_add(1);
    auto find = [id = team.id](Connection& c) { return find_team(c, id); };
    const auto seen = co_await db->read(std::move(find));
    if (!seen || seen->name != name) unseen->fetch_add(1);
  }
}

/// One write of a batch: creates a ticket about `word` (which queues a search row) and a team,
/// then throws if told to.
asio::awaitable<void> ticket_then_maybe_throw(Database* db, std::string word, bool fail,
                                              std::optional<Id>* created, bool* refused) {
  auto work = [word, fail](Tx& tx) {
    const auto ticket = create_ticket(tx, ticket_about(word), kAgent, kNow, kPolicy);
    create_team(tx, "team " + word, kNow);
    if (fail) throw Refusal(errc::conflict, "no " + word, "subject");
    return ticket.id;
  };
  try {
    *created = co_await db->write(std::move(work));
  } catch (const Refusal& refusal) {
    *refused = refusal.code == errc::conflict && refusal.field == "subject";
  }
}

/// What an awaiting coroutine saw of exceptions thrown inside db.write / db.read.
struct SeenErrors {
  bool refusal_from_write = false, refusal_fields = false, out_of_range_from_write = false,
       odd_type_from_write = false, refusal_from_read = false, write_after_throw_ok = false;
};

asio::awaitable<void> throw_through(Database* db, SeenErrors* seen) {
  auto refuse = [](Tx& tx) -> int {
    create_team(tx, "refused team", kNow);
    throw Refusal(errc::illegal_transition, "not now", "status",
                  {domain::Status::open, domain::Status::closed});
  };
  try {
    co_await db->write(std::move(refuse));
  } catch (const Refusal& refusal) {
    seen->refusal_from_write = true;
    seen->refusal_fields =
        refusal.code == errc::illegal_transition && refusal.field == "status" &&
        std::string(refusal.what()) == "not now" &&
        refusal.allowed == std::vector{domain::Status::open, domain::Status::closed};
  }
  auto out_of_range = [](Tx&) -> int { throw std::out_of_range("index 7"); };
  try {
    co_await db->write(std::move(out_of_range));
  } catch (const std::out_of_range&) {
    seen->out_of_range_from_write = true;
  }
  auto odd = [](Tx&) -> int { throw NotAStdException{42}; };
  try {
    co_await db->write(std::move(odd));
  } catch (const NotAStdException& e) {
    seen->odd_type_from_write = e.code == 42;
  }
  auto refuse_read = [](Connection&) -> int { throw Refusal(errc::not_found, "nothing"); };
  try {
    co_await db->read(std::move(refuse_read));
  } catch (const Refusal& refusal) {
    seen->refusal_from_read = refusal.code == errc::not_found;
  }
  auto fine = [](Tx& tx) { return create_team(tx, "after the failures", kNow); };
  const auto team = co_await db->write(std::move(fine));
  seen->write_after_throw_ok = team.name == "after the failures";
}

/// Where each step of a coroutine ran.
struct Placement {
  std::thread::id before, after_read, after_write, reader, writer;
};

asio::awaitable<void> note_threads(Database* db, Placement* placement) {
  placement->before = std::this_thread::get_id();
  auto read = [](Connection&) { return std::this_thread::get_id(); };
  placement->reader = co_await db->read(std::move(read));
  placement->after_read = std::this_thread::get_id();
  auto write = [](Tx&) { return std::this_thread::get_id(); };
  placement->writer = co_await db->write(std::move(write));
  placement->after_write = std::this_thread::get_id();
}

using PoolStrand = asio::strand<asio::thread_pool::executor_type>;

/// Alternates reads and writes on a strand of a multi-threaded pool; counts each resumption
/// that did not happen inside the strand.
asio::awaitable<void> stay_on_strand(Database* db, PoolStrand* strand, int rounds,
                                     std::atomic<int>* off_strand, std::atomic<int>* done) {
  for (int i = 0; i < rounds; ++i) {
    auto read = [](Connection& c) { return count_tickets(c); };
    co_await db->read(std::move(read));
    if (!strand->running_in_this_thread()) off_strand->fetch_add(1);
    auto write = [](Tx&) { return 1; };
    co_await db->write(std::move(write));
    if (!strand->running_in_this_thread()) off_strand->fetch_add(1);
    done->fetch_add(1);
  }
}

asio::awaitable<void> write_team(Database* db, std::string name, bool* ok) {
  auto create = [name](Tx& tx) { return create_team(tx, name, kNow); };
  const auto team = co_await db->write(std::move(create));
  *ok = team.name == name;
}

asio::awaitable<void> write_after_stop(Database* db, bool* refused) {
  auto create = [](Tx& tx) { return create_team(tx, "too late", kNow); };
  try {
    co_await db->write(std::move(create));
  } catch (const std::runtime_error&) {
    *refused = true;
  }
}

// --- the tests ---

TEST_CASE("write_blocking commits and hands back the work's result; every reader sees it") {
  TempDatabase temp;
  Database& db = temp.db();
  const TeamRecord team =
      db.write_blocking([](Tx& tx) { return create_team(tx, "Billing", kNow); });
  CHECK(team.id > 0);
  CHECK(team.name == "Billing");
  CHECK(team.created_at == kNow);

  // Several read_blocking calls at once borrow more connections than the pool holds.
  std::vector<std::thread> readers;
  std::atomic<int> seen{0};
  for (int i = 0; i < 6; ++i)
    readers.emplace_back([&] {
      if (db.read_blocking([&](Connection& c) { return find_team(c, team.id); })) ++seen;
    });
  for (auto& t : readers) t.join();
  CHECK(seen == 6);
}

TEST_CASE("a write_blocking whose work throws leaves no trace and its caller gets the exception") {
  TempDatabase temp;
  Database& db = temp.db();

  SUBCASE("a Refusal keeps its type and fields") {
    try {
      db.write_blocking([](Tx& tx) -> int {
        create_ticket(tx, ticket_about("ghost"), kAgent, kNow, kPolicy);
        create_team(tx, "Ghosts", kNow);
        throw Refusal(errc::conflict, "no ghosts", "name");
      });
      FAIL("write_blocking did not throw");
    } catch (const Refusal& refusal) {
      CHECK(refusal.code == errc::conflict);
      CHECK(refusal.field == "name");
      CHECK(std::string(refusal.what()) == "no ghosts");
    }
  }
  SUBCASE("a type that is no std::exception") {
    CHECK_THROWS_AS(db.write_blocking([](Tx& tx) -> int {
      create_ticket(tx, ticket_about("ghost"), kAgent, kNow, kPolicy);
      create_team(tx, "Ghosts", kNow);
      throw NotAStdException{7};
    }),
                    NotAStdException);
  }
  SUBCASE("a refusal from the store itself (a duplicate team name)") {
    db.write_blocking([](Tx& tx) { return create_team(tx, "Taken", kNow); });
    try {
      db.write_blocking([](Tx& tx) {
        create_ticket(tx, ticket_about("ghost"), kAgent, kNow, kPolicy);
        create_team(tx, "Ghosts", kNow);
        return create_team(tx, "taken", kNow);  // names are unique without regard to case
      });
      FAIL("write_blocking did not throw");
    } catch (const Refusal& refusal) {
      CHECK(refusal.code == errc::conflict);
      CHECK(refusal.field == "name");
    }
  }

  // No team, no ticket, no customer and no search row of the failed write.
  CHECK_FALSE(has_team(db, "Ghosts"));
  CHECK(db.read_blocking([](Connection& c) { return count_tickets(c); }) == 0);
  CHECK(db.read_blocking([](Connection& c) { return list_customers(c, {}, 0, 100); }).empty());
  CHECK(search(db, "ghost").empty());

  // The writer carries on.
  const auto id = db.write_blocking(
      [](Tx& tx) { return create_ticket(tx, ticket_about("printer"), kAgent, kNow, kPolicy).id; });
  CHECK(search(db, "printer") == std::vector{id});
  CHECK(search(db, "ghost").empty());
}

TEST_CASE("concurrent writes from coroutines and threads all commit and are visible to read()") {
  BatchLog batches;
  TempDatabase temp(TempDatabase::Schema::migrated, batches.callback());
  Database& db = temp.db();
  batches.settle(db);  // the migration's own writes

  constexpr int kCoroutines = 8, kWritesEach = 25, kThreads = 2;
  asio::io_context ioc;
  std::atomic<int> committed{0}, unseen{0};
  std::vector<std::exception_ptr> errors(kCoroutines);
  for (int i = 0; i < kCoroutines; ++i)
    asio::co_spawn(ioc, add_teams(&db, "c" + std::to_string(i), kWritesEach, &committed, &unseen),
                   KeepError{&errors[i]});
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  // Plain threads writing with write_blocking at the same time.
  std::atomic<int> blocking_committed{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < kWritesEach; ++k) {
        const std::string name = "t" + std::to_string(i) + "-" + std::to_string(k);
        if (db.write_blocking([&](Tx& tx) { return create_team(tx, name, kNow); }).name == name)
          ++blocking_committed;
      }
    });
  for (auto& t : threads) t.join();

  for (const auto& e : errors) CHECK_FALSE(e);
  CHECK(committed == kCoroutines * kWritesEach);
  CHECK(unseen == 0);
  CHECK(blocking_committed == kThreads * kWritesEach);
  const auto names = team_names(db);
  CHECK(names.size() == std::size_t((kCoroutines + kThreads) * kWritesEach));
  for (int i = 0; i < kCoroutines; ++i)
    for (int k = 0; k < kWritesEach; ++k) {
      const std::string name = "c" + std::to_string(i) + "-" + std::to_string(k);
      CAPTURE(name);
      CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
  // Every write was in exactly one committed batch.
  const auto sizes = batches.settle(db);
  CHECK(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}) ==
        std::size_t((kCoroutines + kThreads) * kWritesEach));
}

TEST_CASE("a write that throws inside a group commit rolls back only its own savepoint") {
  BatchLog batches;
  int max_batch = 256;
  SUBCASE("the whole queue in one batch") {
    max_batch = 256;
  }
  SUBCASE("the queue split by max_batch") {
    max_batch = 4;
  }
  CAPTURE(max_batch);
  TempDatabase temp(TempDatabase::Schema::migrated, batches.callback(),
                    [max_batch](DbOptions& o) { o.max_batch = max_batch; });
  Database& db = temp.db();
  batches.settle(db);

  // Six writes queue up while the writer is busy; the third one fails after it has written a
  // ticket, a customer, a team and a search row. Its ticket id is then reused by the fourth,
  // so a search row of the failed write left behind would point at the wrong ticket.
  const std::vector<std::string> words{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
  constexpr std::size_t kFailing = 2;
  std::vector<std::optional<Id>> created(words.size());
  bool refused[6] = {};
  std::vector<std::exception_ptr> errors(words.size());
  asio::io_context ioc;
  {
    WriterBlocker blocker(db);
    for (std::size_t i = 0; i < words.size(); ++i)
      asio::co_spawn(
          ioc, ticket_then_maybe_throw(&db, words[i], i == kFailing, &created[i], &refused[i]),
          KeepError{&errors[i]});
    ioc.poll();  // every coroutine runs up to its co_await: all six writes are queued
    blocker.release();
  }
  ioc.restart();
  ioc.run();

  if (max_batch == 256)
    CHECK(joined(batches.settle(db)) == "1,6");
  else
    CHECK(joined(batches.settle(db)) == "1,4,2");
  for (std::size_t i = 0; i < words.size(); ++i) {
    CAPTURE(words[i]);
    CHECK_FALSE(errors[i]);
    if (i == kFailing) {
      CHECK(refused[i]);
      CHECK_FALSE(created[i]);
      CHECK_FALSE(has_team(db, "team " + words[i]));
      CHECK(search(db, words[i]).empty());
    } else {
      CHECK_FALSE(refused[i]);
      REQUIRE(created[i]);
      CHECK(has_team(db, "team " + words[i]));
      CHECK(search(db, words[i]) == std::vector{*created[i]});
      const auto ticket =
          db.read_blocking([&](Connection& c) { return find_ticket(c, *created[i]); });
      REQUIRE(ticket);
      CHECK(ticket->subject == "About " + words[i]);
    }
  }
  CHECK(db.read_blocking([](Connection& c) { return count_tickets(c); }) == 5);
  CHECK(db.read_blocking([](Connection& c) { return list_customers(c, {}, 0, 100); }).size() == 5);
}

TEST_CASE("the writer reports whether a committed request of a batch queued a job") {
  BatchLog batches;
  TempDatabase temp(TempDatabase::Schema::migrated, batches.callback());
  Database& db = temp.db();
  batches.settle(db);
  // Resolving a ticket queues its satisfaction check in the same request.
  auto resolve = [](const std::string& word, bool then_fail) {
    return [word, then_fail](Tx& tx) {
      const auto t = create_ticket(tx, ticket_about(word), kAgent, kNow, kPolicy);
      change_status(tx, t.id, domain::Status::resolved, "", kAgent, kNow + 1, kPolicy);
      if (then_fail) throw Refusal(errc::conflict, "no");
      return t.id;
    };
  };

  db.write_blocking(resolve("alpha", false));
  CHECK(joined(batches.settle(db)) == "1");
  CHECK(batches.jobs_queued() == std::vector<bool>{true});

  CHECK_THROWS_AS(db.write_blocking(resolve("bravo", true)), Refusal);
  CHECK(joined(batches.settle(db)) == "1");
  CHECK(batches.jobs_queued() == std::vector<bool>{false});  // rolled back with its request

  db.write_blocking([](Tx& tx) { return create_team(tx, "No jobs", kNow); });
  CHECK(joined(batches.settle(db)) == "1");
  CHECK(batches.jobs_queued() == std::vector<bool>{false});
}

TEST_CASE("async write and read hand exceptions to the awaiting coroutine with their type") {
  TempDatabase temp;
  asio::io_context ioc;
  SeenErrors seen;
  std::exception_ptr escaped;
  asio::co_spawn(ioc, throw_through(&temp.db(), &seen), KeepError{&escaped});
  ioc.run();
  CHECK_FALSE(escaped);
  CHECK(seen.refusal_from_write);
  CHECK(seen.refusal_fields);
  CHECK(seen.out_of_range_from_write);
  CHECK(seen.odd_type_from_write);
  CHECK(seen.refusal_from_read);
  CHECK(seen.write_after_throw_ok);
  CHECK_FALSE(has_team(temp.db(), "refused team"));
  CHECK(has_team(temp.db(), "after the failures"));
}

TEST_CASE("read and write run on the reader and writer threads and resume on the caller's") {
  TempDatabase temp;

  SUBCASE("an io_context run by one thread") {
    asio::io_context ioc;
    Placement placement;
    std::exception_ptr escaped;
    asio::co_spawn(ioc, note_threads(&temp.db(), &placement), KeepError{&escaped});
    std::thread io_thread([&ioc] { ioc.run(); });
    const auto io_id = io_thread.get_id();
    io_thread.join();
    CHECK_FALSE(escaped);
    CHECK(placement.before == io_id);
    CHECK(placement.after_read == io_id);
    CHECK(placement.after_write == io_id);
    CHECK(placement.reader != io_id);
    CHECK(placement.writer != io_id);
    CHECK(placement.reader != placement.writer);
    CHECK(placement.reader != std::thread::id{});
  }

  SUBCASE("strands of a thread pool") {
    asio::thread_pool pool(3);
    constexpr int kStrands = 4, kRounds = 15;
    std::vector<PoolStrand> strands;
    for (int i = 0; i < kStrands; ++i) strands.push_back(asio::make_strand(pool.get_executor()));
    std::atomic<int> off_strand{0}, done{0};
    std::vector<std::exception_ptr> errors(kStrands);
    for (int i = 0; i < kStrands; ++i)
      asio::co_spawn(strands[i],
                     stay_on_strand(&temp.db(), &strands[i], kRounds, &off_strand, &done),
                     KeepError{&errors[i]});
    pool.join();
    // The reader and writer threads may still hold copies of a strand's executor for a moment
    // after the coroutine resumed; stop them before the strands' pool goes away.
    temp.close();
    for (const auto& e : errors) CHECK_FALSE(e);
    CHECK(done == kStrands * kRounds);
    CHECK(off_strand == 0);
  }
}

TEST_CASE("a quick read is answered while long reports hold every report thread") {
  TempDatabase temp;
  Database& db = temp.db();
  std::promise<void> release;
  const std::shared_future<void> released = release.get_future().share();
  std::atomic<int> reports_running{0}, reports_done{0};
  std::promise<std::int64_t> quick_read;
  auto quick_result = quick_read.get_future();
  asio::io_context ioc;
  auto guard = asio::make_work_guard(ioc);
  std::thread io_thread([&ioc] { ioc.run(); });
  std::exception_ptr escaped;
  const int reports = DbOptions{}.report_readers + 1;  // one more than there are threads for
  for (int i = 0; i < reports; ++i)
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          auto report = [&](Connection& c) {
            reports_running.fetch_add(1);
            released.wait();
            return count_tickets(c);
          };
          co_await db.read_report(std::move(report));
          reports_done.fetch_add(1);
        },
        KeepError{&escaped});
  for (int i = 0; i < 500 && reports_running < reports - 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(reports_running == reports - 1);  // the last one waits for a report thread
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto read = [](Connection& c) { return count_tickets(c); };
        quick_read.set_value(co_await db.read(std::move(read)));
      },
      KeepError{&escaped});
  const auto answered = quick_result.wait_for(std::chrono::seconds(5));
  CHECK(answered == std::future_status::ready);
  CHECK(reports_done == 0);
  release.set_value();
  guard.reset();
  io_thread.join();
  CHECK_FALSE(escaped);
  CHECK(reports_done == reports);
  if (answered == std::future_status::ready) CHECK(quick_result.get() == 0);
}

TEST_CASE("committed data survives closing and reopening the database") {
  TempDatabase temp;
  const auto ticket = temp.db().write_blocking([](Tx& tx) {
    create_team(tx, "Durable", kNow);
    auto t = create_ticket(tx, ticket_about("persistence"), kAgent, kNow, kPolicy);
    add_message(tx, t.id, {domain::ActorKind::agent, false, "On it.", domain::Status::resolved},
                kAgent, kNow + 10, kPolicy);
    return *find_ticket(tx.connection(), t.id);
  });
  const auto events =
      temp.db().read_blocking([&](Connection& c) { return list_events(c, ticket.id); });
  temp.close();

  // stop() checkpoints the WAL into the database file before the last connection closes.
  const std::filesystem::path wal = temp.options().path + "-wal";
  CHECK((!std::filesystem::exists(wal) || std::filesystem::file_size(wal) == 0));

  temp.open();
  Database& db = temp.db();
  CHECK(has_team(db, "Durable"));
  const auto again = db.read_blocking([&](Connection& c) { return find_ticket(c, ticket.id); });
  REQUIRE(again);
  CHECK(again->life == ticket.life);
  CHECK(again->version == ticket.version);
  CHECK(again->subject == ticket.subject);
  const auto events_again =
      db.read_blocking([&](Connection& c) { return list_events(c, ticket.id); });
  REQUIRE(events_again.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events_again[i].id == events[i].id);
    CHECK(events_again[i].type == events[i].type);
    CHECK(events_again[i].data == events[i].data);
  }
  CHECK(search(db, "persistence") == std::vector{ticket.id});
  // And the reopened database takes writes.
  db.write_blocking([](Tx& tx) { return create_team(tx, "After restart", kNow); });
  CHECK(has_team(db, "After restart"));
}

TEST_CASE("a write answered before the process dies without stop() is there after a restart") {
  TempDatabase temp;
  temp.close();
  const DbOptions options = temp.options();

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child answers one write, then dies at once: no destructor, no stop(), no checkpoint.
    int code = 1;
    try {
      auto* db = new Database(options);
      const auto team =
          db->write_blocking([](Tx& tx) { return create_team(tx, "Survivor", kNow); });
      if (team.name == "Survivor") code = 0;
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  // The commit is still only in the write-ahead log.
  const std::filesystem::path wal = options.path + "-wal";
  CHECK(std::filesystem::exists(wal));
  CHECK(std::filesystem::file_size(wal) > 0);

  temp.open();
  CHECK(has_team(temp.db(), "Survivor"));
}

TEST_CASE("stop() finishes every queued write before it returns, then refuses new ones") {
  BatchLog batches;
  TempDatabase temp(TempDatabase::Schema::migrated, batches.callback());
  Database& db = temp.db();
  batches.settle(db);

  constexpr int kQueued = 5;
  asio::io_context ioc;
  bool ok[kQueued] = {};
  std::vector<std::exception_ptr> errors(kQueued);
  {
    WriterBlocker blocker(db);
    for (int i = 0; i < kQueued; ++i)
      asio::co_spawn(ioc, write_team(&db, "queued " + std::to_string(i), &ok[i]),
                     KeepError{&errors[i]});
    ioc.poll();  // all five are queued behind the blocked writer
    std::thread stopper([&db] { db.stop(); });
    // Give stop() time to mark the database as stopping while the queue is still full.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    blocker.release();
    stopper.join();
  }
  // stop() has returned: every batch is reported.
  CHECK(joined(batches.peek()) == "1,5");
  ioc.restart();
  ioc.run();
  for (int i = 0; i < kQueued; ++i) {
    CAPTURE(i);
    CHECK_FALSE(errors[i]);
    CHECK(ok[i]);
  }

  // Stopped: writes are refused; reads on the caller's thread still work; stop() is idempotent.
  CHECK_THROWS_AS(db.write_blocking([](Tx& tx) { return create_team(tx, "too late", kNow); }),
                  std::runtime_error);
  CHECK(has_team(db, "queued 0"));
  db.stop();
  CHECK(joined(batches.peek()) == "1,5");

  temp.reopen();
  for (int i = 0; i < kQueued; ++i) CHECK(has_team(temp.db(), "queued " + std::to_string(i)));
  CHECK_FALSE(has_team(temp.db(), "too late"));
}

TEST_CASE("a co_awaited write after stop() fails inside the awaiting coroutine") {
  TempDatabase temp;
  temp.db().stop();
  asio::io_context ioc;
  bool refused = false;
  std::exception_ptr escaped;
  asio::co_spawn(ioc, write_after_stop(&temp.db(), &refused), KeepError{&escaped});
  bool run_threw = false;
  try {
    ioc.run();
  } catch (const std::runtime_error&) {
    run_threw = true;
  }
  CHECK_FALSE(run_threw);
  CHECK_FALSE(escaped);
  CHECK(refused);
}

TEST_CASE("a write that cannot get the write lock fails, and the writer carries on afterwards") {
  TempDatabase temp;
  Database& db = temp.db();
  // Another process holds the write lock longer than the busy timeout (200 ms in these tests).
  Connection other(temp.options(), false);
  other.exec("BEGIN IMMEDIATE");
  CHECK_THROWS_AS(db.write_blocking([](Tx& tx) { return create_team(tx, "Blocked", kNow); }),
                  std::runtime_error);
  other.exec("ROLLBACK");
  CHECK_FALSE(has_team(db, "Blocked"));
  db.write_blocking([](Tx& tx) { return create_team(tx, "Unblocked", kNow); });
  CHECK(has_team(db, "Unblocked"));
}

}  // namespace
}  // namespace hd::store
