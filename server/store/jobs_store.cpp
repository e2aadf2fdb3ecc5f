#include "store/jobs_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "domain/refusal.hpp"
#include "store/migrations.hpp"

namespace hd::store {
namespace {

constexpr const char* kCountQueued =
    "SELECT kind, COUNT(*) FROM jobs WHERE state = 'queued' GROUP BY kind ORDER BY kind";

constexpr const char* kQueueJob =
    "INSERT INTO jobs(kind, payload, run_at, unique_key, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(unique_key) DO NOTHING";
constexpr const char* kCancelJob =
    "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE unique_key = ? AND state = 'queued'";
constexpr const char* kClaim =
    "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?1, "
    "updated_at = ?2 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ?2 "
    "ORDER BY run_at, id LIMIT 1) RETURNING id, kind, payload, attempts";
// When a worker next has something to do: a queued job comes due, or a lease runs out. Two
// lookups, each one step down `jobs_due`: one MIN over both states read every queued job's row
// (a million SLA watches made each worker's wake-up a scan of 0.7 s).
constexpr const char* kNextDue =
    "SELECT MIN(due) FROM (SELECT MIN(run_at) AS due FROM jobs WHERE state = 'queued' "
    "UNION ALL SELECT MIN(lease_until) FROM jobs WHERE state = 'running')";
constexpr const char* kFinish =
    "UPDATE jobs SET state = 'done', lease_until = NULL, last_error = NULL, updated_at = ? "
    "WHERE id = ?";
constexpr const char* kRetryLater =
    "UPDATE jobs SET state = 'queued', run_at = ?, lease_until = NULL, last_error = ?, "
    "updated_at = ? WHERE id = ?";
constexpr const char* kBury =
    "UPDATE jobs SET state = 'dead', lease_until = NULL, last_error = ?, updated_at = ? "
    "WHERE id = ?";
constexpr const char* kReleaseAll =
    "UPDATE jobs SET state = 'queued', lease_until = NULL, updated_at = ? "
    "WHERE state = 'running'";
constexpr const char* kReleaseExpired =
    "UPDATE jobs SET state = 'queued', lease_until = NULL, updated_at = ? "
    "WHERE state = 'running' AND lease_until < ?";
constexpr const char* kListJobs =
    "SELECT id, kind, payload, state, run_at, attempts, COALESCE(last_error, ''), created_at, "
    "updated_at FROM jobs WHERE (?1 = '' OR state = ?1) ORDER BY id DESC LIMIT ?2";
constexpr const char* kFindJob =
    "SELECT id, kind, payload, state, run_at, attempts, COALESCE(last_error, ''), created_at, "
    "updated_at FROM jobs WHERE id = ?";
constexpr const char* kRequeueDead =
    "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?1, last_error = NULL, "
    "updated_at = ?1 WHERE id = ?2 AND state = 'dead'";

JobRecord read_job(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),  s.getColumn(1).getString(), s.getColumn(2).getString(),
          s.getColumn(3).getString(), s.getColumn(4).getInt64(),  s.getColumn(5).getInt(),
          s.getColumn(6).getString(), s.getColumn(7).getInt64(),  s.getColumn(8).getInt64()};
}

constexpr const char* kSettlePast =
    "UPDATE jobs SET state = 'done', updated_at = ?1 WHERE state = 'queued' AND run_at <= ?1";

}  // namespace

int settle_past_jobs(Tx& tx, std::int64_t now) {
  auto& s = tx.connection().statement(kSettlePast);
  s.bind(1, now);
  s.exec();
  return tx.connection().changes();
}

bool queue_job(Tx& tx, std::string_view kind, const std::string& payload, std::int64_t run_at,
               const std::string& unique_key, std::int64_t now) {
  auto& s = tx.connection().statement(kQueueJob);
  s.bind(1, std::string(kind));
  s.bind(2, payload);
  s.bind(3, run_at);
  s.bind(4, unique_key);
  s.bind(5, now);
  s.bind(6, now);
  if (s.exec() == 0) return false;  // ON CONFLICT(unique_key) DO NOTHING
  tx.note_job_queued();
  return true;
}

void cancel_job(Tx& tx, const std::string& unique_key, std::int64_t now) {
  auto& s = tx.connection().statement(kCancelJob);
  s.bind(1, now);
  s.bind(2, unique_key);
  s.exec();
}

std::optional<ClaimedJob> claim_due_job(Tx& tx, std::int64_t now, std::int64_t lease_ms) {
  auto& s = tx.connection().statement(kClaim);
  s.bind(1, now + lease_ms);
  s.bind(2, now);
  if (!s.executeStep()) return std::nullopt;
  return ClaimedJob{s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                    s.getColumn(2).getString(), s.getColumn(3).getInt()};
}

std::optional<std::int64_t> next_job_due(Connection& db) {
  auto& s = db.statement(kNextDue);
  s.executeStep();
  if (s.getColumn(0).isNull()) return std::nullopt;
  return s.getColumn(0).getInt64();
}

void finish_job(Tx& tx, std::int64_t id, std::int64_t now) {
  auto& s = tx.connection().statement(kFinish);
  s.bind(1, now);
  s.bind(2, id);
  s.exec();
}

void fail_job(Tx& tx, std::int64_t id, const std::string& error,
              std::optional<std::int64_t> retry_at, std::int64_t now) {
  if (retry_at) {
    auto& s = tx.connection().statement(kRetryLater);
    s.bind(1, *retry_at);
    s.bind(2, error);
    s.bind(3, now);
    s.bind(4, id);
    s.exec();
  } else {
    auto& s = tx.connection().statement(kBury);
    s.bind(1, error);
    s.bind(2, now);
    s.bind(3, id);
    s.exec();
  }
}

int release_leases(Tx& tx, std::optional<std::int64_t> expired_before, std::int64_t now) {
  auto& s = tx.connection().statement(expired_before ? kReleaseExpired : kReleaseAll);
  s.bind(1, now);
  if (expired_before) s.bind(2, *expired_before);
  s.exec();
  return tx.connection().changes();
}

std::vector<JobRecord> list_jobs(Connection& db, const std::string& state, int limit) {
  auto& s = db.statement(kListJobs);
  s.bind(1, state);
  s.bind(2, limit);
  std::vector<JobRecord> jobs;
  while (s.executeStep()) jobs.push_back(read_job(s));
  return jobs;
}

JobRecord retry_job(Tx& tx, std::int64_t id, std::int64_t now) {
  auto& s = tx.connection().statement(kRequeueDead);
  s.bind(1, now);
  s.bind(2, id);
  s.exec();
  if (tx.connection().changes() == 0)
    throw domain::Refusal(domain::errc::not_found,
                          "Job " + std::to_string(id) + " does not exist or is not dead.");
  tx.note_job_queued();  // wake the runner: the job is due now
  auto& find = tx.connection().statement(kFindJob);
  find.bind(1, id);
  find.executeStep();
  return read_job(find);
}

std::vector<std::pair<std::string, std::int64_t>> count_queued_jobs(Connection& db) {
  auto& s = db.statement(kCountQueued);
  std::vector<std::pair<std::string, std::int64_t>> counts;
  while (s.executeStep())
    counts.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getInt64());
  return counts;
}

bool schema_is_current(Connection& db) {
  return applied_schema_version(db) == latest_schema_version();
}

}  // namespace hd::store
