#pragma once

#include <cstdint>
#include <string>

#include "store/database.hpp"

namespace hd::app {

struct SeedSummary {
  int teams = 0, agents = 0, customers = 0, tickets = 0;
  std::string login_email, login_password;
};

/// Writes a believable history ending now: teams, agents, customers and `tickets` tickets
/// spread over the last 90 days, with conversations, pendings, reopens, resolutions and
/// closures, all through the same store functions (and so the same state machine) as live
/// requests. Deterministic for a given `seed`. REQUIRES: a migrated database.
SeedSummary seed_demo(store::Database& db, int tickets, std::int64_t now_ms, unsigned seed);

}  // namespace hd::app
