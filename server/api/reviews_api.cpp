// The review queue (supervisors and admins): every bad survey answer and every reopen, tagged
// with a root cause from an editable list, the action taken noted, and marked reviewed; and
// the root causes' counts and trend.
#include <map>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "api/time_format.hpp"
#include "domain/kpi_intervals.hpp"
#include "store/reviews.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
namespace reviews = store::reviews;
using domain::Millis;
using domain::Role;

constexpr std::size_t kMaxActionText = 5000;
constexpr std::size_t kMaxCauseName = 80;
constexpr std::size_t kMaxIntervals = 1000;
constexpr Millis kMaxRange = 3700LL * 24 * 3600 * 1000;  // about ten years, as the KPI reports

json::value person(const std::optional<store::Id>& id, const std::string& name) {
  if (!id) return nullptr;
  return json::object{{"id", *id}, {"name", name}};
}

template <class T>
json::value optional_value(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object item_json(const reviews::ItemRecord& r) {
  json::value score = nullptr;
  if (r.csat || r.resolved)
    score = json::object{{"csat", optional_value(r.csat)},
                         {"resolved", optional_value(r.resolved)},
                         {"nps", optional_value(r.nps)},
                         {"ces", optional_value(r.ces)}};
  return {{"id", r.id},
          {"ticket", {{"id", r.ticket_id}, {"subject", r.subject}}},
          {"episode", r.episode},
          {"reason", reviews::to_string(r.reason)},
          {"survey_id", optional_value(r.survey_id)},
          {"customer", customer_json(r.customer)},
          {"agent", person(r.agent_id, r.agent_name)},
          {"score", std::move(score)},
          {"comment", optional_value(r.comment)},
          {"created_at", format_time(r.created_at)},
          {"updated_at", format_time(r.updated_at)},
          {"state", r.reviewed ? "reviewed" : "open"},
          {"cause", person(r.cause_id, r.cause_name)},
          {"action_taken", r.action_taken},
          {"reviewed_by", person(r.reviewed_by, r.reviewed_by_name)},
          {"reviewed_at", r.reviewed_at ? json::value(format_time(*r.reviewed_at)) : nullptr}};
}

json::object cause_json(const reviews::CauseRecord& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"items", c.items},
          {"created_at", format_time(c.created_at)},
          {"updated_at", format_time(c.updated_at)}};
}

std::optional<bool> parse_state(std::string_view v) {
  if (v == "open") return false;
  if (v == "reviewed") return true;
  return std::nullopt;
}

boost::asio::awaitable<http::Response> list_reviews(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  QueryInput in(ctx.url);
  reviews::ItemQuery q;
  q.reviewed = in.choice("state", parse_state, "open, reviewed");
  q.cause_id = in.integer("cause", 1, INT64_MAX);
  q.limit = static_cast<int>(in.integer("limit", 1, 200).value_or(50));
  q.after = in.integer("after", 1, INT64_MAX);
  in.finish();
  auto load = [q](store::Connection& db) { return reviews::list_items(db, q); };
  const auto items = co_await s->db.read(std::move(load));
  json::array out;
  for (const auto& r : items) out.push_back(item_json(r));
  const bool more = static_cast<int>(items.size()) == q.limit;
  co_return reply(ctx, bh::status::ok,
                  {{"items", std::move(out)},
                   {"next_after", more ? json::value(items.back().id) : json::value(nullptr)}});
}

boost::asio::awaitable<http::Response> get_review(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  auto find = [id](store::Connection& db) { return reviews::find_item(db, id); };
  const auto found = co_await read_found(s, std::move(find), "Review item", id);
  co_return reply(ctx, bh::status::ok, item_json(found));
}

boost::asio::awaitable<http::Response> update_review(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  reviews::ItemChange change;
  change.cause_id = in.nullable_id("cause_id");
  change.action_taken = in.text("action_taken", 0, kMaxActionText);
  change.reviewed = in.choice("state", parse_state);
  if (!change.cause_id && !change.action_taken && !change.reviewed && in.root().empty())
    in.fail("state", "give at least one of cause_id, action_taken, state");
  in.finish();
  auto apply = [id, change, by = who.user_id, now = s->clock.now_ms()](store::Tx& tx) {
    return reviews::update_item(tx, id, change, by, now);
  };
  const auto saved = co_await write(s, std::move(apply));
  co_return reply(ctx, bh::status::ok, item_json(saved));
}

boost::asio::awaitable<http::Response> list_causes(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  QueryInput in(ctx.url);
  in.finish();
  auto load = [](store::Connection& db) { return reviews::list_causes(db); };
  const auto causes = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(causes, cause_json));
}

boost::asio::awaitable<http::Response> create_cause(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  JsonInput in(ctx.request);
  const auto name = in.required_text("name", 1, kMaxCauseName);
  in.finish();
  auto insert = [name, now = s->clock.now_ms()](store::Tx& tx) {
    return reviews::create_cause(tx, name, now);
  };
  const auto saved = co_await write(s, std::move(insert));
  co_return created(ctx, "/api/v1/review-causes/" + std::to_string(saved.id), cause_json(saved));
}

boost::asio::awaitable<http::Response> rename_cause(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto name = in.required_text("name", 1, kMaxCauseName);
  in.finish();
  auto rename = [id, name, now = s->clock.now_ms()](store::Tx& tx) {
    return reviews::rename_cause(tx, id, name, now);
  };
  const auto saved = co_await write(s, std::move(rename));
  co_return reply(ctx, bh::status::ok, cause_json(saved));
}

boost::asio::awaitable<http::Response> delete_cause(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  auto remove = [id](store::Tx& tx) {
    reviews::delete_cause(tx, id);
    return true;
  };
  co_await write(s, std::move(remove));
  http::Response res{bh::status::no_content, ctx.request.version()};
  res.keep_alive(ctx.request.keep_alive());
  co_return res;
}

struct CauseStats {
  std::vector<reviews::CauseRecord> causes;
  std::vector<reviews::CauseFact> facts;
};

boost::asio::awaitable<http::Response> cause_stats(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  QueryInput in(ctx.url);
  const auto from = in.time("from");
  const auto to = in.time("to");
  const auto interval = in.choice("interval", domain::kpi::parse_interval, "day, week, month");
  const auto tz = in.text("tz", 64).value_or("UTC");
  const auto* zone = domain::kpi::find_time_zone(tz);
  if (!zone) in.fail("tz", "must be an IANA time zone such as Europe/Berlin or UTC");
  if (!from) in.fail("from", "is required (an RFC 3339 time)");
  if (!to) in.fail("to", "is required (an RFC 3339 time)");
  if (from && to && *to <= *from) in.fail("to", "must be later than from");
  if (from && to && *to - *from > kMaxRange)
    in.fail("to", "must be at most about ten years after from");
  const auto every = interval.value_or(domain::kpi::Interval::week);
  std::vector<Millis> bounds;
  if (from && to && *to > *from && zone) {
    bounds = domain::kpi::interval_bounds(*from, *to, every, zone);
    if (bounds.size() - 1 > kMaxIntervals)
      in.fail("interval", "gives more than 1000 intervals for this period: choose a longer one");
  }
  in.finish();
  auto load = [f = *from, t = *to](store::Connection& db) {
    return CauseStats{reviews::list_causes(db), reviews::cause_facts(db, f, t)};
  };
  const auto data = co_await s->db.read(std::move(load));
  // cause (nothing: not tagged yet) -> counts per interval
  std::map<std::optional<store::Id>, std::vector<std::int64_t>> counts;
  const std::size_t n = bounds.size() - 1;
  for (const auto& c : data.causes) counts[c.id].assign(n, 0);
  counts[std::nullopt].assign(n, 0);
  for (const auto& f : data.facts) {
    auto& row = counts[f.cause_id];
    if (row.empty()) row.assign(n, 0);
    ++row[domain::kpi::interval_index(bounds, f.created_at)];
  }
  auto row_json = [&](json::value cause, const std::vector<std::int64_t>& row) {
    json::array series;
    std::int64_t total = 0;
    for (std::size_t k = 0; k < n; ++k) {
      total += row[k];
      series.push_back(json::object{{"start", format_time(bounds[k])},
                                    {"end", format_time(bounds[k + 1])},
                                    {"count", row[k]}});
    }
    return json::object{
        {"cause", std::move(cause)}, {"count", total}, {"series", std::move(series)}};
  };
  json::array rows;
  for (const auto& c : data.causes)
    rows.push_back(row_json(json::object{{"id", c.id}, {"name", c.name}}, counts[c.id]));
  rows.push_back(row_json(nullptr, counts[std::nullopt]));
  co_return reply(ctx, bh::status::ok,
                  {{"from", format_time(*from)},
                   {"to", format_time(*to)},
                   {"tz", tz},
                   {"interval", every == domain::kpi::Interval::day    ? "day"
                                : every == domain::kpi::Interval::week ? "week"
                                                                       : "month"},
                   {"total", static_cast<std::int64_t>(data.facts.size())},
                   {"causes", std::move(rows)}});
}

}  // namespace

void add_review_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/reviews", services, list_reviews);
  route(router, bh::verb::get, "/api/v1/reviews/causes/stats", services, cause_stats);
  route(router, bh::verb::get, "/api/v1/reviews/{id}", services, get_review);
  route(router, bh::verb::patch, "/api/v1/reviews/{id}", services, update_review);
  route(router, bh::verb::get, "/api/v1/review-causes", services, list_causes);
  route(router, bh::verb::post, "/api/v1/review-causes", services, create_cause);
  route(router, bh::verb::patch, "/api/v1/review-causes/{id}", services, rename_cause);
  route(router, bh::verb::delete_, "/api/v1/review-causes/{id}", services, delete_cause);
}

}  // namespace hd::api
