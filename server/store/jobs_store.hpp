#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace hd::store {

/// Queued jobs by kind, for /metrics.
std::vector<std::pair<std::string, std::int64_t>> count_queued_jobs(Connection& db);

/// Marks the queued job with `unique_key` done (history written by seed-demo or an import,
/// where the job's work happened in the past). Returns whether a job was found.
bool mark_job_done(Tx& tx, const std::string& unique_key, std::int64_t now);

/// Whether the database answers and its schema is the one this build writes (/readyz).
bool schema_is_current(Connection& db);

}  // namespace hd::store
