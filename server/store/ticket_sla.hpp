#pragma once

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "domain/kpi_facts.hpp"
#include "store/column_reader.hpp"
#include "store/database.hpp"
#include "store/records.hpp"
#include "store/sla_store.hpp"
#include "store/tickets.hpp"

namespace hd::store {

/// The SLA columns of a ticket row (alias `t`), read by read_ticket_sla in this order.
#define HD_TICKET_SLA_COLUMNS                                                     \
  "t.sla_policy_version, t.first_response_left_ms, t.next_reply_left_ms, "        \
  "t.resolution_left_ms, t.first_response_outcome, t.first_response_decided_at, " \
  "t.next_reply_outcome, t.next_reply_decided_at, t.resolution_outcome, "         \
  "t.resolution_decided_at, t.business_wait_ms, t.business_hold_ms, "             \
  "t.business_first_response_ms, t.business_first_resolution_ms, "                \
  "t.business_full_resolution_ms, "

/// The SLA columns of a ticket row as bind_sla_columns binds them.
#define HD_SLA_WRITE_COLUMNS                                                             \
  "sla_policy_id, sla_policy_version, first_response_due_at, next_reply_due_at, "        \
  "resolution_due_at, first_response_left_ms, next_reply_left_ms, resolution_left_ms, "  \
  "first_response_outcome, first_response_decided_at, next_reply_outcome, "              \
  "next_reply_decided_at, resolution_outcome, resolution_decided_at, business_wait_ms, " \
  "business_hold_ms, business_first_response_ms, business_first_resolution_ms, "         \
  "business_full_resolution_ms, sla_next_due_at"

/// The SLA filters of the ticket list (TicketQuery::sla_*), NULL-bound when unused.
#define HD_LIST_SLA_FILTERS                                                    \
  "AND (:sla_breached IS NULL OR t.first_response_outcome = 'breached' OR "    \
  "t.next_reply_outcome = 'breached' OR t.resolution_outcome = 'breached' OR " \
  "t.sla_next_due_at < :sla_breached) "                                        \
  "AND (:due_from IS NULL OR (t.sla_next_due_at >= :due_from AND t.sla_next_due_at < :due_to)) "

/// Reads HD_TICKET_SLA_COLUMNS from the reader's next column on into `t.sla`; the due times
/// must already be in `t`.
void read_ticket_sla(ColumnReader& row, TicketRecord& t);

// The SLA half of ticket writes: called from tickets.cpp on the writer thread, next to the
// life changes they follow. All are no-ops when `policy.sla` is null.

/// The facts policies match on.
domain::TicketFacts ticket_facts(const TicketRecord& t);

/// The policy in force that a ticket with `facts` matches, why, and the calendar its targets
/// and durations count business time in (the wall clock when the policy names none). No policy
/// when none matches or `policy.sla` is null.
struct SlaMatchInForce {
  std::shared_ptr<const SlaBook> book;  ///< keeps the policy and the calendar alive
  const domain::SlaPolicy* policy = nullptr;
  const domain::Calendar* calendar = &domain::kWallClock;
  std::string reason;
};
SlaMatchInForce match_sla(Connection& db, const domain::TicketFacts& facts,
                          const TicketPolicy& policy);

/// Matches a new ticket's policy and starts its clocks in `t`, before its row is written (the
/// row is inserted with them: an UPDATE after the INSERT cost 23k of the writer's ~400k
/// instructions a create).
/// REQUIRES: t.life just started. Returns the match, for watch_new_ticket_sla.
SlaMatchInForce start_ticket_sla(Connection& db, TicketRecord& t, const TicketPolicy& policy);

/// Queues the watch jobs of the clocks start_ticket_sla started, once the row has its id.
void watch_new_ticket_sla(Tx& tx, TicketRecord& t, const SlaMatchInForce& match,
                          const TicketPolicy& policy);

/// Follows one life change (`before` -> t.life at `at`). When the ticket's policy was edited
/// or no longer applies, recomputes the clock from the event log instead (and says so in an
/// `sla_recomputed` event), so a ticket never mixes two versions of a policy.
void step_ticket_sla(Tx& tx, TicketRecord& t, const domain::TicketLife& before, Millis at,
                     const TicketPolicy& policy);

/// Binds HD_SLA_WRITE_COLUMNS from parameter `i` on (and moves `i` past them).
void bind_sla_columns(SQLite::Statement& s, int& i, std::optional<Id> policy_id,
                      std::optional<std::int64_t> policy_version, const domain::SlaClock& clock);

/// Re-matches the policy (after a priority/team change, or an edit) and, when the policy or its
/// version differs, recomputes the clock from the ticket's event log and appends an
/// `sla_recomputed` event with `reason`. Returns whether anything changed.
bool rematch_ticket_sla(Tx& tx, TicketRecord& t, Millis now, const TicketPolicy& policy,
                        std::string_view reason, bool force = false);

/// Writes the ticket's SLA columns.
void save_ticket_sla(Tx& tx, const TicketRecord& t);

/// Rebuilds a ticket's SLA clock from its event log with the given targets and calendar, the
/// same way live writes fold it, then settles breaches up to `now`.
/// When `decided` is given, it receives every SLA outcome decided along the way (KPI facts).
domain::SlaClock replay_sla(const std::vector<EventRecord>& events,
                            const domain::SlaTargets& targets, const domain::Calendar& calendar,
                            Millis now, domain::kpi::FactChanges* decided = nullptr);

/// The business calendar of a ticket: that of the SLA policy that applies to it (KPIS.md),
/// or `policy.calendar` without SLA policies. Holds the policy book the calendar lives in.
struct TicketCalendar {
  std::shared_ptr<const SlaBook> book;
  const domain::Calendar* calendar = nullptr;
};
TicketCalendar ticket_calendar(Connection& db, const TicketRecord& t, const TicketPolicy& policy);

/// What a watch job did, for notifications and escalation.
struct WatchFired {
  TicketRecord ticket;
  std::string target;  ///< first_response | next_reply | resolution
  std::string kind;    ///< warning | breach
  Millis due_at = 0;
  std::vector<Id> notify;                           ///< who is told (the event's `notify`)
  std::vector<domain::EscalationStep> escalations;  ///< the steps of the ticket's policy
};

/// Runs one `sla_watch` job: when the target still runs with that due time, appends an
/// `sla_warning` event, or for a breach decides the target as breached (at its due time) and
/// appends an `sla_breach` event for it and for any other target overdue by now; each event
/// names whom it notifies. A breach a write already decided at this due time is returned
/// without a second event. Otherwise (the ticket moved on) does nothing and returns nullopt, so
/// a late or repeated job changes nothing: at most one event per due time.
std::optional<WatchFired> fire_sla_watch(Tx& tx, Id ticket_id, std::string_view target,
                                         std::string_view kind, Millis due_at, Millis now,
                                         const TicketPolicy& policy);

/// Recomputes the open and pending tickets with ids above `after_id` whose clock follows an old
/// policy generation, in id order, until `limit` tickets were looked at or `budget` has passed;
/// returns the last id looked at (0: done). Each call is one write, and the writer is shared:
/// the budget bounds how long it is held.
Id recompute_sla_batch(Tx& tx, Id after_id, int limit, std::chrono::microseconds budget, Millis now,
                       const TicketPolicy& policy);

}  // namespace hd::store
