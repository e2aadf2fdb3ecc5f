// Users (staff), teams and customers.
#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "store/people.hpp"
#include "store/tickets.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Role;

constexpr std::size_t kMinPassword = 10;

boost::asio::awaitable<http::Response> list_users(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  auto load_users = [](store::Connection& db) { return store::list_users(db); };
  auto users = co_await s->db.read(std::move(load_users));
  co_return reply(ctx, bh::status::ok, items_json(users, user_json));
}

boost::asio::awaitable<http::Response> create_user(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  JsonInput in(ctx.request);
  store::UserRecord user;
  user.email = in.required_text("email", 3, 254);
  if (!user.email.empty() && !looks_like_email(user.email))
    in.fail("email", "must be an email address");
  user.name = in.required_text("name", 1, 200);
  user.role = in.choice("role", domain::parse_role).value_or(Role::agent);
  if (!in.root().contains("role")) in.fail("role", "is required");
  const auto password = in.required_text("password", kMinPassword, 1024);
  if (auto team = in.nullable_id("team_id")) user.team_id = *team;
  in.finish();
  auto insert_user = [user, password, now = s->clock.now_ms()](store::Tx& tx) mutable {
    user.password_hash = hash_password(password);
    return store::create_user(tx, user, now);
  };
  auto saved = co_await write(s, std::move(insert_user));
  co_return created(ctx, "/api/v1/users/" + std::to_string(saved.id), user_json(saved));
}

// Refuses a change that would leave no active admin: nobody could manage users and tokens any
// more. Runs on the writer thread, inside the change's own savepoint, so two admins demoting
// each other at once can't both pass.
void keep_an_admin(store::Tx& tx, store::Id id, const store::UserChange& change) {
  const bool demotes = change.role && *change.role != Role::admin;
  const bool deactivates = change.active && !*change.active;
  if (!demotes && !deactivates) return;
  bool target_is_admin = false;
  int other_admins = 0;
  for (const auto& u : store::list_users(tx.connection())) {
    if (!u.active || u.role != Role::admin) continue;
    if (u.id == id)
      target_is_admin = true;
    else
      ++other_admins;
  }
  if (target_is_admin && other_admins == 0)
    throw domain::Refusal(domain::errc::conflict,
                          "This is the last active admin: make another user admin first.",
                          demotes ? "role" : "active");
}

boost::asio::awaitable<http::Response> update_user(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  store::UserChange change;
  change.name = in.text("name", 1, 200);
  change.role = in.choice("role", domain::parse_role);
  change.team_id = in.nullable_id("team_id");
  change.active = in.boolean("active");
  auto password = in.text("password", kMinPassword, 1024);
  if (id == who.user_id && change.active == false)
    in.fail("active", "you cannot deactivate your own account");
  in.finish();
  auto change_user = [id, change, password, now = s->clock.now_ms()](store::Tx& tx) mutable {
    keep_an_admin(tx, id, change);
    if (password) change.password_hash = hash_password(*password);
    return store::update_user(tx, id, change, now);
  };
  auto saved = co_await write(s, std::move(change_user));
  s->credentials.forget_all();  // a role, password or activity change ends cached sessions
  co_return reply(ctx, bh::status::ok, user_json(saved));
}

boost::asio::awaitable<http::Response> deactivate_user(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  if (id == who.user_id)
    throw http::Problem(409, "conflict", "You cannot deactivate your own account.");
  store::UserChange change;
  change.active = false;
  auto deactivate = [id, change, now = s->clock.now_ms()](store::Tx& tx) {
    keep_an_admin(tx, id, change);
    return store::update_user(tx, id, change, now);
  };
  auto saved = co_await write(s, std::move(deactivate));
  s->credentials.forget_all();
  co_return reply(ctx, bh::status::ok, user_json(saved));
}

boost::asio::awaitable<http::Response> list_teams(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  auto load_teams = [](store::Connection& db) { return store::list_teams(db); };
  auto teams = co_await s->db.read(std::move(load_teams));
  co_return reply(ctx, bh::status::ok, items_json(teams, team_json));
}

boost::asio::awaitable<http::Response> create_team(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  JsonInput in(ctx.request);
  const auto name = in.required_text("name", 1, 100);
  in.finish();
  auto insert_team = [name, now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_team(tx, name, now);
  };
  auto team = co_await write(s, std::move(insert_team));
  co_return created(ctx, "/api/v1/teams/" + std::to_string(team.id), team_json(team));
}

boost::asio::awaitable<http::Response> update_team(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto name = in.text("name", 1, 100);
  const auto active = in.boolean("active");
  in.finish();
  auto change_team = [id, name, active](store::Tx& tx) {
    return store::update_team(tx, id, name, active);
  };
  auto team = co_await write(s, std::move(change_team));
  co_return reply(ctx, bh::status::ok, team_json(team));
}

boost::asio::awaitable<http::Response> deactivate_team(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  auto deactivate = [id](store::Tx& tx) { return store::update_team(tx, id, std::nullopt, false); };
  auto team = co_await write(s, std::move(deactivate));
  co_return reply(ctx, bh::status::ok, team_json(team));
}

boost::asio::awaitable<http::Response> list_customers(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  QueryInput in(ctx.url);
  const auto text = in.text("q", 200);
  const store::Id after = in.integer("cursor", 0, INT64_MAX).value_or(0);
  const int limit = static_cast<int>(in.integer("limit", 1, 200).value_or(50));
  in.finish();
  auto load_customers = [text, after, limit](store::Connection& db) {
    return store::list_customers(db, text, after, limit);
  };
  auto customers = co_await s->db.read(std::move(load_customers));
  auto body = items_json(customers, [](const auto& c) { return customer_json(c); });
  body["next_cursor"] = static_cast<int>(customers.size()) == limit
                            ? json::value(std::to_string(customers.back().id))
                            : json::value(nullptr);
  co_return reply(ctx, bh::status::ok, body);
}

boost::asio::awaitable<http::Response> create_customer(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  JsonInput in(ctx.request);
  store::CustomerRecord c;
  c.email = in.required_text("email", 3, 254);
  if (!c.email.empty() && !looks_like_email(c.email)) in.fail("email", "must be an email address");
  c.name = in.text("name", 0, 200).value_or("");
  c.organization = in.text("organization", 0, 200).value_or("");
  in.finish();
  auto insert_customer = [c, now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_customer(tx, c, now);
  };
  auto saved = co_await write(s, std::move(insert_customer));
  co_return created(ctx, "/api/v1/customers/" + std::to_string(saved.id), customer_json(saved));
}

boost::asio::awaitable<http::Response> get_customer(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  struct Found {
    std::optional<store::CustomerRecord> customer;
    std::vector<store::TicketRecord> tickets;
    std::optional<store::Bouncing> bouncing;
  };
  auto load_customer = [id](store::Connection& db) {
    Found f{store::find_customer(db, id), {}, {}};
    if (!f.customer) return f;
    store::TicketQuery q;
    q.customer_id = id;
    q.limit = 200;
    f.tickets = store::list_tickets(db, q);
    f.bouncing = store::customer_bouncing(db, id);
    return f;
  };
  auto found = co_await s->db.read(std::move(load_customer));
  if (!found.customer) throw not_found("Customer", id);
  auto body = customer_json(*found.customer);
  json::array tickets;
  const auto now = s->clock.now_ms();
  for (const auto& t : found.tickets) tickets.push_back(ticket_json(t, now, *s->policy.calendar));
  body["tickets"] = std::move(tickets);
  body["bouncing"] = bouncing_json(found.bouncing);
  co_return reply(ctx, bh::status::ok, body);
}

boost::asio::awaitable<http::Response> update_customer(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  store::CustomerChange change;
  change.name = in.text("name", 0, 200);
  change.organization = in.text("organization", 0, 200);
  change.surveys_opt_out = in.boolean("surveys_opt_out");
  in.finish();
  auto change_customer = [id, change, now = s->clock.now_ms()](store::Tx& tx) {
    return store::update_customer(tx, id, change, now);
  };
  auto saved = co_await write(s, std::move(change_customer));
  co_return reply(ctx, bh::status::ok, customer_json(saved));
}

}  // namespace

void add_people_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/users", services, list_users);
  route(router, bh::verb::post, "/api/v1/users", services, create_user);
  route(router, bh::verb::patch, "/api/v1/users/{id}", services, update_user);
  route(router, bh::verb::delete_, "/api/v1/users/{id}", services, deactivate_user);
  route(router, bh::verb::get, "/api/v1/teams", services, list_teams);
  route(router, bh::verb::post, "/api/v1/teams", services, create_team);
  route(router, bh::verb::patch, "/api/v1/teams/{id}", services, update_team);
  route(router, bh::verb::delete_, "/api/v1/teams/{id}", services, deactivate_team);
  route(router, bh::verb::get, "/api/v1/customers", services, list_customers);
  route(router, bh::verb::post, "/api/v1/customers", services, create_customer);
  route(router, bh::verb::get, "/api/v1/customers/{id}", services, get_customer);
  route(router, bh::verb::patch, "/api/v1/customers/{id}", services, update_customer);
}

}  // namespace hd::api
