// Inbound mail: the door for an MTA or a relay's webhook, the admins' quarantine, and the mail
// side of a ticket (its raw mails, CC'd addresses, a bouncing customer address).
#include <cstdint>
#include <memory>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/input_errors.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "jobs/mail_intake.hpp"
#include "store/inbound_mail.hpp"
#include "store/people.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Role;

json::value id_or_null(const std::optional<store::Id>& id) {
  return id ? json::value(*id) : json::value();
}

json::object result_json(const jobs::IntakeResult& r) {
  return {{"mail_id", r.mail_id},
          {"outcome", r.outcome},
          {"ticket_id", id_or_null(r.ticket_id)},
          {"message_id", id_or_null(r.message_id)},
          {"linked_ticket_id", id_or_null(r.linked_ticket_id)},
          {"reason", r.reason.empty() ? json::value() : json::value(r.reason)}};
}

json::object mail_json(const store::InboundMailRecord& m) {
  return {
      {"id", m.id},
      {"message_id", m.message_id.empty() ? json::value() : json::value(m.message_id)},
      {"source", m.source},
      {"mailbox", m.mailbox},
      {"size", m.size},
      {"received_at", format_time(m.received_at)},
      {"state", m.state},
      {"reason", m.reason.empty() ? json::value() : json::value(m.reason)},
      {"sender", m.sender},
      {"subject", m.subject},
      {"ticket_id", id_or_null(m.ticket_id)},
      {"processed_at", m.processed_at ? json::value(format_time(*m.processed_at)) : json::value()}};
}

// A problem naming the one field (here: a header or the body) to fix.
[[noreturn]] void refuse(unsigned status, const char* code, std::string field,
                         std::string message) {
  InputErrors errors;
  errors.add(std::move(field), message);
  errors.raise(status, code, message);
}

jobs::MailIntake& intake(Services* s) {
  if (!s->mail_intake)
    throw http::Problem(503, "unavailable", "Inbound mail is not set up on this server.");
  return *s->mail_intake;
}

// A ticket-changing result: a refusal of the intake becomes its problem+json.
template <class Awaitable>
boost::asio::awaitable<jobs::IntakeResult> refusing(Awaitable a) {
  try {
    co_return co_await std::move(a);
  } catch (const domain::Refusal& refusal) {
    throw to_problem(refusal);
  }
}

boost::asio::awaitable<http::Response> post_inbound(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  if (!who.token_id)
    throw http::Problem(403, "forbidden",
                        "Inbound mail is accepted only with an API token (Authorization: Bearer).");
  std::string type(ctx.request[bh::field::content_type]);
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type != "message/rfc822")
    refuse(415, "unsupported_media_type", "Content-Type",
           "Send the raw mail as the body with Content-Type: message/rfc822.");
  if (ctx.request.body().empty())
    refuse(400, "invalid_request", "body", "The body is empty: send the raw mail.");
  QueryInput in(ctx.url);
  std::string mailbox = in.text("mailbox", 100).value_or("");
  if (!mailbox.empty() && !intake(s).settings().mailboxes.contains(mailbox))
    in.fail("mailbox", "names no mailbox of [mail_in] mailboxes");
  in.finish();
  auto raw = std::make_shared<const std::string>(std::move(ctx.request.body()));
  const auto result = co_await intake(s).accept(std::move(raw), "api", std::move(mailbox));
  co_return reply(ctx, bh::status::accepted, result_json(result));
}

boost::asio::awaitable<http::Response> list_quarantine(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  QueryInput in(ctx.url);
  const store::Id after = in.integer("after", 0, INT64_MAX).value_or(0);
  const int limit = static_cast<int>(in.integer("limit", 1, 200).value_or(50));
  in.finish();
  auto load = [after, limit](store::Connection& db) {
    return store::list_inbound_mails(db, "quarantined", after, limit);
  };
  const auto mails = co_await s->db.read(std::move(load));
  json::array items;
  for (const auto& m : mails) items.push_back(mail_json(m));
  json::object body{{"items", std::move(items)}};
  body["next_after"] =
      static_cast<int>(mails.size()) == limit ? json::value(mails.back().id) : json::value();
  co_return reply(ctx, bh::status::ok, body);
}

boost::asio::awaitable<http::Response> release_mail(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  const auto result = co_await refusing(intake(s).release(id));
  co_return reply(ctx, bh::status::ok, result_json(result));
}

boost::asio::awaitable<http::Response> drop_mail(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  const auto result = co_await refusing(intake(s).drop(id));
  co_return reply(ctx, bh::status::ok, result_json(result));
}

// The original mail, byte for byte, as a download (never rendered by the browser).
boost::asio::awaitable<http::Response> raw_mail(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto load = [id](store::Connection& db) { return store::load_raw_mail(db, id); };
  std::string raw = co_await s->db.read(std::move(load));
  if (raw.empty()) throw not_found("Mail", id);
  http::Response res{bh::status::ok, ctx.request.version()};
  res.set(bh::field::content_type, "message/rfc822");
  res.set(bh::field::content_disposition,
          "attachment; filename=\"mail-" + std::to_string(id) + ".eml\"");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(bh::field::cache_control, "no-store");
  res.body() = std::move(raw);
  res.prepare_payload();
  co_return res;
}

struct TicketMail {
  bool exists = false;
  std::vector<store::TicketAddress> addresses;
  std::optional<store::Bouncing> bouncing;
  std::vector<store::InboundMailRecord> mails;
};

boost::asio::awaitable<http::Response> ticket_mail(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto load = [id](store::Connection& db) {
    TicketMail found;
    const auto ticket = store::find_ticket(db, id);
    if (!ticket) return found;
    found.exists = true;
    found.addresses = store::list_ticket_addresses(db, id);
    found.bouncing = store::customer_bouncing(db, ticket->customer.id);
    found.mails = store::list_mails_of_ticket(db, id);
    return found;
  };
  const auto found = co_await s->db.read(std::move(load));
  if (!found.exists) throw not_found("Ticket", id);
  json::array addresses, mails;
  for (const auto& a : found.addresses)
    addresses.push_back({{"address", a.address},
                         {"name", a.name},
                         {"role", a.role},
                         {"added_at", format_time(a.added_at)}});
  for (const auto& m : found.mails) mails.push_back(mail_json(m));
  co_return reply(ctx, bh::status::ok,
                  {{"addresses", std::move(addresses)},
                   {"customer_bouncing", bouncing_json(found.bouncing)},
                   {"mails", std::move(mails)}});
}

}  // namespace

void add_mail_routes(http::Router& router, Services& services) {
  route(router, bh::verb::post, "/api/v1/mail/inbound", services, post_inbound);
  route(router, bh::verb::get, "/api/v1/mail/inbound/{id}/raw", services, raw_mail);
  route(router, bh::verb::get, "/api/v1/mail/quarantine", services, list_quarantine);
  route(router, bh::verb::post, "/api/v1/mail/quarantine/{id}/release", services, release_mail);
  route(router, bh::verb::post, "/api/v1/mail/quarantine/{id}/drop", services, drop_mail);
  route(router, bh::verb::get, "/api/v1/tickets/{id}/mail", services, ticket_mail);
}

}  // namespace hd::api
