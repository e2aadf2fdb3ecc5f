// Tickets, their messages, status moves and audit trail.
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "api/ticket_query.hpp"
#include "store/sla_store.hpp"
#include "store/tickets.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Role;
using domain::Status;

constexpr std::size_t kMaxBody = 100'000;

/// The targets of the ticket's policy as last loaded (null without SLA or policy).
const domain::SlaTargets* sla_targets(const store::SlaBook* book, const store::TicketRecord& t) {
  if (!book || !t.sla_policy_id) return nullptr;
  const auto* policy = book->policy(*t.sla_policy_id);
  return policy ? &policy->targets : nullptr;
}

std::shared_ptr<const store::SlaBook> sla_book(Services* s) {
  return s->policy.sla ? s->policy.sla->cached() : nullptr;
}

http::Response ticket_reply(Services* s, const http::Context& ctx, bh::status status,
                            const store::TicketRecord& t) {
  const auto book = sla_book(s);
  JsonWriter out(2048);  // a ticket is about 1.7 kB
  write_ticket(out, t, s->clock.now_ms(), *s->policy.calendar, sla_targets(book.get(), t));
  auto res = http::json_response(ctx.request, status, out.take());
  res.set(bh::field::etag, etag(t.version));
  return res;
}

// Cursor: "<sort key>.<id>" of the last row served; opaque to clients.
std::optional<std::pair<domain::Millis, store::Id>> parse_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto key = QueryInput::parse_integer(text.substr(0, dot), 0, INT64_MAX);
  const auto id = QueryInput::parse_integer(text.substr(dot + 1), 1, INT64_MAX);
  if (!key || !id) return std::nullopt;
  return std::pair{*key, *id};
}

}  // namespace

store::TicketQuery parse_ticket_query(const http::Context& ctx, store::Id caller,
                                      domain::Millis now) {
  store::TicketQuery q;
  QueryInput in(ctx.url);
  for (const auto& value : in.all("status")) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const auto end = std::min(value.find(',', start), value.size());
      const auto name = value.substr(start, end - start);
      if (auto status = domain::parse_status(name))
        q.statuses.push_back(*status);
      else
        in.fail("status", "has an unknown status '" + name.substr(0, 40) + "'");
      start = end + 1;
    }
  }
  if (auto assignee = in.text("assignee", 20)) {
    if (*assignee == "me")
      q.assignee_id = caller;
    else if (*assignee == "none")
      q.unassigned = true;
    else if (auto id = QueryInput::parse_integer(*assignee, 1, INT64_MAX))
      q.assignee_id = *id;
    else
      in.fail("assignee", "must be me, none or a user id");
  }
  q.team_id = in.integer("team", 1, INT64_MAX);
  if (auto p = in.choice("priority", domain::parse_priority, "low, normal, high, urgent"))
    q.priority = *p;
  if (auto customer = in.text("customer", 254)) {
    if (customer->find('@') != std::string::npos)
      q.customer_email = *customer;
    else if (auto id = QueryInput::parse_integer(*customer, 1, INT64_MAX))
      q.customer_id = *id;
    else
      in.fail("customer", "must be a customer id or an email address");
  }
  q.tag = in.text("tag", 64);
  if (auto text = in.text("q", 200)) {
    if (text->find_first_not_of(" \t\n") == std::string::npos)
      in.fail("q", "must have 1 to 200 characters of text");
    else
      q.text = *text;
  }
  q.created_after = in.time("created_after");
  q.created_before = in.time("created_before");
  q.updated_after = in.time("updated_after");
  q.updated_before = in.time("updated_before");
  if (auto sla = in.text("sla", 30)) {
    if (*sla == "breached") {
      q.sla_breached_at = now;
    } else if (*sla == "due_soon") {  // the web app's "SLA due soon" view: the next hour
      q.sla_due_between = {now, now + 60 * 60'000};
    } else if (auto minutes = sla->starts_with("due_within:")
                                  ? QueryInput::parse_integer(sla->substr(11), 1, 525'600)
                                  : std::nullopt) {
      q.sla_due_between = {now, now + *minutes * 60'000};
    } else {
      in.fail("sla", "must be breached, due_soon or due_within:<minutes from 1 to 525600>");
    }
  }
  if (auto sort = in.text("sort", 20)) {
    using Sort = store::TicketQuery::Sort;
    if (*sort == "sla_due")
      q.sort = Sort::sla_due_asc;
    else if (*sort == "-created_at")
      q.sort = Sort::created_desc;
    else if (*sort == "created_at")
      q.sort = Sort::created_asc;
    else if (*sort == "-updated_at")
      q.sort = Sort::updated_desc;
    else if (*sort == "updated_at")
      q.sort = Sort::updated_asc;
    else
      in.fail("sort", "must be one of created_at, -created_at, updated_at, -updated_at, sla_due");
  }
  if (auto limit = in.integer("limit", 1, 200)) q.limit = static_cast<int>(*limit);
  if (auto cursor = in.text("cursor", 60)) {
    q.after = parse_cursor(*cursor);
    if (!q.after) in.fail("cursor", "is not a cursor this server gave out");
  }
  in.finish();
  return q;
}

namespace {

store::NewTicket parse_new_ticket(const http::Context& ctx) {
  JsonInput in(ctx.request);
  store::NewTicket t;
  t.subject = in.required_text("subject", 1, 250);
  t.body = in.required_text("body", 1, kMaxBody);
  if (const auto* customer = in.object("customer")) {
    for (const auto& [key, value] : *customer) {
      const std::string field = "customer." + std::string(key);
      if (key != "email" && key != "name" && key != "organization")
        in.fail(field, "is not a known field");
      else if (!value.is_string())
        in.fail(field, "must be a string");
      else if (auto problem = text_problem(value.as_string(), 0, key == "email" ? 254 : 200))
        in.fail(field, std::move(*problem));
    }
    auto text_of = [&](const char* key) {
      const auto* v = customer->if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    t.customer = {trim_space(text_of("email")), text_of("name"), text_of("organization")};
    if (!looks_like_email(t.customer.email)) in.fail("customer.email", "must be an email address");
  } else {
    in.fail("customer", "is required, with at least an email");
  }
  t.priority = in.choice("priority", domain::parse_priority).value_or(domain::Priority::normal);
  t.channel = in.choice("channel", domain::parse_channel).value_or(domain::Channel::api);
  if (auto team = in.nullable_id("team_id")) t.team_id = *team;
  if (auto assignee = in.nullable_id("assignee_id")) t.assignee_id = *assignee;
  if (auto tags = in.tags("tags")) t.tags = *tags;
  in.finish();
  return t;
}

boost::asio::awaitable<http::Response> create_ticket(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto ticket = parse_new_ticket(ctx);
  auto insert = [ticket = std::move(ticket), actor = who.actor(), now = s->clock.now_ms(),
                 policy = s->policy](store::Tx& tx) {
    return store::create_ticket(tx, ticket, actor, now, policy);
  };
  auto created = co_await write(s, std::move(insert));
  auto res = ticket_reply(s, ctx, bh::status::created, created);
  res.set(bh::field::location, "/api/v1/tickets/" + std::to_string(created.id));
  co_return res;
}

boost::asio::awaitable<http::Response> list_tickets(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto query = parse_ticket_query(ctx, who.user_id, s->clock.now_ms());
  auto load = [query](store::Connection& db) { return store::list_tickets(db, query); };
  auto tickets = co_await s->db.read(std::move(load));
  const auto now = s->clock.now_ms();
  const auto book = sla_book(s);
  JsonWriter out(tickets.size() * 2048 + 64);  // a ticket is about 1.7 kB
  out.begin_object();
  out.key("items");
  out.begin_array();
  for (const auto& t : tickets)
    write_ticket(out, t, now, *s->policy.calendar, sla_targets(book.get(), t));
  out.end_array();
  out.key("next_cursor");
  if (static_cast<int>(tickets.size()) == query.limit) {
    const auto [key, id] = store::cursor_of(tickets.back(), query.sort);
    out.string(std::to_string(key) + "." + std::to_string(id));
  } else {
    out.null();
  }
  out.end_object();
  co_return http::json_response(ctx.request, bh::status::ok, out.take());
}

boost::asio::awaitable<store::TicketRecord> load_ticket(Services* s, store::Id id) {
  auto find = [id](store::Connection& db) { return store::find_ticket(db, id); };
  co_return co_await read_found(s, std::move(find), "Ticket", id);
}

boost::asio::awaitable<http::Response> get_ticket(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto ticket = co_await load_ticket(s, path_id(ctx));
  co_return ticket_reply(s, ctx, bh::status::ok, ticket);
}

std::int64_t required_version(const http::Context& ctx) {
  auto header = ctx.request[bh::field::if_match];
  if (header.empty())
    throw http::Problem(428, "precondition_required",
                        "Send If-Match with the ETag of the ticket you read, so that concurrent "
                        "changes are not overwritten.");
  // If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak ETag never matches.
  if (header.starts_with("W/"))
    throw http::Problem(412, "version_mismatch",
                        "If-Match needs the strong ETag of the ticket, not a weak one.");
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"')
    header = header.substr(1, header.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (ec != std::errc{} || end != header.data() + header.size())
    throw http::Problem(412, "version_mismatch", "If-Match is not an ETag of this ticket.");
  return version;
}

boost::asio::awaitable<http::Response> patch_ticket(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  const auto version = required_version(ctx);
  JsonInput in(ctx.request);
  store::TicketPatch patch;
  patch.subject = in.text("subject", 1, 250);
  patch.priority = in.choice("priority", domain::parse_priority);
  patch.assignee_id = in.nullable_id("assignee_id");
  patch.team_id = in.nullable_id("team_id");
  patch.tags = in.tags("tags");
  in.finish();
  auto change = [id, version, patch, actor = who.actor(), now = s->clock.now_ms(),
                 policy = s->policy](store::Tx& tx) {
    return store::update_ticket(tx, id, version, patch, actor, now, policy);
  };
  auto updated = co_await write(s, std::move(change));
  co_return ticket_reply(s, ctx, bh::status::ok, updated);
}

boost::asio::awaitable<http::Response> add_message(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  store::NewMessage message;
  message.body = in.required_text("body", 1, kMaxBody);
  message.internal = in.boolean("internal").value_or(false);
  const auto author = in.text("author", 1, 20).value_or("agent");
  if (author == "customer")
    message.author = domain::ActorKind::customer;
  else if (author != "agent")
    in.fail("author", "must be agent or customer");
  message.then_status = in.choice("status", domain::parse_status);
  if (message.author == domain::ActorKind::customer && message.internal)
    in.fail("internal", "a customer's message cannot be internal");
  in.finish();
  auto add = [id, message, actor = who.actor(), now = s->clock.now_ms(), policy = s->policy](
                 store::Tx& tx) { return store::add_message(tx, id, message, actor, now, policy); };
  auto [record, ticket] = co_await write(s, std::move(add));
  co_return created(ctx, "/api/v1/tickets/" + std::to_string(record.ticket_id) + "/messages",
                    message_json(record));
}

boost::asio::awaitable<http::Response> list_messages(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  co_await load_ticket(s, id);
  auto load = [id](store::Connection& db) { return store::list_messages(db, id); };
  auto messages = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(messages, message_json));
}

boost::asio::awaitable<http::Response> change_status(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto status = in.choice("status", domain::parse_status);
  if (!in.root().contains("status")) in.fail("status", "is required");
  const auto note = in.text("note", 0, 2000).value_or("");
  in.finish();
  auto move = [id, to = *status, note, actor = who.actor(), now = s->clock.now_ms(),
               policy = s->policy](store::Tx& tx) {
    return store::change_status(tx, id, to, note, actor, now, policy);
  };
  auto updated = co_await write(s, std::move(move));
  co_return ticket_reply(s, ctx, bh::status::ok, updated);
}

boost::asio::awaitable<http::Response> list_events(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  co_await load_ticket(s, id);
  auto load = [id](store::Connection& db) { return store::list_events(db, id); };
  auto events = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(events, event_json));
}

}  // namespace

void add_ticket_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/tickets", services, list_tickets);
  route(router, bh::verb::post, "/api/v1/tickets", services, create_ticket);
  route(router, bh::verb::get, "/api/v1/tickets/{id}", services, get_ticket);
  route(router, bh::verb::patch, "/api/v1/tickets/{id}", services, patch_ticket);
  route(router, bh::verb::get, "/api/v1/tickets/{id}/messages", services, list_messages);
  route(router, bh::verb::post, "/api/v1/tickets/{id}/messages", services, add_message);
  route(router, bh::verb::post, "/api/v1/tickets/{id}/status", services, change_status);
  route(router, bh::verb::get, "/api/v1/tickets/{id}/events", services, list_events);
}

}  // namespace hd::api
