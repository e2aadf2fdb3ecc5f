#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"

namespace hd::domain::risk {

// Customers at risk (issue 15): whose recent experience predicts they may leave. The signals
// come from the store; this is the one rule that turns them into a ranked list, so that the
// API, its documentation (docs/API.md "Customers at risk") and the tests agree.

/// Why a customer is at risk.
enum class Reason {
  bad_rating,  ///< a survey answer with CSAT at or below the reopen threshold, or "not resolved"
  reopen,      ///< a ticket reopened by the customer or an agent (a survey's reopen is its answer)
  sla_breach,  ///< an SLA target of a ticket breached
  long_wait,   ///< an open ticket waiting for an agent longer than the threshold
};
std::string_view to_string(Reason reason);

/// Each ticket that shows a reason adds this much to its customer's score: a bad answer is
/// the customer saying so; a reopen or a breach is a promise not kept; a wait may still end
/// well.
int weight(Reason reason);

/// One ticket showing one reason, at `at` (the answer, the reopen, the breach, the wait's start).
struct Signal {
  std::int64_t customer_id = 0;
  std::int64_t ticket_id = 0;
  Reason reason = Reason::bad_rating;
  Millis at = 0;
};

/// A reason with its evidence: the distinct tickets that show it, newest signal first.
struct Evidence {
  Reason reason = Reason::bad_rating;
  std::vector<std::int64_t> ticket_ids;
  Millis last_at = 0;
};

struct AtRisk {
  std::int64_t customer_id = 0;
  int score = 0;  ///< sum over reasons of weight(reason) x distinct tickets showing it
  Millis last_at = 0;
  std::vector<Evidence> reasons;  ///< in Reason order
};

/// Groups signals by customer, counting each (ticket, reason) once, and ranks the customers:
/// highest score first, then the most recent signal, then the lower customer id.
std::vector<AtRisk> rank_at_risk(const std::vector<Signal>& signals);

}  // namespace hd::domain::risk
