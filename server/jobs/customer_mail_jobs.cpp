#include "jobs/customer_mail_jobs.hpp"

#include "jobs/mail_delivery.hpp"
#include "jobs/mail_numbers.hpp"
#include "security/secrets.hpp"
#include "store/mails.hpp"
#include "store/people.hpp"
#include "store/portal.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {
using store::Id;

namespace {

using Context = MailJobContext<CustomerMailSettings>;

std::string hours_text(domain::Millis ms) {
  const auto hours = ms / 3'600'000;
  return hours % 24 == 0 ? std::to_string(hours / 24) + " days" : std::to_string(hours) + " hours";
}

// A new sign-in link to the portal for `customer_id`: only its hash is kept.
std::string portal_link(Context& c, Id customer_id) {
  const std::string token = security::random_secret();
  c.db.write_blocking([&](store::Tx& tx) {
    const auto now = c.clock.now_ms();
    store::create_customer_link(tx, customer_id, security::hash_secret(token), now,
                                now + c.settings.link_valid_ms);
    return 0;
  });
  return c.settings.public_url + "/my/sign-in/" + token;
}

store::TicketRecord load_ticket(Context& c, Id ticket_id) {
  auto find = [ticket_id](store::Connection& db) { return store::find_ticket(db, ticket_id); };
  auto ticket = c.db.read_blocking(find);
  if (!ticket) throw PermanentFailure("ticket " + std::to_string(ticket_id) + " does not exist");
  return std::move(*ticket);
}

void record(Context& c, const store::TicketRecord& t, const char* kind, const mail::Mail& m) {
  c.db.write_blocking([&](store::Tx& tx) {
    store::record_mail(tx, t.id, kind, m.to, m.message_id, c.clock.now_ms());
    return 0;
  });
}

void ticket_received(Context& c, const store::MailTicketReceived& job) {
  const auto t = load_ticket(c, job.ticket_id);
  const mail::TicketReceived in{t.id, t.subject, t.customer.name, portal_link(c, t.customer.id)};
  const auto m = compose(c.settings.mail_from, t.customer.email, t.customer.name,
                         mail::render_ticket_received(in), t.id,
                         mail_number(MailKind::ticket_received, t.id), c.domain);
  deliver(c.sender, m);
  record(c, t, "ticket_received", m);
}

void agent_reply(Context& c, const store::MailAgentReply& job) {
  const Id message_id = job.message_id;
  const auto t = load_ticket(c, job.ticket_id);
  auto messages = c.db.read_blocking(
      [id = t.id](store::Connection& db) { return store::list_messages(db, id); });
  const auto message = std::find_if(messages.begin(), messages.end(),
                                    [&](const auto& m) { return m.id == message_id; });
  if (message == messages.end() || message->internal) return;  // nothing for the customer
  const mail::AgentReply in{t.id, t.subject, message->author_name, message->body,
                            portal_link(c, t.customer.id)};
  const auto m =
      compose(c.settings.mail_from, t.customer.email, t.customer.name, mail::render_agent_reply(in),
              t.id, mail_number(MailKind::agent_reply, message_id), c.domain);
  deliver(c.sender, m);
  record(c, t, "agent_reply", m);
}

void magic_link(Context& c, const store::MailMagicLink& job) {
  const Id customer_id = job.customer_id;
  auto find = [customer_id](store::Connection& db) {
    return store::find_customer(db, customer_id);
  };
  const auto customer = c.db.read_blocking(find);
  if (!customer) return;
  const mail::MagicLink in{customer->name, portal_link(c, customer_id),
                           hours_text(c.settings.link_valid_ms)};
  const auto m = compose(c.settings.mail_from, customer->email, customer->name,
                         mail::render_magic_link(in), std::nullopt, 0, c.domain);
  deliver(c.sender, m);
}

}  // namespace

void add_customer_mail_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                            mail::Sender& sender, CustomerMailSettings settings) {
  const std::string domain = mail::address_domain(settings.mail_from);
  auto context =
      std::make_shared<Context>(Context{db, clock, sender, std::move(settings), {}, domain});
  runner.on<store::MailTicketReceived>(
      [context](const auto& p, const auto&) { ticket_received(*context, p); });
  runner.on<store::MailAgentReply>(
      [context](const auto& p, const auto&) { agent_reply(*context, p); });
  runner.on<store::MailMagicLink>(
      [context](const auto& p, const auto&) { magic_link(*context, p); });
}

}  // namespace hd::jobs
