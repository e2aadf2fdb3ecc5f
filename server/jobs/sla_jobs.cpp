#include "jobs/sla_jobs.hpp"

#include <ctime>

#include "domain/sla_escalation.hpp"
#include "jobs/mail_delivery.hpp"
#include "jobs/mail_numbers.hpp"
#include "mail/templates.hpp"
#include "store/job_kinds.hpp"
#include "store/mails.hpp"
#include "store/people.hpp"
#include "store/ticket_sla.hpp"

namespace hd::jobs {
using store::Id;

namespace {

using Context = MailJobContext<SlaMailSettings>;

/// Applies the escalation steps of the ticket's policy for what fired, as the system, with the
/// cause on each event. A team or person deactivated since the policy was saved is skipped;
/// the rest of the step still applies.
void escalate(store::Tx& tx, const store::WatchFired& fired, domain::Millis now,
              const store::TicketPolicy& policy) {
  if (fired.escalations.empty()) return;
  auto& db = tx.connection();
  const auto& t = fired.ticket;
  auto change = domain::escalate(fired.escalations, fired.kind, fired.target,
                                 {t.priority, t.team_id, t.assignee_id});
  if (change.team_id) {
    const auto team = store::find_team(db, *change.team_id);
    if (!team || !team->active) change.team_id.reset();
  }
  if (change.assignee_id) {
    const auto user = store::find_user(db, *change.assignee_id);
    if (!user || !user->active) change.assignee_id.reset();
  }
  if (change.empty()) return;
  store::TicketPatch patch;
  patch.priority = change.priority;
  if (change.team_id) patch.team_id = std::optional<Id>(*change.team_id);
  if (change.assignee_id) patch.assignee_id = std::optional<Id>(*change.assignee_id);
  patch.cause = "sla_" + fired.kind + ":" + fired.target;
  const auto current = store::find_ticket(db, t.id);  // the watch's own event moved the version
  store::update_ticket(tx, t.id, current->version, patch, store::Actor{}, now, policy);
}

std::string readable_utc(domain::Millis at) {
  const std::time_t seconds = at / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

void notify_sla(Context& c, const store::NotifySla& job) {
  struct Facts {
    std::optional<store::TicketRecord> ticket;
    std::optional<store::UserRecord> user;
  };
  const auto facts = c.db.read_blocking([&](store::Connection& db) {
    return Facts{store::find_ticket(db, job.ticket_id), store::find_user(db, job.user_id)};
  });
  if (!facts.ticket || !facts.user || !facts.user->active) return;
  const bool breach = job.kind == "breach";
  const mail::SlaAlert alert{
      job.ticket_id,
      facts.ticket->subject,
      facts.user->name,
      breach,
      job.target,
      readable_utc(job.due_at),
      c.settings.public_url + "/app/tickets/" + std::to_string(job.ticket_id)};
  // One number per target, due time and person: a retry resends the same Message-ID.
  const int target = job.target == "first_response" ? 0 : job.target == "next_reply" ? 1 : 2;
  const auto number = mail_number(breach ? MailKind::sla_breach : MailKind::sla_warning,
                                  (job.due_at / 1000) * 4 + target, job.user_id);
  const auto m = compose(c.settings.mail_from, facts.user->email, facts.user->name,
                         mail::render_sla_alert(alert), job.ticket_id, number, c.domain);
  deliver(c.sender, m);
  c.db.write_blocking([&](store::Tx& tx) {
    store::record_mail(tx, job.ticket_id, "sla_" + job.kind, m.to, m.message_id, c.clock.now_ms());
    return 0;
  });
}

}  // namespace

void add_sla_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                  mail::Sender& sender, SlaMailSettings settings, store::TicketPolicy policy) {
  const std::string domain = mail::address_domain(settings.mail_from);
  auto context =
      std::make_shared<Context>(Context{db, clock, sender, std::move(settings), policy, domain});
  runner.on<store::SlaRecompute>([context](const store::SlaRecompute&, const auto&) {
    Id after = 0;
    do {
      auto batch = [after, now = context->clock.now_ms(), &c = *context](store::Tx& tx) {
        return store::recompute_sla_batch(tx, after, kSlaRecomputeBatch, kSlaRecomputeBudget, now,
                                          c.policy);
      };
      after = context->db.write_blocking(std::move(batch));
    } while (after != 0);
  });
  runner.on<store::SlaWatch>([context](const store::SlaWatch& job, const auto&) {
    auto fire = [&job, &c = *context, now = context->clock.now_ms()](store::Tx& tx) {
      const auto fired =
          store::fire_sla_watch(tx, job.ticket_id, job.target, job.kind, job.due_at, now, c.policy);
      if (!fired) return 0;
      escalate(tx, *fired, now, c.policy);
      if (c.settings.mail_notifications)
        for (const Id user : fired->notify)
          store::enqueue(tx,
                         store::NotifySla{job.ticket_id, user, job.target, job.kind, job.due_at},
                         now, now);
      return 0;
    };
    context->db.write_blocking(std::move(fire));
  });
  runner.on<store::NotifySla>(
      [context](const store::NotifySla& job, const auto&) { notify_sla(*context, job); });
}

}  // namespace hd::jobs
