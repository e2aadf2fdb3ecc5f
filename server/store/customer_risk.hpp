#pragma once

#include <vector>

#include "domain/customer_risk.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::risk {

// Reads the signals of customers at risk from the tables that own them (surveys, ticket
// events, the tickets' SLA outcomes and status); it writes nothing. Runs on a reader.

/// Every signal of domain::risk::Reason in [since, now): survey answers with CSAT at or below
/// `reopen_at_or_below` or "not resolved"; reopens by a customer or an agent (a survey's
/// reopen is its answer); SLA targets decided breached, or running past due; and, whenever
/// they started, tickets open (waiting for an agent) since `waiting_since` or earlier.
std::vector<domain::risk::Signal> signals(Connection& db, Millis since, Millis now,
                                          Millis waiting_since, int reopen_at_or_below);

}  // namespace hd::store::risk
