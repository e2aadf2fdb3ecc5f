// Recognition: per agent CSAT %, FRT median and one-touch rate with their n and intervals,
// from the KPI engine, ranked only where the intervals allow (supervisors see everyone, an
// agent their own line); and kudos a supervisor sends, which the agent sees (live, too).
#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/live_events.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "api/time_format.hpp"
#include "domain/kpi_report.hpp"
#include "domain/recognition.hpp"
#include "http/event_stream.hpp"
#include "store/kpi_reports.hpp"
#include "store/kudos.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
namespace kpi = domain::kpi;
namespace recognition = domain::recognition;
using domain::Millis;
using domain::Role;

constexpr Millis kDay = 24LL * 3600 * 1000;
constexpr Millis kMaxRange = 3700LL * kDay;  // about ten years, as the KPI reports
constexpr std::size_t kMaxKudosText = 2000;

json::value ci_json(const std::optional<std::pair<double, double>>& ci) {
  return ci ? json::value(json::array{ci->first, ci->second}) : json::value(nullptr);
}

json::value opt(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object proportion_json(const kpi::Proportion& p) {
  return {{"value", opt(p.percent)},
          {"n", p.n},
          {"ci", ci_json(p.ci)},
          {"low_confidence", p.n < kpi::kLowConfidenceBelow}};
}

json::object median_json(const kpi::Distribution& d) {
  return {{"median",
           d.median ? json::value(static_cast<double>(*d.median) / 1000.0) : json::value(nullptr)},
          {"n", d.n},
          {"low_confidence", d.n < kpi::kLowConfidenceBelow}};
}

struct AgentFigures {
  store::Id agent_id = 0;
  std::string name;
  kpi::Figures figures;
};

std::vector<AgentFigures> load_agents(store::Connection& db, store::kpi::FactCache& cache,
                                      Millis from, Millis to) {
  const std::vector<Millis> bounds{from, to};
  kpi::ReportBuilder builder(bounds, kpi::GroupBy::agent, false);
  // Only what the figures below count: CSAT, first response and one-touch (first resolutions).
  constexpr std::array kShown{kpi::Metric::first_response, kpi::Metric::first_resolution,
                              kpi::Metric::survey_answer};
  store::kpi::feed_report(db, cache, bounds, {}, builder, kShown);
  std::vector<AgentFigures> out;
  for (auto& g : builder.finish()) {
    if (!g.key) continue;  // figures credited to nobody (system moves, imports without agents)
    out.push_back({*g.key, store::kpi::user_name(db, *g.key), std::move(g.total)});
  }
  return out;
}

boost::asio::awaitable<http::Response> get_recognition(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  QueryInput in(ctx.url);
  const Millis now = s->clock.now_ms();
  const auto to = in.time("to").value_or(now);
  const auto from = in.time("from").value_or(to - 30 * kDay);
  if (to <= from) in.fail("to", "must be later than from");
  if (to - from > kMaxRange) in.fail("to", "must be at most about ten years after from");
  in.finish();
  auto load = [&cache = s->db.kpi_fact_cache(), from, to](store::Connection& db) {
    return load_agents(db, cache, from, to);
  };
  const auto agents = co_await s->db.read_report(std::move(load));
  std::vector<recognition::Rated> rated;
  for (const auto& a : agents)
    rated.push_back({a.figures.csat.n, a.figures.csat.percent, a.figures.csat.ci});
  const auto groups = recognition::rank_groups(rated);
  // Ranked agents by group, then CSAT; the unranked after them by name. Never by volume.
  std::vector<std::size_t> order(agents.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (groups[a].has_value() != groups[b].has_value()) return groups[a].has_value();
    if (groups[a] && *groups[a] != *groups[b]) return *groups[a] < *groups[b];
    if (groups[a] && agents[a].figures.csat.percent != agents[b].figures.csat.percent)
      return agents[a].figures.csat.percent > agents[b].figures.csat.percent;
    return agents[a].name < agents[b].name;
  });
  const bool everyone = who.role != Role::agent;
  json::array items;
  for (const auto i : order) {
    const auto& a = agents[i];
    if (!everyone && a.agent_id != who.user_id) continue;
    items.push_back(
        json::object{{"agent", {{"id", a.agent_id}, {"name", a.name}}},
                     {"csat", proportion_json(a.figures.csat)},
                     {"first_response",
                      {{"calendar", median_json(a.figures.first_response)},
                       {"business", median_json(a.figures.first_response_business)}}},
                     {"one_touch_rate", proportion_json(a.figures.one_touch_rate)},
                     {"rank_group", groups[i] ? json::value(*groups[i]) : json::value(nullptr)}});
  }
  co_return reply(ctx, bh::status::ok,
                  {{"from", format_time(from)},
                   {"to", format_time(to)},
                   {"min_n_to_rank", recognition::kMinAnswersToRank},
                   {"items", std::move(items)}});
}

json::object kudos_json(const store::kudos::KudosRecord& k) {
  return {{"id", k.id},
          {"agent", {{"id", k.agent_id}, {"name", k.agent_name}}},
          {"from", {{"id", k.from_user_id}, {"name", k.from_name}}},
          {"ticket_id", k.ticket_id ? json::value(*k.ticket_id) : json::value(nullptr)},
          {"message", k.message},
          {"created_at", format_time(k.created_at)}};
}

boost::asio::awaitable<http::Response> give_kudos(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::supervisor);
  JsonInput in(ctx.request);
  const auto agent = in.nullable_id("agent_id");
  if (!agent || !*agent) in.fail("agent_id", "is required: the id of the agent to thank");
  const auto message = in.required_text("message", 1, kMaxKudosText);
  const auto ticket = in.nullable_id("ticket_id");
  in.finish();
  auto insert = [agent_id = **agent, ticket_id = ticket.value_or(std::nullopt), message,
                 from = who.user_id, now = s->clock.now_ms()](store::Tx& tx) {
    return store::kudos::give(tx, agent_id, from, ticket_id, message, now);
  };
  const auto saved = co_await write(s, std::move(insert));
  const auto body = kudos_json(saved);
  // Live, to the agent's own streams only; no event id: the kudos list is the durable record.
  if (s->live)
    s->live->broadcaster().publish(0, http::sse_frame(0, "kudos", json::serialize(body)),
                                   static_cast<std::uint64_t>(saved.agent_id));
  co_return created(ctx, "/api/v1/kudos?agent=" + std::to_string(saved.agent_id), body);
}

boost::asio::awaitable<http::Response> list_kudos(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  QueryInput in(ctx.url);
  const auto agent_text = in.text("agent", 20);
  const int limit = static_cast<int>(in.integer("limit", 1, 200).value_or(50));
  const auto before = in.integer("before", 1, INT64_MAX);
  std::optional<store::Id> agent;
  if (agent_text == "me") {
    agent = who.user_id;
  } else if (agent_text) {
    agent = QueryInput::parse_integer(*agent_text, 1, INT64_MAX);
    if (!agent) in.fail("agent", "must be me or a user id");
  }
  in.finish();
  if (who.role == Role::agent) {
    if (agent && *agent != who.user_id)
      throw http::Problem(403, "forbidden", "Agents see only their own kudos: use agent=me.");
    agent = who.user_id;
  }
  auto load = [agent, limit, before](store::Connection& db) {
    return store::kudos::list(db, agent, limit, before);
  };
  const auto items = co_await s->db.read(std::move(load));
  json::array out;
  for (const auto& k : items) out.push_back(kudos_json(k));
  const bool more = static_cast<int>(items.size()) == limit;
  co_return reply(ctx, bh::status::ok,
                  {{"items", std::move(out)},
                   {"next_before", more ? json::value(items.back().id) : json::value(nullptr)}});
}

}  // namespace

void add_recognition_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/recognition", services, get_recognition);
  route(router, bh::verb::get, "/api/v1/kudos", services, list_kudos);
  route(router, bh::verb::post, "/api/v1/kudos", services, give_kudos);
}

}  // namespace hd::api
