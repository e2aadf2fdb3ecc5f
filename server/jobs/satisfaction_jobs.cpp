#include "jobs/satisfaction_jobs.hpp"

#include <boost/json.hpp>

#include "jobs/mail_delivery.hpp"
#include "jobs/mail_numbers.hpp"
#include "mail/message.hpp"
#include "mail/templates.hpp"
#include "security/secrets.hpp"
#include "store/jobs_store.hpp"
#include "store/people.hpp"
#include "store/surveys.hpp"

namespace hd::jobs {
namespace json = boost::json;
using store::Id;

namespace {

struct Context {
  store::Database& db;
  const domain::Clock& clock;
  mail::Sender& sender;
  SatisfactionSettings settings;
  store::TicketPolicy policy;
  std::string domain;
};

json::object payload_of(const store::ClaimedJob& job) {
  return json::parse(job.payload).as_object();
}

mail::Mail to_customer(const Context& c, const store::SurveyContext& s, mail::RenderedMail body,
                       std::int64_t number) {
  return compose(c.settings.mail_from, s.ticket.customer.email, s.ticket.customer.name,
                 std::move(body), s.ticket.id, number, c.domain);
}

mail::SurveyInvitation invitation(const Context& c, const store::SurveyContext& s,
                                  const std::string& token) {
  const std::string url = c.settings.public_url + "/survey/" + token;
  return {s.ticket.id, s.ticket.subject, s.ticket.customer.name, url, url + "/opt-out", ""};
}

void satisfaction_check(Context& c, const store::ClaimedJob& job) {
  const auto payload = payload_of(job);
  const Id ticket_id = payload.at("ticket_id").as_int64();
  const int episode = static_cast<int>(payload.at("episode").as_int64());
  auto load = [ticket_id](store::Connection& db) { return store::find_ticket(db, ticket_id); };
  const auto ticket = c.db.read_blocking(load);
  if (!ticket) return;
  const bool team_skips =
      ticket->team_id && c.settings.teams_without_survey.contains(*ticket->team_id);
  if (ticket->customer.surveys_opt_out || team_skips) {
    c.db.write_blocking([&](store::Tx& tx) {
      store::close_without_survey(
          tx, ticket_id, episode,
          team_skips ? "the team does not survey" : "the customer opted out of surveys",
          c.clock.now_ms(), c.policy);
      return 0;
    });
    return;
  }
  // A fresh token for every attempt: only its hash is stored, and the mail is its one copy.
  const std::string token = security::random_secret();
  const auto survey = c.db.write_blocking([&](store::Tx& tx) {
    return store::prepare_survey(tx, ticket_id, episode, security::hash_secret(token),
                                 c.clock.now_ms());
  });
  if (!survey) return;  // reopened or closed since: no survey for this episode
  const auto number = mail_number(MailKind::survey_check, survey->survey.id);
  const auto mail = to_customer(
      c, *survey, mail::render_satisfaction_check(invitation(c, *survey, token)), number);
  deliver(c.sender, mail);
  c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    if (store::mark_survey_sent(tx, survey->survey.id, now, now + c.settings.reminder_after_ms,
                                now + c.settings.expire_after_ms, c.policy))
      store::record_mail(tx, ticket_id, "satisfaction_check", mail.to, mail.message_id, now);
    return 0;
  });
}

void survey_reminder(Context& c, const store::ClaimedJob& job) {
  const Id survey_id = payload_of(job).at("survey_id").as_int64();
  const std::string token = security::random_secret();
  const auto survey = c.db.write_blocking([&](store::Tx& tx) {
    return store::prepare_reminder(tx, survey_id, security::hash_secret(token), c.clock.now_ms());
  });
  if (!survey) return;  // answered, expired or cancelled: no reminder
  const auto mail =
      to_customer(c, *survey, mail::render_survey_reminder(invitation(c, *survey, token)),
                  mail_number(MailKind::survey_reminder, survey_id));
  deliver(c.sender, mail);
  c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    store::mark_reminded(tx, survey_id, now);
    store::record_mail(tx, survey->ticket.id, "survey_reminder", mail.to, mail.message_id, now);
    return 0;
  });
}

void survey_expire(Context& c, const store::ClaimedJob& job) {
  const Id survey_id = payload_of(job).at("survey_id").as_int64();
  c.db.write_blocking([&](store::Tx& tx) {
    store::expire_survey(tx, survey_id, c.clock.now_ms(), c.policy);
    return 0;
  });
}

// Fans out one notify_agent job per person, so that one failing mailbox does not resend to
// the others.
void notify_dissatisfied(Context& c, const store::ClaimedJob& job) {
  const auto payload = payload_of(job);
  const Id ticket_id = payload.at("ticket_id").as_int64();
  const Id survey_id = payload.at("survey_id").as_int64();
  c.db.write_blocking([&](store::Tx& tx) {
    const auto ticket = store::find_ticket(tx.connection(), ticket_id);
    if (!ticket) return 0;
    const auto now = c.clock.now_ms();
    for (const auto& user : store::list_users(tx.connection())) {
      const bool is_assignee = ticket->assignee_id == user.id;
      if (!user.active || (!is_assignee && user.role == domain::Role::agent)) continue;
      store::queue_job(
          tx, "notify_agent",
          json::serialize(json::object{
              {"ticket_id", ticket_id}, {"survey_id", survey_id}, {"user_id", user.id}}),
          now, "notify_agent:" + std::to_string(survey_id) + ":" + std::to_string(user.id), now);
    }
    return 0;
  });
}

void notify_agent(Context& c, const store::ClaimedJob& job) {
  const auto payload = payload_of(job);
  const Id ticket_id = payload.at("ticket_id").as_int64();
  const Id survey_id = payload.at("survey_id").as_int64();
  const Id user_id = payload.at("user_id").as_int64();
  struct Facts {
    std::optional<store::TicketRecord> ticket;
    std::optional<store::UserRecord> user;
  };
  const auto facts = c.db.read_blocking([&](store::Connection& db) {
    return Facts{store::find_ticket(db, ticket_id), store::find_user(db, user_id)};
  });
  if (!facts.ticket || !facts.user || !facts.user->active) return;
  // The answer as recorded: the survey row is read back through its ticket's events.
  auto events =
      c.db.read_blocking([&](store::Connection& db) { return store::list_events(db, ticket_id); });
  mail::AgentNotification n{ticket_id,
                            facts.ticket->subject,
                            facts.user->name,
                            facts.ticket->customer.name,
                            std::nullopt,
                            "",
                            c.settings.public_url + "/api/v1/tickets/" + std::to_string(ticket_id)};
  for (const auto& e : events) {
    if (e.type != "survey_answered") continue;
    const auto data = json::parse(e.data).as_object();
    if (data.at("survey_id").as_int64() != survey_id) continue;
    n.score = static_cast<int>(data.at("csat").as_int64());
    if (const auto* comment = data.if_contains("comment")) n.comment = comment->as_string();
  }
  const auto m = compose(c.settings.mail_from, facts.user->email, facts.user->name,
                         mail::render_agent_notification(n), ticket_id,
                         mail_number(MailKind::agent_notification, survey_id, user_id), c.domain);
  deliver(c.sender, m);
  c.db.write_blocking([&](store::Tx& tx) {
    store::record_mail(tx, ticket_id, "agent_notification", m.to, m.message_id, c.clock.now_ms());
    return 0;
  });
}

}  // namespace

void add_satisfaction_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                           mail::Sender& sender, SatisfactionSettings settings,
                           store::TicketPolicy policy) {
  const std::string domain = mail::address_domain(settings.mail_from);
  auto context =
      std::make_shared<Context>(Context{db, clock, sender, std::move(settings), policy, domain});
  runner.add_handler("satisfaction_check",
                     [context](const store::ClaimedJob& j) { satisfaction_check(*context, j); });
  runner.add_handler("survey_reminder",
                     [context](const store::ClaimedJob& j) { survey_reminder(*context, j); });
  runner.add_handler("survey_expire",
                     [context](const store::ClaimedJob& j) { survey_expire(*context, j); });
  runner.add_handler("notify_dissatisfied",
                     [context](const store::ClaimedJob& j) { notify_dissatisfied(*context, j); });
  runner.add_handler("notify_agent",
                     [context](const store::ClaimedJob& j) { notify_agent(*context, j); });
}

}  // namespace hd::jobs
