#include "store/surveys.hpp"

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>

#include "domain/refusal.hpp"
#include "store/events.hpp"
#include "store/job_kinds.hpp"
#include "store/kpi_facts_store.hpp"
#include "store/people.hpp"
#include "store/reviews.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace json = boost::json;
using domain::ActorKind;
using domain::errc;
using domain::EventType;
using domain::Refusal;
using domain::Status;
using domain::SurveyState;

namespace {

// The agent the customer dealt with: the author of the last public reply (KPIS.md).
constexpr const char* kLastPublicAgent =
    "SELECT author_user_id FROM messages WHERE ticket_id = ? AND author_kind = 'agent' "
    "AND internal = 0 ORDER BY id DESC LIMIT 1";

const Actor kSystem{ActorKind::system, std::nullopt, domain::Role::agent};

std::optional<SurveyContext> context_of(Connection& db, std::optional<SurveyRow> row) {
  if (!row) return std::nullopt;
  auto ticket = find_ticket(db, row->survey.ticket_id);
  if (!ticket) return std::nullopt;
  return SurveyContext{std::move(row->survey), std::move(*ticket), std::move(row->agent_name)};
}

SurveyContext load_survey(Connection& db, Id survey_id) {
  auto row = find_survey_row(db, survey_id);
  if (!row)
    throw Refusal(errc::not_found, "Survey " + std::to_string(survey_id) + " does not exist.");
  auto c = context_of(db, std::move(row));
  if (!c) throw Refusal(errc::not_found, "The survey's ticket does not exist.");
  return std::move(*c);
}

}  // namespace

std::optional<SurveyContext> prepare_survey(Tx& tx, Id ticket_id, int episode, Millis now) {
  auto& db = tx.connection();
  auto ticket = find_ticket(db, ticket_id);
  if (!ticket || ticket->life.status != Status::resolved ||
      ticket->life.resolution_episode != episode)
    return std::nullopt;
  auto survey_id = find_survey_id(db, ticket_id, episode);
  if (!survey_id) {
    auto& agent = db.statement(kLastPublicAgent);
    agent.bind(1, ticket_id);
    std::optional<Id> agent_id;
    if (agent.executeStep()) agent_id = optional_id(agent.getColumn(0));
    agent.reset();
    survey_id = insert_survey(tx, ticket_id, episode, ticket->customer.id, agent_id, now);
  }
  return load_survey(db, *survey_id);
}

namespace {
// The survey's mail went out: the survey is sent and counts as sent, and its ticket waits for
// the answer in follow_up.
void record_survey_sent(Tx& tx, const SurveyContext& c, Millis now,
                        std::optional<Millis> expires_at, const TicketPolicy& policy) {
  mark_survey_row_sent(tx, c.survey.id, now, expires_at);
  change_status(tx, c.ticket.id, Status::follow_up, "satisfaction check sent", kSystem, now,
                policy);
  kpi::on_survey_sent(tx, c.ticket, c.survey.id, c.survey.episode, now);
}
}  // namespace

bool mark_survey_sent(Tx& tx, Id survey_id, Millis now, Millis reminder_at, Millis expires_at,
                      const TicketPolicy& policy) {
  auto c = load_survey(tx.connection(), survey_id);
  // Answered already: its link came while this was being recorded (answer_survey recorded it).
  if (c.survey.state != SurveyState::preparing) return false;
  if (c.ticket.life.status != Status::resolved ||
      c.ticket.life.resolution_episode != c.survey.episode) {
    set_survey_state(tx, survey_id, SurveyState::cancelled);
    return false;
  }
  record_survey_sent(tx, c, now, expires_at, policy);
  if (reminder_at < expires_at) enqueue(tx, SurveyReminder{survey_id}, reminder_at, now);
  enqueue(tx, SurveyExpire{survey_id}, expires_at, now);
  return true;
}

void close_without_survey(Tx& tx, Id ticket_id, int episode, const std::string& reason, Millis now,
                          const TicketPolicy& policy) {
  auto ticket = find_ticket(tx.connection(), ticket_id);
  if (!ticket || ticket->life.status != Status::resolved ||
      ticket->life.resolution_episode != episode)
    return;
  change_status(tx, ticket_id, Status::closed, reason, kSystem, now, policy,
                domain::MoveAuthority::no_survey);
}

std::optional<SurveyContext> prepare_reminder(Tx& tx, Id survey_id, Millis now) {
  auto c = load_survey(tx.connection(), survey_id);
  if (!domain::can_answer(c.survey.state, c.survey.expires_at, now)) return std::nullopt;
  return c;
}

void expire_survey(Tx& tx, Id survey_id, Millis now, const TicketPolicy& policy) {
  auto c = load_survey(tx.connection(), survey_id);
  if (c.survey.state != SurveyState::sent) return;
  set_survey_state(tx, survey_id, SurveyState::expired);
  append_event(tx, c.ticket.id, EventType::survey_expired, kSystem, now,
               {{"survey_id", survey_id}});
  if (c.ticket.life.status == Status::follow_up)
    change_status(tx, c.ticket.id, Status::closed, "survey not answered", kSystem, now, policy);
}

std::optional<SurveyContext> find_survey_by_token(Connection& db, const std::string& token_hash) {
  return context_of(db, find_survey_row_by_token(db, token_hash));
}

AnswerResult answer_survey(Tx& tx, const std::string& token_hash,
                           const domain::SurveyAnswer& answer, int reopen_at_or_below, Millis now,
                           const TicketPolicy& policy) {
  auto found = find_survey_by_token(tx.connection(), token_hash);
  if (!found) throw Refusal(errc::not_found, "This survey link is not valid.");
  auto& c = *found;
  if (const auto open = domain::can_answer(c.survey.state, c.survey.expires_at, now); !open)
    throw Refusal(static_cast<errc>(open.error().value()),
                  open.error() == errc::conflict
                      ? "This survey was answered already. Thank you!"
                      : "This survey is closed: it expired or the ticket was reopened.");
  // Its link reached the customer, so the mail went out, though a crash (or the moment
  // between the mail server's acceptance and its record) left it unrecorded: record it now,
  // and the job, retried, finds the ticket moved on and sends nothing more.
  if (c.survey.state == SurveyState::preparing)
    record_survey_sent(tx, c, now, std::nullopt, policy);
  record_survey_answer(tx, c.survey.id, answer, now);
  kpi::on_survey_answered(tx, c.survey.id, now, answer.csat, answer.nps, answer.ces);
  json::object data{
      {"survey_id", c.survey.id}, {"csat", answer.csat}, {"resolved", answer.resolved}};
  if (answer.nps) data["nps"] = *answer.nps;
  if (answer.ces) data["ces"] = *answer.ces;
  if (!answer.comment.empty()) data["comment"] = answer.comment;
  append_event(tx, c.ticket.id, EventType::survey_answered, kSystem, now, data);

  AnswerResult result;
  if (domain::outcome_of(answer, reopen_at_or_below) == domain::SurveyOutcome::close) {
    change_status(tx, c.ticket.id, Status::closed, "customer confirmed the resolution", kSystem,
                  now, policy);
  } else {
    // The review item first: the reopen below is of the same episode and then adds nothing.
    reviews::on_bad_answer(tx, c.ticket.id, c.survey.episode, c.survey.id, c.survey.customer_id,
                           c.survey.agent_id,
                           answer.csat <= reopen_at_or_below ? reviews::Reason::bad_rating
                                                             : reviews::Reason::not_resolved,
                           now);
    change_status(tx, c.ticket.id, Status::open, "customer is not satisfied", kSystem, now, policy);
    raise_priority(tx, c.ticket.id, "survey", kSystem, now);
    enqueue(tx, NotifyDissatisfied{c.ticket.id, c.survey.id}, now, now);
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

}  // namespace hd::store
