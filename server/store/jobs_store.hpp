#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace hd::store {

/// Queued jobs by kind, for /metrics.
std::vector<std::pair<std::string, std::int64_t>> count_queued_jobs(Connection& db);

/// Whether the database answers and its schema is the one this build writes (/readyz).
bool schema_is_current(Connection& db);

}  // namespace hd::store
