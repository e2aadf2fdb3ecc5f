#include "store/reviews.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "domain/refusal.hpp"
#include "store/kpi_facts_store.hpp"
#include "store/sql_values.hpp"
#include "store/survey_records.hpp"

namespace hd::store::reviews {
using domain::errc;
using domain::Refusal;

namespace {

constexpr const char* kInsertItem =
    "INSERT INTO review_items(ticket_id, episode, reason, survey_id, customer_id, agent_id, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (ticket_id, episode) DO NOTHING";

// An item with its ticket, customer, survey answer, agent, cause and reviewer, newest first.
#define HD_ITEM_SELECT                                                                        \
  "SELECT r.id, r.ticket_id, t.subject, r.episode, r.reason, r.survey_id, "                   \
  "c.id, c.email, c.name, c.organization, c.surveys_opt_out, c.created_at, c.updated_at, "    \
  "r.agent_id, COALESCE(a.name, ''), s.csat, s.nps, s.ces, s.resolved, s.comment, "           \
  "r.created_at, r.updated_at, r.state, r.cause_id, COALESCE(k.name, ''), r.action_taken, "   \
  "r.reviewed_by, COALESCE(b.name, ''), r.reviewed_at "                                       \
  "FROM review_items r JOIN tickets t ON t.id = r.ticket_id "                                 \
  "JOIN customers c ON c.id = r.customer_id LEFT JOIN users a ON a.id = r.agent_id "          \
  "LEFT JOIN surveys s ON s.id = r.survey_id LEFT JOIN review_causes k ON k.id = r.cause_id " \
  "LEFT JOIN users b ON b.id = r.reviewed_by "

constexpr const char* kListItems = HD_ITEM_SELECT
    "WHERE (:state IS NULL OR r.state = :state) AND (:cause IS NULL OR r.cause_id = :cause) "
    "AND (:after IS NULL OR r.id < :after) ORDER BY r.id DESC LIMIT :limit";
constexpr const char* kFindItem = HD_ITEM_SELECT "WHERE r.id = ?";

constexpr const char* kUpdateItem =
    "UPDATE review_items SET cause_id = ?, action_taken = ?, state = ?, reviewed_by = ?, "
    "reviewed_at = ?, updated_at = ? WHERE id = ?";

constexpr const char* kListCauses =
    "SELECT k.id, k.name, (SELECT COUNT(*) FROM review_items r WHERE r.cause_id = k.id), "
    "k.created_at, k.updated_at FROM review_causes k ORDER BY k.name COLLATE NOCASE, k.id";
constexpr const char* kFindCause =
    "SELECT k.id, k.name, (SELECT COUNT(*) FROM review_items r WHERE r.cause_id = k.id), "
    "k.created_at, k.updated_at FROM review_causes k WHERE k.id = ?";
constexpr const char* kInsertCause =
    "INSERT INTO review_causes(name, created_at, updated_at) VALUES (?, ?, ?)";
constexpr const char* kRenameCause =
    "UPDATE review_causes SET name = ?, updated_at = ? WHERE id = ?";
constexpr const char* kCauseInUse = "SELECT 1 FROM review_items WHERE cause_id = ? LIMIT 1";
constexpr const char* kDeleteCause = "DELETE FROM review_causes WHERE id = ?";

constexpr const char* kCauseFacts =
    "SELECT cause_id, created_at FROM review_items WHERE created_at >= ? AND created_at < ? "
    "ORDER BY created_at, id";

Reason parse_reason(const std::string& text) {
  if (text == "bad_rating") return Reason::bad_rating;
  if (text == "not_resolved") return Reason::not_resolved;
  return Reason::reopen;
}

std::optional<int> optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt();
}

ItemRecord read_item(SQLite::Statement& s) {
  ItemRecord r;
  int i = 0;
  r.id = s.getColumn(i++).getInt64();
  r.ticket_id = s.getColumn(i++).getInt64();
  r.subject = s.getColumn(i++).getString();
  r.episode = s.getColumn(i++).getInt();
  r.reason = parse_reason(s.getColumn(i++).getString());
  r.survey_id = optional_id(s.getColumn(i++));
  auto& c = r.customer;
  c.id = s.getColumn(i++).getInt64();
  c.email = s.getColumn(i++).getString();
  c.name = s.getColumn(i++).getString();
  c.organization = s.getColumn(i++).getString();
  c.surveys_opt_out = s.getColumn(i++).getInt() != 0;
  c.created_at = s.getColumn(i++).getInt64();
  c.updated_at = s.getColumn(i++).getInt64();
  r.agent_id = optional_id(s.getColumn(i++));
  r.agent_name = s.getColumn(i++).getString();
  r.csat = optional_int(s.getColumn(i++));
  r.nps = optional_int(s.getColumn(i++));
  r.ces = optional_int(s.getColumn(i++));
  if (const auto resolved = optional_int(s.getColumn(i++))) r.resolved = *resolved != 0;
  if (const auto& comment = s.getColumn(i++); !comment.isNull() && comment.size() > 0)
    r.comment = comment.getString();
  r.created_at = s.getColumn(i++).getInt64();
  r.updated_at = s.getColumn(i++).getInt64();
  r.reviewed = s.getColumn(i++).getString() == "reviewed";
  r.cause_id = optional_id(s.getColumn(i++));
  r.cause_name = s.getColumn(i++).getString();
  r.action_taken = s.getColumn(i++).getString();
  r.reviewed_by = optional_id(s.getColumn(i++));
  r.reviewed_by_name = s.getColumn(i++).getString();
  r.reviewed_at = optional_id(s.getColumn(i++));
  return r;
}

CauseRecord read_cause(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getInt64(),
          s.getColumn(3).getInt64(), s.getColumn(4).getInt64()};
}

void insert_item(Tx& tx, Id ticket_id, int episode, Reason reason, std::optional<Id> survey_id,
                 Id customer_id, std::optional<Id> agent_id, Millis now) {
  auto& s = tx.connection().statement(kInsertItem);
  int i = 1;
  s.bind(i++, ticket_id);
  s.bind(i++, episode);
  s.bind(i++, to_string(reason));
  bind_optional(s, i++, survey_id);
  s.bind(i++, customer_id);
  bind_optional(s, i++, agent_id);
  s.bind(i++, now);
  s.bind(i++, now);
  s.exec();
}

// Runs a cause INSERT/UPDATE, turning a taken name into a conflict the client can fix.
void exec_cause(SQLite::Statement& s, const std::string& name) {
  try {
    s.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw Refusal(errc::conflict, "A root cause named '" + name + "' already exists.", "name");
    throw;
  }
}

CauseRecord load_cause(Connection& db, Id id) {
  auto found = find_cause(db, id);
  if (!found)
    throw Refusal(errc::not_found, "Root cause " + std::to_string(id) + " does not exist.");
  return std::move(*found);
}

}  // namespace

const char* to_string(Reason reason) {
  switch (reason) {
    case Reason::bad_rating:
      return "bad_rating";
    case Reason::not_resolved:
      return "not_resolved";
    default:
      return "reopen";
  }
}

void on_bad_answer(Tx& tx, Id ticket_id, int episode, Id survey_id, Id customer_id,
                   std::optional<Id> agent_id, Reason reason, Millis now) {
  insert_item(tx, ticket_id, episode, reason, survey_id, customer_id, agent_id, now);
}

void on_reopen(Tx& tx, const TicketRecord& ticket, int episode, Millis now) {
  auto& db = tx.connection();
  std::optional<Id> survey_id = find_survey_id(db, ticket.id, episode);
  std::optional<Id> agent;
  if (survey_id)
    if (auto row = find_survey_row(db, *survey_id)) agent = row->survey.agent_id;
  if (!agent) {
    const auto credit = kpi::load_credit(db, ticket.id);
    agent = credit.credited_agent ? credit.credited_agent : credit.last_public_agent;
  }
  if (!agent) agent = ticket.assignee_id;
  // A reopen is reviewed for what it is; the survey row is named only when the customer
  // answered it (a reopen cancels an unanswered one).
  std::optional<Id> answered;
  if (survey_id)
    if (auto row = find_survey_row(db, *survey_id); row && row->survey.answered_at)
      answered = survey_id;
  insert_item(tx, ticket.id, episode, Reason::reopen, answered, ticket.customer.id, agent, now);
}

std::vector<ItemRecord> list_items(Connection& db, const ItemQuery& q) {
  auto& s = db.statement(kListItems);
  if (q.reviewed) s.bind(":state", *q.reviewed ? "reviewed" : "open");
  bind_optional(s, ":cause", q.cause_id);
  bind_optional(s, ":after", q.after);
  s.bind(":limit", q.limit);
  std::vector<ItemRecord> items;
  while (s.executeStep()) items.push_back(read_item(s));
  return items;
}

std::optional<ItemRecord> find_item(Connection& db, Id id) {
  auto& s = db.statement(kFindItem);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_item(s);
}

ItemRecord update_item(Tx& tx, Id id, const ItemChange& change, Id by, Millis now) {
  auto& db = tx.connection();
  auto found = find_item(db, id);
  if (!found)
    throw Refusal(errc::not_found, "Review item " + std::to_string(id) + " does not exist.");
  ItemRecord item = std::move(*found);
  if (change.cause_id) {
    if (*change.cause_id && !find_cause(db, **change.cause_id))
      throw Refusal(errc::invalid_argument,
                    "Root cause " + std::to_string(**change.cause_id) + " does not exist.",
                    "cause_id");
    item.cause_id = *change.cause_id;
  }
  if (change.action_taken) item.action_taken = *change.action_taken;
  if (change.reviewed && *change.reviewed != item.reviewed) {
    item.reviewed = *change.reviewed;
    item.reviewed_by = item.reviewed ? std::optional(by) : std::nullopt;
    item.reviewed_at = item.reviewed ? std::optional(now) : std::nullopt;
  }
  auto& s = db.statement(kUpdateItem);
  int i = 1;
  bind_optional(s, i++, item.cause_id);
  s.bind(i++, item.action_taken);
  s.bind(i++, item.reviewed ? "reviewed" : "open");
  bind_optional(s, i++, item.reviewed_by);
  bind_optional(s, i++, item.reviewed_at);
  s.bind(i++, now);
  s.bind(i++, id);
  s.exec();
  return *find_item(db, id);
}

std::vector<CauseRecord> list_causes(Connection& db) {
  auto& s = db.statement(kListCauses);
  std::vector<CauseRecord> causes;
  while (s.executeStep()) causes.push_back(read_cause(s));
  return causes;
}

std::optional<CauseRecord> find_cause(Connection& db, Id id) {
  auto& s = db.statement(kFindCause);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_cause(s);
}

CauseRecord create_cause(Tx& tx, const std::string& name, Millis now) {
  auto& db = tx.connection();
  auto& s = db.statement(kInsertCause);
  s.bind(1, name);
  s.bind(2, now);
  s.bind(3, now);
  exec_cause(s, name);
  return load_cause(db, db.last_insert_id());
}

CauseRecord rename_cause(Tx& tx, Id id, const std::string& name, Millis now) {
  auto& db = tx.connection();
  load_cause(db, id);
  auto& s = db.statement(kRenameCause);
  s.bind(1, name);
  s.bind(2, now);
  s.bind(3, id);
  exec_cause(s, name);
  return load_cause(db, id);
}

void delete_cause(Tx& tx, Id id) {
  auto& db = tx.connection();
  load_cause(db, id);
  auto& used = db.statement(kCauseInUse);
  used.bind(1, id);
  const bool in_use = used.executeStep();
  used.reset();
  if (in_use)
    throw Refusal(errc::conflict, "Root cause " + std::to_string(id) +
                                      " is in use by review items; retag them before deleting it.");
  auto& s = db.statement(kDeleteCause);
  s.bind(1, id);
  s.exec();
}

std::vector<CauseFact> cause_facts(Connection& db, Millis from, Millis to) {
  auto& s = db.statement(kCauseFacts);
  s.bind(1, from);
  s.bind(2, to);
  std::vector<CauseFact> facts;
  while (s.executeStep()) facts.push_back({optional_id(s.getColumn(0)), s.getColumn(1).getInt64()});
  return facts;
}

}  // namespace hd::store::reviews
