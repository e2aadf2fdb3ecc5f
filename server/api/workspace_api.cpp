// What the agents' app needs beside tickets: the side bar's view counts, personal saved views,
// canned responses, presence on a ticket, bulk changes and a customer's past satisfaction.
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <cmath>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/live_events.hpp"
#include "api/routes.hpp"
#include "api/ticket_query.hpp"
#include "domain/refusal.hpp"
#include "store/people.hpp"
#include "store/tickets.hpp"
#include "store/workspace.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Role;

constexpr domain::Millis kRecentlyMs = 24LL * 3'600'000;
constexpr std::size_t kMaxBulk = 100;

json::value optional_text(const auto& value) {
  return value ? json::value(domain::to_string(*value)) : json::value(nullptr);
}

http::Response no_content(const http::Context& ctx) {
  http::Response res{bh::status::no_content, ctx.request.version()};
  res.keep_alive(ctx.request.keep_alive());
  return res;
}

// ---- view counts ------------------------------------------------------------------------

boost::asio::awaitable<http::Response> view_counts(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  if (!boost::urls::url_view(ctx.url).params().empty())
    throw http::Problem(400, "invalid_query", "This resource takes no query parameters.");
  const auto now = s->clock.now_ms();
  const auto since = now - kRecentlyMs;
  auto count = [user = who.user_id, since](store::Connection& db) {
    const auto user_record = store::find_user(db, user);
    const auto team = user_record ? user_record->team_id : std::nullopt;
    return std::pair{store::count_views(db, user, team, since), team};
  };
  const auto [counts, team] = co_await s->db.read(std::move(count));
  auto view = [](std::string_view key, std::string_view label, std::int64_t n, json::value query) {
    return json::object{{"key", key}, {"label", label}, {"count", n}, {"query", std::move(query)}};
  };
  const json::value team_query =
      team ? json::value("team=" + std::to_string(*team) + "&status=open,pending")
           : json::value(nullptr);
  // The time in the query is URL-encoded: '+' and ':' are not safe in every decoder.
  std::string since_text = format_time(since);
  std::string encoded;
  for (char c : since_text) encoded += c == ':' ? std::string("%3A") : std::string(1, c);
  json::array views{
      view("mine_open", "Mine, open", counts.mine_open, "assignee=me&status=open,pending"),
      view("unassigned", "Unassigned", counts.unassigned, "assignee=none&status=open,pending"),
      view("my_team", "My team", counts.my_team, team_query),
      view("pending", "Pending", counts.pending, "status=pending"),
      view("all_open", "All open", counts.all_open, "status=open"),
      view("recently_updated", "Recently updated", counts.recently_updated,
           json::value("updated_after=" + encoded + "&sort=-updated_at")),
  };
  co_return reply(ctx, bh::status::ok, {{"views", std::move(views)}, {"at", format_time(now)}});
}

// ---- saved views ------------------------------------------------------------------------

json::object saved_view_json(const store::SavedView& v) {
  return {{"id", v.id},
          {"name", v.name},
          {"query", v.query},
          {"created_at", format_time(v.created_at)},
          {"updated_at", format_time(v.updated_at)}};
}

// A saved view's query must be one GET /tickets accepts, without paging.
void check_view_query(JsonInput& in, const std::string& query, store::Id caller) {
  if (query.empty()) return;  // no filters: every ticket
  http::Context probe;
  const std::string target = "/?" + query;  // outlives the view parsed from it
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    in.fail("query", "is not a valid query string");
    return;
  }
  probe.url = *parsed;
  for (const auto& p : probe.url.params())
    if (p.key == "cursor" || p.key == "limit") {
      in.fail("query", "must not contain '" + std::string(p.key) + "' (paging is the app's)");
      return;
    }
  try {
    parse_ticket_query(probe, caller);
  } catch (const http::Problem& problem) {
    in.fail("query", problem.detail);
  }
}

boost::asio::awaitable<http::Response> list_views(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto load = [user = who.user_id](store::Connection& db) {
    return store::list_saved_views(db, user);
  };
  json::array items;
  for (const auto& v : co_await s->db.read(std::move(load))) items.push_back(saved_view_json(v));
  co_return reply(ctx, bh::status::ok, {{"items", std::move(items)}});
}

boost::asio::awaitable<http::Response> create_view(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  JsonInput in(ctx.request);
  const auto name = in.required_text("name", 1, 100);
  const auto query = in.required_text("query", 0, 2000);
  if (in.root().contains("query")) check_view_query(in, query, who.user_id);
  in.finish();
  auto insert = [user = who.user_id, name, query, now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_saved_view(tx, user, name, query, now);
  };
  const auto view = co_await write(s, std::move(insert));
  co_return created(ctx, "/api/v1/saved-views/" + std::to_string(view.id), saved_view_json(view));
}

boost::asio::awaitable<http::Response> update_view(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto name = in.text("name", 1, 100);
  const auto query = in.text("query", 0, 2000);
  if (query) check_view_query(in, *query, who.user_id);
  in.finish();
  auto change = [user = who.user_id, id, name, query, now = s->clock.now_ms()](store::Tx& tx) {
    return store::update_saved_view(tx, user, id, name, query, now);
  };
  co_return reply(ctx, bh::status::ok, saved_view_json(co_await write(s, std::move(change))));
}

boost::asio::awaitable<http::Response> delete_view(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto remove = [user = who.user_id, id](store::Tx& tx) {
    store::delete_saved_view(tx, user, id);
    return true;
  };
  co_await write(s, std::move(remove));
  co_return no_content(ctx);
}

// ---- canned responses -------------------------------------------------------------------

json::object canned_json(const store::CannedResponse& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"body", c.body},
          {"status", optional_text(c.status)},
          {"priority", optional_text(c.priority)},
          {"add_tags", json::array(c.add_tags.begin(), c.add_tags.end())},
          {"created_at", format_time(c.created_at)},
          {"updated_at", format_time(c.updated_at)}};
}

// Reads the fields of a canned response; `creating` makes title and body required.
store::CannedChange parse_canned(JsonInput& in, bool creating) {
  store::CannedChange change;
  if (creating) {
    change.title = in.required_text("title", 1, 100);
    change.body = in.required_text("body", 1, 20'000);
  } else {
    change.title = in.text("title", 1, 100);
    change.body = in.text("body", 1, 20'000);
  }
  const auto* status = in.root().if_contains("status");
  if (auto parsed = in.choice("status", domain::parse_status))
    change.status = parsed;
  else if (status && status->is_null())
    change.status = std::optional<domain::Status>{};
  const auto* priority = in.root().if_contains("priority");
  if (auto parsed = in.choice("priority", domain::parse_priority))
    change.priority = parsed;
  else if (priority && priority->is_null())
    change.priority = std::optional<domain::Priority>{};
  change.add_tags = in.tags("add_tags");
  return change;
}

boost::asio::awaitable<http::Response> list_canned(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  auto load = [](store::Connection& db) { return store::list_canned_responses(db); };
  json::array items;
  for (const auto& c : co_await s->db.read(std::move(load))) items.push_back(canned_json(c));
  co_return reply(ctx, bh::status::ok, {{"items", std::move(items)}});
}

boost::asio::awaitable<http::Response> create_canned(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  JsonInput in(ctx.request);
  const auto change = parse_canned(in, true);
  in.finish();
  store::CannedResponse canned;
  canned.title = *change.title;
  canned.body = *change.body;
  if (change.status) canned.status = *change.status;
  if (change.priority) canned.priority = *change.priority;
  if (change.add_tags) canned.add_tags = *change.add_tags;
  auto insert = [canned, now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_canned_response(tx, canned, now);
  };
  const auto saved = co_await write(s, std::move(insert));
  co_return created(ctx, "/api/v1/canned-responses/" + std::to_string(saved.id),
                    canned_json(saved));
}

boost::asio::awaitable<http::Response> update_canned(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto change = parse_canned(in, false);
  in.finish();
  auto save = [id, change, now = s->clock.now_ms()](store::Tx& tx) {
    return store::update_canned_response(tx, id, change, now);
  };
  co_return reply(ctx, bh::status::ok, canned_json(co_await write(s, std::move(save))));
}

boost::asio::awaitable<http::Response> delete_canned(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  auto remove = [id](store::Tx& tx) {
    store::delete_canned_response(tx, id);
    return true;
  };
  co_await write(s, std::move(remove));
  co_return no_content(ctx);
}

// ---- presence ---------------------------------------------------------------------------

// The ticket must exist; the caller's name is shown to the others.
boost::asio::awaitable<std::string> viewer_name(Services* s, store::Id ticket_id,
                                                store::Id user_id) {
  auto load = [ticket_id, user_id](store::Connection& db) {
    const bool exists = store::find_ticket(db, ticket_id).has_value();
    const auto user = store::find_user(db, user_id);
    return std::pair{exists, user ? user->name : std::string()};
  };
  const auto [exists, name] = co_await s->db.read(std::move(load));
  if (!exists) throw not_found("Ticket", ticket_id);
  co_return name;
}

LiveEvents& live_of(Services* s) {
  if (!s->live) throw http::Problem(503, "unavailable", "Presence is not available here.");
  return *s->live;
}

boost::asio::awaitable<http::Response> presence_beat(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const bool replying = in.boolean("replying").value_or(false);
  in.finish();
  auto& live = live_of(s);
  const auto name = co_await viewer_name(s, id, who.user_id);
  if (live.presence().beat(id, who.user_id, name, replying, s->clock.now_ms()))
    live.publish_presence(id);
  co_return reply(ctx, bh::status::ok, presence_json(id, live.presence().viewers(id)));
}

boost::asio::awaitable<http::Response> presence_get(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto& live = live_of(s);
  co_await viewer_name(s, id, 0);
  co_return reply(ctx, bh::status::ok, presence_json(id, live.presence().viewers(id)));
}

boost::asio::awaitable<http::Response> presence_leave(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto& live = live_of(s);
  if (live.presence().leave(id, who.user_id)) live.publish_presence(id);
  co_return no_content(ctx);
}

// ---- bulk changes -----------------------------------------------------------------------

struct BulkChange {
  std::optional<std::optional<store::Id>> assignee_id, team_id;
  std::optional<domain::Status> status;
  std::optional<domain::Priority> priority;
  std::vector<std::string> add_tags, remove_tags;
};

// One ticket's share of a bulk change, in its own savepoint: field changes, then the move.
store::TicketRecord apply_bulk(store::Tx& tx, store::Id id, const BulkChange& change,
                               const store::Actor& actor, domain::Millis now,
                               const store::TicketPolicy& policy) {
  auto current = store::find_ticket(tx.connection(), id);
  if (!current)
    throw domain::Refusal(domain::errc::not_found,
                          "Ticket " + std::to_string(id) + " does not exist.");
  store::TicketRecord t = std::move(*current);
  store::TicketPatch patch;
  bool changes = false;
  if (change.assignee_id && *change.assignee_id != t.assignee_id) {
    patch.assignee_id = change.assignee_id;
    changes = true;
  }
  if (change.team_id && *change.team_id != t.team_id) {
    patch.team_id = change.team_id;
    changes = true;
  }
  if (change.priority && *change.priority != t.priority) {
    patch.priority = change.priority;
    changes = true;
  }
  if (!change.add_tags.empty() || !change.remove_tags.empty()) {
    std::vector<std::string> tags = t.tags;
    for (const auto& tag : change.add_tags)
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    std::erase_if(tags, [&](const std::string& tag) {
      return std::find(change.remove_tags.begin(), change.remove_tags.end(), tag) !=
             change.remove_tags.end();
    });
    std::sort(tags.begin(), tags.end());
    if (tags != t.tags) {
      patch.tags = std::move(tags);
      changes = true;
    }
  }
  if (changes) t = store::update_ticket(tx, id, t.version, patch, actor, now);
  if (change.status && *change.status != t.life.status)
    t = store::change_status(tx, id, *change.status, "", actor, now, policy);
  return t;
}

boost::asio::awaitable<http::Response> bulk_change(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  JsonInput in(ctx.request);
  const auto ids = in.ids("ids", 1, kMaxBulk);
  if (!in.root().contains("ids")) in.fail("ids", "is required: the tickets to change");
  BulkChange change;
  change.assignee_id = in.nullable_id("assignee_id");
  change.team_id = in.nullable_id("team_id");
  change.status = in.choice("status", domain::parse_status);
  change.priority = in.choice("priority", domain::parse_priority);
  change.add_tags = in.tags("add_tags").value_or(std::vector<std::string>{});
  change.remove_tags = in.tags("remove_tags").value_or(std::vector<std::string>{});
  if (!change.assignee_id && !change.team_id && !change.status && !change.priority &&
      change.add_tags.empty() && change.remove_tags.empty())
    in.fail("changes",
            "give at least one change: assignee_id, team_id, status, priority, "
            "add_tags or remove_tags");
  in.finish();

  json::array results;
  int succeeded = 0, failed = 0;
  const auto now = s->clock.now_ms();
  for (const auto id : *ids) {
    auto work = [id, change, actor = who.actor(), now, policy = s->policy](store::Tx& tx) {
      return apply_bulk(tx, id, change, actor, now, policy);
    };
    try {
      const auto ticket = co_await write(s, std::move(work));
      results.push_back(json::object{
          {"id", id}, {"ok", true}, {"ticket", ticket_json(ticket, now, *s->policy.calendar)}});
      ++succeeded;
    } catch (const http::Problem& p) {
      json::object failure{
          {"id", id}, {"ok", false}, {"status", p.status}, {"code", p.code}, {"detail", p.detail}};
      if (const auto* allowed = p.extra.if_contains("allowed")) failure["allowed"] = *allowed;
      results.push_back(std::move(failure));
      ++failed;
    }
  }
  co_return reply(ctx, bh::status::ok,
                  {{"results", std::move(results)}, {"succeeded", succeeded}, {"failed", failed}});
}

// ---- customer panel ---------------------------------------------------------------------

boost::asio::awaitable<http::Response> customer_satisfaction(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  auto load = [id](store::Connection& db) {
    std::optional<store::CustomerSatisfaction> result;
    if (store::find_customer(db, id)) result = store::customer_satisfaction(db, id);
    return result;
  };
  const auto found = co_await s->db.read(std::move(load));
  if (!found) throw not_found("Customer", id);
  json::array items;
  for (const auto& a : found->items)
    items.push_back(json::object{{"ticket_id", a.ticket_id},
                                 {"subject", a.subject},
                                 {"csat", a.csat},
                                 {"resolved", a.resolved},
                                 {"comment", a.comment},
                                 {"answered_at", format_time(a.answered_at)}});
  json::value average = nullptr;
  if (found->average_csat) average = std::round(*found->average_csat * 100) / 100;
  co_return reply(ctx, bh::status::ok,
                  {{"customer_id", id},
                   {"answered", found->answered},
                   {"average_csat", average},
                   {"unresolved", found->unresolved},
                   {"items", std::move(items)}});
}

}  // namespace

void add_workspace_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/views/counts", services, view_counts);
  route(router, bh::verb::get, "/api/v1/saved-views", services, list_views);
  route(router, bh::verb::post, "/api/v1/saved-views", services, create_view);
  route(router, bh::verb::patch, "/api/v1/saved-views/{id}", services, update_view);
  route(router, bh::verb::delete_, "/api/v1/saved-views/{id}", services, delete_view);
  route(router, bh::verb::get, "/api/v1/canned-responses", services, list_canned);
  route(router, bh::verb::post, "/api/v1/canned-responses", services, create_canned);
  route(router, bh::verb::patch, "/api/v1/canned-responses/{id}", services, update_canned);
  route(router, bh::verb::delete_, "/api/v1/canned-responses/{id}", services, delete_canned);
  route(router, bh::verb::post, "/api/v1/tickets/bulk", services, bulk_change);
  route(router, bh::verb::get, "/api/v1/tickets/{id}/presence", services, presence_get);
  route(router, bh::verb::post, "/api/v1/tickets/{id}/presence", services, presence_beat);
  route(router, bh::verb::delete_, "/api/v1/tickets/{id}/presence", services, presence_leave);
  route(router, bh::verb::get, "/api/v1/customers/{id}/satisfaction", services,
        customer_satisfaction);
}

}  // namespace hd::api
