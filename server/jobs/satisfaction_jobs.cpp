#include "jobs/satisfaction_jobs.hpp"

#include "jobs/mail_delivery.hpp"
#include "jobs/mail_numbers.hpp"
#include "mail/message.hpp"
#include "mail/templates.hpp"
#include "security/secrets.hpp"
#include "store/jobs_store.hpp"
#include "store/mails.hpp"
#include "store/people.hpp"
#include "store/surveys.hpp"

namespace hd::jobs {
using store::Id;

namespace {

using Context = MailJobContext<SatisfactionSettings>;

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

// Records the survey mail `number` before it is sent, with the token its link carries, and
// returns that token: a fresh one for a first attempt (only its hash opens the survey), the
// first attempt's for a retry, so that a mail the mail server accepted before a crash keeps a
// working link when the retry sends it again.
std::string begin(Context& c, const store::SurveyContext& s, const std::string& kind,
                  const char* purpose, std::int64_t number) {
  const std::string message_id = mail::ticket_message_id(s.ticket.id, number, c.domain);
  const std::string fresh = security::random_secret();
  return c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    std::string token =
        store::begin_mail(tx, s.ticket.id, kind, s.ticket.customer.email, message_id, fresh, now);
    store::put_survey_token(tx, s.survey.id, purpose, security::hash_secret(token), now);
    return token;
  });
}

void satisfaction_check(Context& c, const store::SatisfactionCheck& job) {
  const Id ticket_id = job.ticket_id;
  const int episode = job.episode;
  auto load = [ticket_id](store::Connection& db) { return store::find_ticket(db, ticket_id); };
  const auto ticket = c.db.read_blocking(load);
  if (!ticket) return;
  const bool team_skips =
      ticket->team_id && c.settings.survey.teams_without_survey.contains(*ticket->team_id);
  // A survey to an address that bounces would only bounce again (inbound mail marks it).
  const bool bouncing = c.db.read_blocking([id = ticket->customer.id](store::Connection& db) {
    return store::customer_bouncing(db, id).has_value();
  });
  if (ticket->customer.surveys_opt_out || team_skips || bouncing) {
    c.db.write_blocking([&](store::Tx& tx) {
      store::close_without_survey(tx, ticket_id, episode,
                                  team_skips ? "the team does not survey"
                                  : bouncing ? "the customer's address bounces"
                                             : "the customer opted out of surveys",
                                  c.clock.now_ms(), c.policy);
      return 0;
    });
    return;
  }
  const auto survey = c.db.write_blocking([&](store::Tx& tx) {
    return store::prepare_survey(tx, ticket_id, episode, c.clock.now_ms());
  });
  if (!survey) return;  // reopened or closed since: no survey for this episode
  const auto number = mail_number(MailKind::survey_check, survey->survey.id);
  const std::string token = begin(c, *survey, "satisfaction_check", "check", number);
  const auto mail = to_customer(
      c, *survey, mail::render_satisfaction_check(invitation(c, *survey, token)), number);
  deliver(c.sender, mail);
  c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    store::mark_survey_sent(tx, survey->survey.id, now, now + c.settings.survey.reminder_after_ms,
                            now + c.settings.survey.expire_after_ms, c.policy);
    // Sent, whatever the survey became meanwhile (answered through its link, or cancelled).
    store::record_mail(tx, ticket_id, "satisfaction_check", mail.to, mail.message_id, now);
    return 0;
  });
}

void survey_reminder(Context& c, const store::SurveyReminder& job) {
  const Id survey_id = job.survey_id;
  const auto survey = c.db.write_blocking(
      [&](store::Tx& tx) { return store::prepare_reminder(tx, survey_id, c.clock.now_ms()); });
  if (!survey) return;  // answered, expired or cancelled: no reminder
  const auto number = mail_number(MailKind::survey_reminder, survey_id);
  const std::string token = begin(c, *survey, "survey_reminder", "reminder", number);
  const auto mail =
      to_customer(c, *survey, mail::render_survey_reminder(invitation(c, *survey, token)), number);
  deliver(c.sender, mail);
  c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    store::mark_reminded(tx, survey_id, now);
    store::record_mail(tx, survey->ticket.id, "survey_reminder", mail.to, mail.message_id, now);
    return 0;
  });
}

void survey_expire(Context& c, const store::SurveyExpire& job) {
  const Id survey_id = job.survey_id;
  c.db.write_blocking([&](store::Tx& tx) {
    store::expire_survey(tx, survey_id, c.clock.now_ms(), c.policy);
    return 0;
  });
}

// Fans out one notify_agent job per person, so that one failing mailbox does not resend to
// the others.
void notify_dissatisfied(Context& c, const store::NotifyDissatisfied& job) {
  const Id ticket_id = job.ticket_id;
  const Id survey_id = job.survey_id;
  c.db.write_blocking([&](store::Tx& tx) {
    const auto ticket = store::find_ticket(tx.connection(), ticket_id);
    if (!ticket) return 0;
    const auto now = c.clock.now_ms();
    for (const auto& user : store::list_users(tx.connection())) {
      const bool is_assignee = ticket->assignee_id == user.id;
      if (!user.active || (!is_assignee && user.role == domain::Role::agent)) continue;
      store::enqueue(tx, store::NotifyAgent{ticket_id, survey_id, user.id}, now, now);
    }
    return 0;
  });
}

void notify_agent(Context& c, const store::NotifyAgent& job) {
  const Id ticket_id = job.ticket_id;
  const Id survey_id = job.survey_id;
  const Id user_id = job.user_id;
  struct Facts {
    std::optional<store::TicketRecord> ticket;
    std::optional<store::UserRecord> user;
    std::optional<store::SurveyRow> survey;
  };
  const auto facts = c.db.read_blocking([&](store::Connection& db) {
    return Facts{store::find_ticket(db, ticket_id), store::find_user(db, user_id),
                 store::find_survey_row(db, survey_id)};
  });
  if (!facts.ticket || !facts.user || !facts.user->active) return;
  mail::AgentNotification n{ticket_id,
                            facts.ticket->subject,
                            facts.user->name,
                            facts.ticket->customer.name,
                            std::nullopt,
                            "",
                            c.settings.public_url + "/app/tickets/" + std::to_string(ticket_id)};
  // The answer as recorded on the survey.
  if (facts.survey && facts.survey->survey.state == domain::SurveyState::answered) {
    n.score = facts.survey->survey.csat;
    n.comment = facts.survey->survey.comment;
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
  runner.on<store::SatisfactionCheck>(
      [context](const auto& p, const auto&) { satisfaction_check(*context, p); });
  runner.on<store::SurveyReminder>(
      [context](const auto& p, const auto&) { survey_reminder(*context, p); });
  runner.on<store::SurveyExpire>(
      [context](const auto& p, const auto&) { survey_expire(*context, p); });
  runner.on<store::NotifyDissatisfied>(
      [context](const auto& p, const auto&) { notify_dissatisfied(*context, p); });
  runner.on<store::NotifyAgent>(
      [context](const auto& p, const auto&) { notify_agent(*context, p); });
}

}  // namespace hd::jobs
