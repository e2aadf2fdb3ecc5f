#include "jobs/runner.hpp"

#include <algorithm>
#include <chrono>

namespace hd::jobs {

JobRunner::JobRunner(store::Database& db, const domain::Clock& clock, JobOptions options, Log log)
    : db_(db), clock_(clock), options_(options), log_(std::move(log)) {}

JobRunner::~JobRunner() {
  stop();
}

void JobRunner::add_handler(std::string kind, Handler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

void JobRunner::start() {
  const int released = db_.write_blocking([now = clock_.now_ms()](store::Tx& tx) {
    return store::release_leases(tx, std::nullopt, now);
  });
  if (released > 0)
    log_(std::to_string(released) + " job(s) left running by a previous process queued again");
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { work(); });
}

void JobRunner::notify() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  wake_.notify_all();
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  const bool had_workers = !workers_.empty();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  if (!had_workers) return;
  // Every worker has finished its job; anything still marked running (an outcome that could
  // not be recorded) goes back to the queue rather than waiting out its lease.
  try {
    db_.write_blocking([now = clock_.now_ms()](store::Tx& tx) {
      return store::release_leases(tx, std::nullopt, now);
    });
  } catch (const std::exception& e) {
    log_(std::string("could not release job leases: ") + e.what());
  }
}

domain::Millis JobRunner::backoff(int attempt) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const domain::Millis ceiling =
      std::min(options_.max_retry_ms, options_.first_retry_ms << doublings);
  std::lock_guard lock(mutex_);
  // Full jitter: retries of many jobs that failed together (a mail server outage) spread out.
  return std::uniform_int_distribution<domain::Millis>(ceiling / 2, ceiling)(rng_);
}

void JobRunner::work() {
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen = wakeups_;
    }
    std::optional<store::ClaimedJob> job;
    std::optional<domain::Millis> next_due;
    try {
      // Look (a cheap read) before taking (a write): idle workers add nothing to the writer.
      next_due = db_.read_blocking([](store::Connection& c) { return store::next_job_due(c); });
      const auto now = clock_.now_ms();
      if (next_due && *next_due <= now) {
        job = db_.write_blocking([now, lease = options_.lease_ms](store::Tx& tx) {
          store::release_leases(tx, now, now);  // of workers that hung or died
          return store::claim_due_job(tx, now, lease);
        });
        if (!job) continue;  // another worker took it, or only a lease ran out: look again
      }
    } catch (const std::exception& e) {
      log_(std::string("job queue unavailable: ") + e.what());
      next_due = clock_.now_ms() + 1000;
    }
    if (job) {
      run(*job);
      continue;
    }
    // Sleep until the earliest job is due or something is queued; a minute at most, so that
    // jobs queued by another process (the CLI) are found too.
    std::unique_lock lock(mutex_);
    const auto now = clock_.now_ms();
    const domain::Millis wait =
        next_due ? std::clamp<domain::Millis>(*next_due - now, 0, 60'000) : 60'000;
    wake_.wait_for(lock, std::chrono::milliseconds(wait),
                   [&] { return stopping_ || wakeups_ != seen; });
  }
}

void JobRunner::run(const store::ClaimedJob& job) {
  std::string error;
  bool permanent = false;
  const auto handler = handlers_.find(job.kind);
  if (handler == handlers_.end()) {
    error = "no handler for job kind '" + job.kind + "'";
    permanent = true;
  } else {
    try {
      handler->second(job);
    } catch (const PermanentFailure& e) {
      error = e.what();
      permanent = true;
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "failed";
    }
  }
  const auto now = clock_.now_ms();
  std::optional<domain::Millis> retry_at;
  if (!error.empty() && !permanent && job.attempts < options_.max_attempts)
    retry_at = now + backoff(job.attempts);
  if (!error.empty())
    log_("job " + std::to_string(job.id) + " (" + job.kind + ") attempt " +
         std::to_string(job.attempts) + " failed: " + error +
         (retry_at ? "; retrying" : "; it is dead now"));
  try {
    db_.write_blocking([&](store::Tx& tx) {
      if (error.empty())
        store::finish_job(tx, job.id, now);
      else
        store::fail_job(tx, job.id, error, retry_at, now);
      return 0;
    });
  } catch (const std::exception& e) {
    // The lease runs out and the job is taken again: at least once.
    log_("could not record the outcome of job " + std::to_string(job.id) + ": " + e.what());
  }
}

}  // namespace hd::jobs
