#include "store/jobs_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "store/migrations.hpp"

namespace hd::store {
namespace {

constexpr const char* kCountQueued =
    "SELECT kind, COUNT(*) FROM jobs WHERE state = 'queued' GROUP BY kind ORDER BY kind";

constexpr const char* kMarkDone =
    "UPDATE jobs SET state = 'done', updated_at = ? WHERE unique_key = ? AND state = 'queued'";

}  // namespace

bool mark_job_done(Tx& tx, const std::string& unique_key, std::int64_t now) {
  auto& s = tx.connection().statement(kMarkDone);
  s.bind(1, now);
  s.bind(2, unique_key);
  s.exec();
  return tx.connection().changes() > 0;
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
