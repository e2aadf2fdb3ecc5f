#include "store/customer_risk.hpp"

#include <SQLiteCpp/Statement.h>

namespace hd::store::risk {
using domain::risk::Reason;
using domain::risk::Signal;

namespace {

constexpr const char* kBadAnswers =
    "SELECT customer_id, ticket_id, answered_at FROM surveys "
    "WHERE answered_at >= ?1 AND answered_at < ?2 AND (csat <= ?3 OR resolved = 0)";

// A survey's reopen is made by the system; it shows as the answer's bad rating instead. The type
// and reopen terms are those of the partial index ticket_events_reopened (schema 0019), which
// SQLite uses only when the query repeats them.
constexpr const char* kReopens =
    "SELECT t.customer_id, e.ticket_id, e.at FROM ticket_events e "
    "JOIN tickets t ON t.id = e.ticket_id WHERE e.type = 'status' AND e.at >= ?1 AND e.at < ?2 "
    "AND e.actor_kind <> 'system' AND json_extract(e.data, '$.reopen') = 1";

constexpr const char* kBreaches =
    "SELECT customer_id, id, first_response_decided_at FROM tickets "
    "WHERE first_response_outcome = 'breached' AND first_response_decided_at >= ?1 "
    "AND first_response_decided_at < ?2 "
    "UNION ALL SELECT customer_id, id, next_reply_decided_at FROM tickets "
    "WHERE next_reply_outcome = 'breached' AND next_reply_decided_at >= ?1 "
    "AND next_reply_decided_at < ?2 "
    "UNION ALL SELECT customer_id, id, resolution_decided_at FROM tickets "
    "WHERE resolution_outcome = 'breached' AND resolution_decided_at >= ?1 "
    "AND resolution_decided_at < ?2 "
    "UNION ALL SELECT customer_id, id, sla_next_due_at FROM tickets "
    "WHERE sla_next_due_at >= ?1 AND sla_next_due_at < ?2";

constexpr const char* kLongWaits =
    "SELECT customer_id, id, status_since FROM tickets WHERE status = 'open' "
    "AND status_since <= ?1";

void collect(SQLite::Statement& s, Reason reason, std::vector<Signal>& out) {
  while (s.executeStep())
    out.push_back(
        {s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), reason, s.getColumn(2).getInt64()});
}

}  // namespace

std::vector<Signal> signals(Connection& db, Millis since, Millis now, Millis waiting_since,
                            int reopen_at_or_below) {
  std::vector<Signal> out;
  auto& bad = db.statement(kBadAnswers);
  bad.bind(1, since);
  bad.bind(2, now);
  bad.bind(3, reopen_at_or_below);
  collect(bad, Reason::bad_rating, out);
  auto& reopens = db.statement(kReopens);
  reopens.bind(1, since);
  reopens.bind(2, now);
  collect(reopens, Reason::reopen, out);
  auto& breaches = db.statement(kBreaches);
  breaches.bind(1, since);
  breaches.bind(2, now);
  collect(breaches, Reason::sla_breach, out);
  auto& waits = db.statement(kLongWaits);
  waits.bind(1, waiting_since);
  collect(waits, Reason::long_wait, out);
  return out;
}

}  // namespace hd::store::risk
