#include "store/surveys.hpp"

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>

#include "domain/refusal.hpp"
#include "store/jobs_store.hpp"
#include "store/people.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace json = boost::json;
using domain::ActorKind;
using domain::errc;
using domain::Refusal;
using domain::Status;

namespace {

constexpr const char* kFindSurvey =
    "SELECT s.id, s.ticket_id, s.episode, s.customer_id, s.agent_id, s.state, s.created_at, "
    "s.sent_at, s.reminded_at, s.expires_at, s.answered_at, s.csat, s.nps, s.ces, s.resolved, "
    "COALESCE(s.comment, ''), COALESCE(u.name, '') FROM surveys s "
    "LEFT JOIN users u ON u.id = s.agent_id WHERE s.id = ?";
constexpr const char* kFindSurveyByEpisode =
    "SELECT id FROM surveys WHERE ticket_id = ? AND episode = ?";
constexpr const char* kFindSurveyByToken =
    "SELECT s.id, s.ticket_id, s.episode, s.customer_id, s.agent_id, s.state, s.created_at, "
    "s.sent_at, s.reminded_at, s.expires_at, s.answered_at, s.csat, s.nps, s.ces, s.resolved, "
    "COALESCE(s.comment, ''), COALESCE(u.name, '') FROM survey_tokens k "
    "JOIN surveys s ON s.id = k.survey_id LEFT JOIN users u ON u.id = s.agent_id "
    "WHERE k.token_hash = ?";
// The agent the customer dealt with: the author of the last public reply (KPIS.md).
constexpr const char* kLastPublicAgent =
    "SELECT author_user_id FROM messages WHERE ticket_id = ? AND author_kind = 'agent' "
    "AND internal = 0 ORDER BY id DESC LIMIT 1";
constexpr const char* kInsertSurvey =
    "INSERT INTO surveys(ticket_id, episode, customer_id, agent_id, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kDeleteTokens =
    "DELETE FROM survey_tokens WHERE survey_id = ? AND purpose = ?";
constexpr const char* kInsertToken =
    "INSERT INTO survey_tokens(token_hash, survey_id, purpose, created_at) VALUES (?, ?, ?, ?)";
constexpr const char* kMarkSent =
    "UPDATE surveys SET state = 'sent', sent_at = ?, expires_at = ? WHERE id = ?";
constexpr const char* kSetState = "UPDATE surveys SET state = ? WHERE id = ?";
constexpr const char* kMarkReminded = "UPDATE surveys SET reminded_at = ? WHERE id = ?";
constexpr const char* kRecordAnswer =
    "UPDATE surveys SET state = 'answered', answered_at = ?, csat = ?, resolved = ?, nps = ?, "
    "ces = ?, comment = ? WHERE id = ?";
constexpr const char* kCancelOpen =
    "UPDATE surveys SET state = 'cancelled' WHERE ticket_id = ? "
    "AND state IN ('preparing', 'sent')";
constexpr const char* kSetPriority =
    "UPDATE tickets SET priority = ?, version = version + 1, updated_at = ? WHERE id = ?";
constexpr const char* kInsertEvent =
    "INSERT INTO ticket_events(ticket_id, type, actor_kind, actor_user_id, at, data) "
    "VALUES (?, ?, 'system', NULL, ?, ?)";
constexpr const char* kInsertMail =
    "INSERT INTO mails(ticket_id, kind, recipient, message_id, state, created_at, sent_at) "
    "VALUES (?, ?, ?, ?, 'sent', ?, ?)";

const Actor kSystem{ActorKind::system, std::nullopt, domain::Role::agent};

SurveyRecord read_survey(SQLite::Statement& s, std::string* agent_name) {
  SurveyRecord r;
  r.id = s.getColumn(0).getInt64();
  r.ticket_id = s.getColumn(1).getInt64();
  r.episode = s.getColumn(2).getInt();
  r.customer_id = s.getColumn(3).getInt64();
  r.agent_id = optional_id(s.getColumn(4));
  r.state = s.getColumn(5).getString();
  r.created_at = s.getColumn(6).getInt64();
  r.sent_at = optional_id(s.getColumn(7));
  r.reminded_at = optional_id(s.getColumn(8));
  r.expires_at = optional_id(s.getColumn(9));
  r.answered_at = optional_id(s.getColumn(10));
  auto small = [&](int i) -> std::optional<int> {
    if (s.getColumn(i).isNull()) return std::nullopt;
    return s.getColumn(i).getInt();
  };
  r.csat = small(11);
  r.nps = small(12);
  r.ces = small(13);
  if (auto resolved = small(14)) r.resolved = *resolved != 0;
  r.comment = s.getColumn(15).getString();
  if (agent_name) *agent_name = s.getColumn(16).getString();
  return r;
}

std::optional<SurveyContext> context_of(Connection& db, SQLite::Statement& s) {
  SurveyContext c;
  c.survey = read_survey(s, &c.agent_name);
  s.reset();
  auto ticket = find_ticket(db, c.survey.ticket_id);
  if (!ticket) return std::nullopt;
  c.ticket = std::move(*ticket);
  return c;
}

SurveyContext load_survey(Connection& db, Id survey_id) {
  auto& s = db.statement(kFindSurvey);
  s.bind(1, survey_id);
  if (!s.executeStep())
    throw Refusal(errc::not_found, "Survey " + std::to_string(survey_id) + " does not exist.");
  auto c = context_of(db, s);
  if (!c) throw Refusal(errc::not_found, "The survey's ticket does not exist.");
  return std::move(*c);
}

void set_state(Tx& tx, Id survey_id, const char* state) {
  auto& s = tx.connection().statement(kSetState);
  s.bind(1, state);
  s.bind(2, survey_id);
  s.exec();
}

void put_token(Tx& tx, Id survey_id, const char* purpose, const std::string& token_hash,
               Millis now) {
  auto& del = tx.connection().statement(kDeleteTokens);
  del.bind(1, survey_id);
  del.bind(2, purpose);
  del.exec();
  auto& ins = tx.connection().statement(kInsertToken);
  bind_blob(ins, 1, token_hash);
  ins.bind(2, survey_id);
  ins.bind(3, purpose);
  ins.bind(4, now);
  ins.exec();
}

void system_event(Tx& tx, Id ticket_id, const char* type, Millis now, const json::object& data) {
  auto& s = tx.connection().statement(kInsertEvent);
  s.bind(1, ticket_id);
  s.bind(2, type);
  s.bind(3, now);
  s.bind(4, json::serialize(data));
  s.exec();
}

}  // namespace

std::optional<SurveyContext> prepare_survey(Tx& tx, Id ticket_id, int episode,
                                            const std::string& token_hash, Millis now) {
  auto& db = tx.connection();
  auto ticket = find_ticket(db, ticket_id);
  if (!ticket || ticket->life.status != Status::resolved ||
      ticket->life.resolution_episode != episode)
    return std::nullopt;
  auto& existing = db.statement(kFindSurveyByEpisode);
  existing.bind(1, ticket_id);
  existing.bind(2, episode);
  Id survey_id = 0;
  if (existing.executeStep()) {
    survey_id = existing.getColumn(0).getInt64();
    existing.reset();
  } else {
    auto& agent = db.statement(kLastPublicAgent);
    agent.bind(1, ticket_id);
    std::optional<Id> agent_id;
    if (agent.executeStep()) agent_id = optional_id(agent.getColumn(0));
    agent.reset();
    auto& insert = db.statement(kInsertSurvey);
    insert.bind(1, ticket_id);
    insert.bind(2, episode);
    insert.bind(3, ticket->customer.id);
    bind_optional(insert, 4, agent_id);
    insert.bind(5, now);
    insert.exec();
    survey_id = db.last_insert_id();
  }
  put_token(tx, survey_id, "check", token_hash, now);
  return load_survey(db, survey_id);
}

bool mark_survey_sent(Tx& tx, Id survey_id, Millis now, Millis reminder_at, Millis expires_at,
                      const TicketPolicy& policy) {
  auto c = load_survey(tx.connection(), survey_id);
  if (c.ticket.life.status != Status::resolved ||
      c.ticket.life.resolution_episode != c.survey.episode) {
    set_state(tx, survey_id, "cancelled");
    return false;
  }
  auto& s = tx.connection().statement(kMarkSent);
  s.bind(1, now);
  s.bind(2, expires_at);
  s.bind(3, survey_id);
  s.exec();
  change_status(tx, c.ticket.id, Status::follow_up, "satisfaction check sent", kSystem, now,
                policy);
  const std::string payload = json::serialize(json::object{{"survey_id", survey_id}});
  const std::string id = std::to_string(survey_id);
  if (reminder_at < expires_at)
    queue_job(tx, "survey_reminder", payload, reminder_at, "survey_reminder:" + id, now);
  queue_job(tx, "survey_expire", payload, expires_at, "survey_expire:" + id, now);
  return true;
}

void close_without_survey(Tx& tx, Id ticket_id, int episode, const std::string& reason, Millis now,
                          const TicketPolicy& policy) {
  auto ticket = find_ticket(tx.connection(), ticket_id);
  if (!ticket || ticket->life.status != Status::resolved ||
      ticket->life.resolution_episode != episode)
    return;
  change_status(tx, ticket_id, Status::closed, reason, kSystem, now, policy);
}

std::optional<SurveyContext> prepare_reminder(Tx& tx, Id survey_id, const std::string& token_hash,
                                              Millis now) {
  auto c = load_survey(tx.connection(), survey_id);
  if (c.survey.state != "sent" || (c.survey.expires_at && now >= *c.survey.expires_at))
    return std::nullopt;
  put_token(tx, survey_id, "reminder", token_hash, now);
  return c;
}

void mark_reminded(Tx& tx, Id survey_id, Millis now) {
  auto& s = tx.connection().statement(kMarkReminded);
  s.bind(1, now);
  s.bind(2, survey_id);
  s.exec();
}

void expire_survey(Tx& tx, Id survey_id, Millis now, const TicketPolicy& policy) {
  auto c = load_survey(tx.connection(), survey_id);
  if (c.survey.state != "sent") return;
  set_state(tx, survey_id, "expired");
  system_event(tx, c.ticket.id, "survey_expired", now, {{"survey_id", survey_id}});
  if (c.ticket.life.status == Status::follow_up)
    change_status(tx, c.ticket.id, Status::closed, "survey not answered", kSystem, now, policy);
}

std::optional<SurveyContext> find_survey_by_token(Connection& db, const std::string& token_hash) {
  auto& s = db.statement(kFindSurveyByToken);
  bind_blob(s, 1, token_hash);
  if (!s.executeStep()) return std::nullopt;
  return context_of(db, s);
}

AnswerResult answer_survey(Tx& tx, const std::string& token_hash,
                           const domain::SurveyAnswer& answer, int reopen_at_or_below, Millis now,
                           const TicketPolicy& policy) {
  auto found = find_survey_by_token(tx.connection(), token_hash);
  if (!found) throw Refusal(errc::not_found, "This survey link is not valid.");
  auto& c = *found;
  if (c.survey.state == "answered")
    throw Refusal(errc::conflict, "This survey was answered already. Thank you!");
  if (c.survey.state != "sent" || (c.survey.expires_at && now >= *c.survey.expires_at))
    throw Refusal(errc::gone, "This survey is closed: it expired or the ticket was reopened.");
  auto& s = tx.connection().statement(kRecordAnswer);
  s.bind(1, now);
  s.bind(2, answer.csat);
  s.bind(3, answer.resolved ? 1 : 0);
  bind_optional(s, 4, answer.nps);
  bind_optional(s, 5, answer.ces);
  s.bind(6, answer.comment);
  s.bind(7, c.survey.id);
  s.exec();
  json::object data{
      {"survey_id", c.survey.id}, {"csat", answer.csat}, {"resolved", answer.resolved}};
  if (answer.nps) data["nps"] = *answer.nps;
  if (answer.ces) data["ces"] = *answer.ces;
  if (!answer.comment.empty()) data["comment"] = answer.comment;
  system_event(tx, c.ticket.id, "survey_answered", now, data);

  AnswerResult result;
  if (domain::outcome_of(answer, reopen_at_or_below) == domain::SurveyOutcome::close) {
    change_status(tx, c.ticket.id, Status::closed, "customer confirmed the resolution", kSystem,
                  now, policy);
  } else {
    change_status(tx, c.ticket.id, Status::open, "customer is not satisfied", kSystem, now, policy);
    const auto raised = domain::raised(c.ticket.priority);
    if (raised != c.ticket.priority) {
      auto& p = tx.connection().statement(kSetPriority);
      p.bind(1, std::string(domain::to_string(raised)));
      p.bind(2, now);
      p.bind(3, c.ticket.id);
      p.exec();
      system_event(tx, c.ticket.id, "priority", now,
                   {{"from", domain::to_string(c.ticket.priority)},
                    {"to", domain::to_string(raised)},
                    {"cause", "survey"}});
    }
    queue_job(tx, "notify_dissatisfied",
              json::serialize(json::object{{"ticket_id", c.ticket.id}, {"survey_id", c.survey.id}}),
              now, "notify_dissatisfied:" + std::to_string(c.survey.id), now);
    result.reopened = true;
  }
  result.survey = load_survey(tx.connection(), c.survey.id).survey;
  return result;
}

CustomerRecord opt_out_of_surveys(Tx& tx, const std::string& token_hash, Millis now) {
  auto found = find_survey_by_token(tx.connection(), token_hash);
  if (!found) throw Refusal(errc::not_found, "This link is not valid.");
  CustomerChange change;
  change.surveys_opt_out = true;
  return update_customer(tx, found->survey.customer_id, change, now);
}

void cancel_open_surveys(Tx& tx, Id ticket_id, Millis /*now*/) {
  auto& s = tx.connection().statement(kCancelOpen);
  s.bind(1, ticket_id);
  s.exec();
}

void record_mail(Tx& tx, std::optional<Id> ticket_id, const std::string& kind,
                 const std::string& recipient, const std::string& message_id, Millis now) {
  auto& s = tx.connection().statement(kInsertMail);
  bind_optional(s, 1, ticket_id);
  s.bind(2, kind);
  s.bind(3, recipient);
  s.bind(4, message_id);
  s.bind(5, now);
  s.bind(6, now);
  s.exec();
}

}  // namespace hd::store
