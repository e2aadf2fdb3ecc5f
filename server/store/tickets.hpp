#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/ticket_state.hpp"
#include "store/database.hpp"
#include "store/events.hpp"
#include "store/records.hpp"

namespace hd::store {

class SlaCatalog;

/// Rules the ticket writes need from the configuration.
struct TicketPolicy {
  Millis survey_delay_ms = 3'600'000;  ///< a satisfaction check runs this long after resolution
  const domain::Calendar* calendar = nullptr;  ///< REQUIRES: set, and outlives every write
  /// The SLA policies and calendars; without one, tickets get no SLA clock. Outlives writes.
  SlaCatalog* sla = nullptr;
  /// An `sla_warning` fires when this share of a target's business time is used up.
  int sla_warn_percent = 80;
};

struct NewCustomer {
  std::string email, name, organization;
};

struct NewTicket {
  std::string subject, body;
  NewCustomer customer;
  domain::Priority priority = domain::Priority::normal;
  domain::Channel channel = domain::Channel::api;
  std::optional<Id> team_id, assignee_id, linked_ticket_id;
  std::vector<std::string> tags;
  std::optional<std::string> external_id;
};

/// Fields a PATCH may change; an engaged outer optional means "set", inner nullopt "clear".
struct TicketPatch {
  std::optional<std::string> subject;
  std::optional<domain::Priority> priority;
  std::optional<std::optional<Id>> assignee_id, team_id;
  std::optional<std::vector<std::string>> tags;
  /// Why the system made this change (e.g. "sla_breach:first_response"), recorded as `cause`
  /// with each event; empty for a person's edit.
  std::string cause;
};

struct NewMessage {
  domain::ActorKind author = domain::ActorKind::agent;
  bool internal = false;
  std::string body;
  std::optional<domain::Status> then_status;  ///< an agent reply may move the ticket after it
};

/// Filters of GET /tickets; every filter is optional. Periods are half-open [after, before).
struct TicketQuery {
  std::vector<domain::Status> statuses;
  std::optional<Id> assignee_id;
  bool unassigned = false;
  std::optional<Id> team_id, customer_id;
  std::optional<domain::Priority> priority;
  std::optional<std::string> customer_email, tag, text;
  std::optional<Millis> created_after, created_before, updated_after, updated_before;
  /// sla=breached: a target breached, or a running one past due at this instant (now).
  std::optional<Millis> sla_breached_at;
  /// sla=due_within: the next due time lies in [first, second) (now, now + N minutes).
  std::optional<std::pair<Millis, Millis>> sla_due_between;
  enum class Sort {
    created_desc,
    created_asc,
    updated_desc,
    updated_asc,
    sla_due_asc,  ///< tickets with a running SLA clock only, the soonest due first
  } sort = Sort::created_desc;
  int limit = 50;
  std::optional<std::pair<Millis, Id>> after;  ///< keyset cursor: the last row of the last page
  /// When a selective filter (customer, assignee, unassigned, team; or the text) lets through
  /// at most this many tickets, and few for the table's size, they are read by id and sorted;
  /// otherwise the sort order is walked (they are dense enough to fill a page soon). Both give
  /// the same rows.
  std::size_t max_candidates = 10'000;
};

/// The cursor value of `ticket` under `sort`.
std::pair<Millis, Id> cursor_of(const TicketRecord& ticket, TicketQuery::Sort sort);

// Reads: any connection. Writes: the writer's Tx; they throw domain::Refusal for expected
// refusals (the writer then rolls back that request's savepoint).

std::optional<TicketRecord> find_ticket(Connection& db, Id id);
std::vector<TicketRecord> list_tickets(Connection& db, const TicketQuery& query);
std::vector<MessageRecord> list_messages(Connection& db, Id ticket_id);
std::int64_t count_tickets(Connection& db);

TicketRecord create_ticket(Tx& tx, const NewTicket& ticket, const Actor& actor, Millis now,
                           const TicketPolicy& policy);
/// After inserting ticket `id` created at `created_at`: records it in ticket_creation_order
/// when it is older than the newest ticket by more than the tolerance (schema/0014 and 0020).
/// Needs the tickets_created index; an import that set it aside recounts instead (bulk_load).
void note_ticket_created(Connection& db, Id id, Millis created_at);
/// A change of priority or team re-matches the SLA policy (with `policy.sla`).
TicketRecord update_ticket(Tx& tx, Id id, std::int64_t expected_version, const TicketPatch& patch,
                           const Actor& actor, Millis now, const TicketPolicy& policy = {});
/// Adds a message. A customer message on a closed ticket starts a new linked ticket: the
/// returned message's ticket_id then names the new ticket.
std::pair<MessageRecord, TicketRecord> add_message(Tx& tx, Id ticket_id, const NewMessage& message,
                                                   const Actor& actor, Millis now,
                                                   const TicketPolicy& policy);
/// An explicit move, checked by domain::move_allowed under `by`: by default staff's rule for a
/// person and the survey's for the system.
TicketRecord change_status(Tx& tx, Id id, domain::Status to, const std::string& note,
                           const Actor& actor, Millis now, const TicketPolicy& policy,
                           std::optional<domain::MoveAuthority> by = std::nullopt);
/// Raises the ticket's priority one step (saturating at urgent), recording `cause` with the
/// event; a ticket already urgent is left as it is.
TicketRecord raise_priority(Tx& tx, Id id, std::string_view cause, const Actor& actor, Millis now);

}  // namespace hd::store
