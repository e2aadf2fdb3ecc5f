#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.hpp"
#include "store/database.hpp"
#include "store/job_kinds.hpp"
#include "store/jobs_store.hpp"

namespace hd::jobs {

/// [jobs] settings.
struct JobOptions {
  int workers = 2;                          ///< threads running jobs
  int max_attempts = 8;                     ///< then the job is dead
  domain::Millis first_retry_ms = 5'000;    ///< backoff doubles from here...
  domain::Millis max_retry_ms = 3'600'000;  ///< ...up to this, with full jitter
  domain::Millis lease_ms = 300'000;        ///< a job running longer is taken back
};

/// A failure that retrying cannot fix (e.g. the mail server refused the address for good):
/// the job goes straight to `dead`.
struct PermanentFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs the durable jobs of the `jobs` table: workers sleep until the earliest run_at or a
/// notify(), take a due job under a lease, run its handler, and record done, a retry with
/// exponential backoff and jitter, or dead. Execution is at least once, so handlers are
/// idempotent. Handlers block (SMTP), so they run on these worker threads, never on I/O threads.
/// Thread contract: add_handler() before start(); notify() and stop() from any thread.
class JobRunner {
 public:
  using Handler = std::function<void(const store::ClaimedJob&)>;
  using Log = std::function<void(const std::string&)>;

  JobRunner(store::Database& db, const domain::Clock& clock, JobOptions options, Log log);
  ~JobRunner();

  void add_handler(std::string kind, Handler handler);

  /// Registers `handler(payload, job)` for the job kind of `Payload` (store/job_kinds.hpp),
  /// with the payload already read; a payload that can't be read makes the job dead.
  template <class Payload, class F>
  void on(F handler) {
    add_handler(std::string(store::to_string(Payload::kKind)),
                [handler = std::move(handler)](const store::ClaimedJob& job) {
                  std::optional<Payload> payload;
                  try {
                    payload = store::parse_payload<Payload>(job.payload);
                  } catch (const std::invalid_argument& e) {
                    throw PermanentFailure(e.what());
                  }
                  handler(*payload, job);
                });
  }

  /// Takes back jobs a previous process left running, then starts the workers.
  void start();

  /// Something may have been queued: wake a worker to look.
  void notify();

  /// Stops taking jobs, waits for the running ones to finish, and gives back any lease.
  void stop();

  /// The delay before retry number `attempt` (1 = after the first failure).
  domain::Millis backoff(int attempt);

 private:
  void work();
  void run(const store::ClaimedJob& job);

  store::Database& db_;
  const domain::Clock& clock_;
  JobOptions options_;
  Log log_;
  std::map<std::string, Handler> handlers_;

  std::mutex mutex_;  ///< guards stopping_, wakeups_, rng_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t wakeups_ = 0;
  std::mt19937_64 rng_{std::random_device{}()};
  std::vector<std::thread> workers_;
};

}  // namespace hd::jobs
