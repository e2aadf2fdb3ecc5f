#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace hd::store {

/// A job taken by a worker under a lease.
struct ClaimedJob {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;  ///< a JSON object
  int attempts = 0;     ///< including this one
};

/// A job as admins see it.
struct JobRecord {
  std::int64_t id = 0;
  std::string kind, payload, state;
  std::int64_t run_at = 0;
  int attempts = 0;
  std::string last_error;
  std::int64_t created_at = 0, updated_at = 0;
};

/// Queues a job; with a unique key, a second job with the same key is not queued (returns false).
bool queue_job(Tx& tx, std::string_view kind, const std::string& payload, std::int64_t run_at,
               const std::string& unique_key, std::int64_t now);

/// Cancels the queued (not yet running) job with `unique_key`, if there is one.
void cancel_job(Tx& tx, const std::string& unique_key, std::int64_t now);

/// Takes the earliest due job under a lease of `lease_ms`, counting the attempt.
std::optional<ClaimedJob> claim_due_job(Tx& tx, std::int64_t now, std::int64_t lease_ms);

/// When the earliest queued job is due or the earliest lease runs out, to sleep until then.
std::optional<std::int64_t> next_job_due(Connection& db);

/// The job succeeded.
void finish_job(Tx& tx, std::int64_t id, std::int64_t now);

/// The job failed: queued again at `retry_at`, or `dead` when there is none.
void fail_job(Tx& tx, std::int64_t id, const std::string& error,
              std::optional<std::int64_t> retry_at, std::int64_t now);

/// Puts running jobs back in the queue: all of them (`expired_before` = nullopt, at start-up
/// and shutdown, when no worker holds one) or those whose lease ran out. Returns how many.
int release_leases(Tx& tx, std::optional<std::int64_t> expired_before, std::int64_t now);

/// Jobs in `state` (any state when empty), newest first.
std::vector<JobRecord> list_jobs(Connection& db, const std::string& state, int limit);

/// Queues a dead job again now with its attempts reset; refuses not_found for another state.
JobRecord retry_job(Tx& tx, std::int64_t id, std::int64_t now);

/// Queued jobs by kind, for /metrics.
std::vector<std::pair<std::string, std::int64_t>> count_queued_jobs(Connection& db);

/// Marks every queued job already due as done: history written by seed-demo or an import,
/// whose mails belong to the past. Returns how many.
int settle_past_jobs(Tx& tx, std::int64_t now);

/// Whether the database answers and its schema is the one this build writes (/readyz).
bool schema_is_current(Connection& db);

}  // namespace hd::store
