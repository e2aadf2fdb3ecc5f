#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::reviews {

// The owner of `review_items` and `review_causes`: the supervisors' review queue (issue 15).
// Every bad survey answer and every reopen adds one item, inside the transaction of the answer
// or the reopen (the hooks below, called by store/surveys and store/tickets). Items are keyed
// by (ticket, resolution episode): the episode that did not stick. A bad answer reopens its
// ticket as well; the answer's hook runs first, so the reopen of the same episode adds nothing.
// Writes run on the writer thread inside the caller's write; reads on any connection.

/// Why an item is in the queue.
enum class Reason { bad_rating, not_resolved, reopen };
const char* to_string(Reason reason);

struct CauseRecord {
  Id id = 0;
  std::string name;
  std::int64_t items = 0;  ///< review items tagged with it
  Millis created_at = 0, updated_at = 0;
};

struct ItemRecord {
  Id id = 0;
  Id ticket_id = 0;
  std::string subject;
  int episode = 0;
  Reason reason = Reason::reopen;
  std::optional<Id> survey_id;
  CustomerRecord customer;
  std::optional<Id> agent_id;
  std::string agent_name;
  std::optional<int> csat, nps, ces;
  std::optional<bool> resolved;
  std::optional<std::string> comment;  ///< the survey answer's comment, when one was given
  Millis created_at = 0, updated_at = 0;
  bool reviewed = false;
  std::optional<Id> cause_id;
  std::string cause_name;
  std::string action_taken;
  std::optional<Id> reviewed_by;
  std::string reviewed_by_name;
  std::optional<Millis> reviewed_at;
};

// Hooks, on the writer thread inside the write that causes them.

/// A survey answer judged bad: adds the item of (ticket, episode) once, credited to the
/// survey's agent. A second call for the same episode changes nothing.
void on_bad_answer(Tx& tx, Id ticket_id, int episode, Id survey_id, Id customer_id,
                   std::optional<Id> agent_id, Reason reason, Millis now);

/// The ticket's resolution `episode` was reopened: adds its item once (reason reopen),
/// credited to the agent of that resolution's survey, else the one KPIS.md credits it to, else
/// the assignee.
void on_reopen(Tx& tx, const TicketRecord& ticket, int episode, Millis now);

/// Filters of the queue; periods are half-open.
struct ItemQuery {
  std::optional<bool> reviewed;
  std::optional<Id> cause_id;
  int limit = 50;
  std::optional<Id> after;  ///< keyset: items with a smaller id (newest first)
};
std::vector<ItemRecord> list_items(Connection& db, const ItemQuery& query);
std::optional<ItemRecord> find_item(Connection& db, Id id);

/// What a PATCH changes; an engaged outer optional means "set", inner nullopt "clear".
struct ItemChange {
  std::optional<std::optional<Id>> cause_id;
  std::optional<std::string> action_taken;
  std::optional<bool> reviewed;
};
/// Applies `change`; marking reviewed records `by` and `now`, reopening the item clears them.
/// Refuses not_found (no item) and invalid_argument (no such cause, field cause_id).
ItemRecord update_item(Tx& tx, Id id, const ItemChange& change, Id by, Millis now);

std::vector<CauseRecord> list_causes(Connection& db);
std::optional<CauseRecord> find_cause(Connection& db, Id id);
/// Refuses conflict when the name is taken (names compare case-insensitively).
CauseRecord create_cause(Tx& tx, const std::string& name, Millis now);
CauseRecord rename_cause(Tx& tx, Id id, const std::string& name, Millis now);
/// Refuses not_found, and conflict while an item is tagged with it.
void delete_cause(Tx& tx, Id id);

/// Items created in [from, to) with their cause (nothing: not tagged yet), oldest first: what
/// the root-cause chart counts.
struct CauseFact {
  std::optional<Id> cause_id;
  Millis created_at = 0;
};
std::vector<CauseFact> cause_facts(Connection& db, Millis from, Millis to);

}  // namespace hd::store::reviews
