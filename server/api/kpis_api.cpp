// KPI reports (KPIS.md), their drill-down to tickets, an agent's own figures, and targets.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

#include "api/auth.hpp"
#include "api/csv_writer.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/json_writer.hpp"
#include "api/kpis_csv.hpp"
#include "api/routes.hpp"
#include "domain/kpi_intervals.hpp"
#include "domain/kpi_report.hpp"
#include "store/kpi_reports.hpp"
#include "store/kpi_targets.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
namespace kpi = domain::kpi;
using domain::Millis;
using domain::Role;

constexpr std::size_t kMaxIntervals = 1000;
constexpr Millis kMaxRange = 3700LL * 24 * 3600 * 1000;  // about ten years

[[noreturn]] void bad_query(const std::string& name, const std::string& what) {
  throw http::Problem(400, "invalid_query", "Query parameter '" + name + "' " + what + ".",
                      {{"errors", json::array{json::object{{"field", name}, {"message", what}}}}});
}

std::int64_t query_int(const std::string& name, std::string_view text, std::int64_t lo,
                       std::int64_t hi) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi)
    bad_query(name,
              "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

// The figure names a target may be set for, and whether lower is better.
struct FigureName {
  const char* name;
  bool lower_is_better;
};
const std::vector<FigureName>& figure_names() {
  static const std::vector<FigureName> names = [] {
    std::vector<FigureName> n;
    static std::vector<std::string> storage;
    for (const char* d : {"first_response", "next_reply", "first_resolution", "full_resolution"})
      for (const char* f : {"calendar", "business"})
        for (const char* st : {"median", "p90", "mean"})
          storage.push_back(std::string(d) + "." + f + "." + st);
    for (const auto& s : storage) n.push_back({s.c_str(), true});
    n.push_back({"csat", false});
    n.push_back({"nps", false});
    n.push_back({"ces", false});
    n.push_back({"response_rate", false});
    n.push_back({"reopen_rate", true});
    n.push_back({"one_touch_rate", false});
    n.push_back({"sla.first_response", false});
    n.push_back({"sla.next_reply", false});
    n.push_back({"sla.resolution", false});
    return n;
  }();
  return names;
}
const FigureName* find_figure(std::string_view name) {
  for (const auto& f : figure_names())
    if (name == f.name) return &f;
  return nullptr;
}

// What one request asks for.
struct ReportQuery {
  Millis from = 0, to = 0;
  std::string tz = "UTC";
  const date::time_zone* zone = nullptr;
  std::optional<kpi::Interval> interval;
  kpi::GroupBy group_by = kpi::GroupBy::none;
  store::kpi::FactFilter filter;
  std::optional<std::string> organization_name;
  // drill-down
  std::string metric;
  std::optional<std::string> group;
  std::optional<store::kpi::FactCursor> after;
  int limit = 50;
};

std::optional<kpi::GroupBy> parse_group_by(std::string_view v) {
  if (v == "agent") return kpi::GroupBy::agent;
  if (v == "team") return kpi::GroupBy::team;
  if (v == "channel") return kpi::GroupBy::channel;
  if (v == "priority") return kpi::GroupBy::priority;
  if (v == "organization") return kpi::GroupBy::organization;
  return std::nullopt;
}

const char* group_by_name(kpi::GroupBy g) {
  switch (g) {
    case kpi::GroupBy::agent:
      return "agent";
    case kpi::GroupBy::team:
      return "team";
    case kpi::GroupBy::channel:
      return "channel";
    case kpi::GroupBy::priority:
      return "priority";
    case kpi::GroupBy::organization:
      return "organization";
    default:
      return nullptr;
  }
}

const std::vector<std::string> kDrillMetrics{"volume",
                                             "first_response",
                                             "next_reply",
                                             "first_resolution",
                                             "full_resolution",
                                             "reopen_rate",
                                             "one_touch_rate",
                                             "csat",
                                             "nps",
                                             "ces",
                                             "response_rate",
                                             "backlog",
                                             "sla_first_response",
                                             "sla_next_reply",
                                             "sla_resolution"};

ReportQuery parse_query(const http::Context& ctx, bool drill, bool own) {
  ReportQuery q;
  bool have_from = false, have_to = false;
  for (const auto& p : boost::urls::url_view(ctx.url).params()) {
    const std::string key = p.key, value = p.value;
    if (key == "from" || key == "to") {
      const auto t = parse_time(value);
      if (!t) bad_query(key, "must be an RFC 3339 time such as 2026-06-01T00:00:00Z");
      (key == "from" ? q.from : q.to) = *t;
      (key == "from" ? have_from : have_to) = true;
    } else if (key == "tz") {
      q.zone = kpi::find_time_zone(value);
      if (!q.zone) bad_query(key, "must be an IANA time zone such as Europe/Berlin or UTC");
      q.tz = value;
    } else if (key == "interval" && !drill) {
      q.interval = kpi::parse_interval(value);
      if (!q.interval) bad_query(key, "must be one of day, week, month");
    } else if (key == "group_by" && !own) {
      const auto g = parse_group_by(value);
      if (!g) bad_query(key, "must be one of agent, team, channel, priority, organization");
      q.group_by = *g;
    } else if (key == "team") {
      q.filter.team = query_int(key, value, 1, INT64_MAX);
    } else if (key == "channel") {
      const auto c = domain::parse_channel(value);
      if (!c) bad_query(key, "must be one of email, web, phone, chat, api");
      q.filter.channel = static_cast<int>(*c);
    } else if (key == "priority") {
      const auto pr = domain::parse_priority(value);
      if (!pr) bad_query(key, "must be one of low, normal, high, urgent");
      q.filter.priority = static_cast<int>(*pr);
    } else if (key == "tag") {
      if (value.empty() || value.size() > 64) bad_query(key, "must be 1 to 64 characters");
      q.filter.tag = value;
    } else if (key == "organization") {
      if (value.empty() || value.size() > 200) bad_query(key, "must be 1 to 200 characters");
      q.organization_name = value;
    } else if (drill && key == "metric") {
      if (std::find(kDrillMetrics.begin(), kDrillMetrics.end(), value) == kDrillMetrics.end())
        bad_query(key,
                  "must be one of volume, first_response, next_reply, first_resolution, "
                  "full_resolution, reopen_rate, one_touch_rate, csat, nps, ces, response_rate, "
                  "backlog, sla_first_response, sla_next_reply, sla_resolution");
      q.metric = value;
    } else if (drill && key == "group") {
      if (value.size() > 200) bad_query(key, "must be at most 200 characters");
      q.group = value;
    } else if (drill && key == "limit") {
      q.limit = static_cast<int>(query_int(key, value, 1, 500));
    } else if (drill && key == "cursor") {
      // "<metric>.<at>.<ticket>.<seq>" of the last row served; opaque to clients.
      std::vector<std::string_view> parts;
      std::string_view rest = value;
      for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos;) {
        parts.push_back(rest.substr(0, dot));
        rest.remove_prefix(dot + 1);
      }
      parts.push_back(rest);
      if (parts.size() != 4) bad_query(key, "is not a cursor this server gave out");
      q.after = store::kpi::FactCursor{
          static_cast<int>(query_int(key, parts[0], 1, 12)), query_int(key, parts[1], 0, INT64_MAX),
          query_int(key, parts[2], 1, INT64_MAX), query_int(key, parts[3], 0, INT64_MAX)};
    } else {
      bad_query(key, "is not known here");
    }
  }
  if (!have_from) bad_query("from", "is required (an RFC 3339 time)");
  if (!have_to) bad_query("to", "is required (an RFC 3339 time)");
  if (q.to <= q.from) bad_query("to", "must be later than from");
  if (q.to - q.from > kMaxRange) bad_query("to", "must be at most about ten years after from");
  if (!q.zone) q.zone = kpi::find_time_zone("UTC");
  if (drill && q.metric.empty()) bad_query("metric", "is required");
  if (drill && q.group && q.group_by == kpi::GroupBy::none)
    bad_query("group", "needs group_by to say what it names");
  if (drill && q.group && *q.group != "none") {
    q.filter.group_restricted = true;
    q.filter.group_by = q.group_by;
    if (q.group_by == kpi::GroupBy::channel) {
      const auto c = domain::parse_channel(*q.group);
      if (!c) bad_query("group", "must be a channel name or none");
      q.filter.group_value = static_cast<int>(*c);
    } else if (q.group_by == kpi::GroupBy::priority) {
      const auto pr = domain::parse_priority(*q.group);
      if (!pr) bad_query("group", "must be a priority name or none");
      q.filter.group_value = static_cast<int>(*pr);
    } else {
      q.filter.group_value = query_int("group", *q.group, 1, INT64_MAX);
    }
  } else if (drill && q.group) {
    q.filter.group_restricted = true;  // "none": the rows without a value
    q.filter.group_by = q.group_by;
  }
  return q;
}

// Seconds from milliseconds; durations are measured in milliseconds and shown in seconds.
double seconds(Millis ms) {
  return static_cast<double>(ms) / 1000.0;
}
std::optional<double> opt_seconds(const std::optional<Millis>& ms) {
  if (!ms) return std::nullopt;
  return seconds(*ms);
}

void write_interval(JsonWriter& w, const std::optional<std::pair<double, double>>& ci) {
  w.key("ci");
  if (!ci) return w.null();
  w.begin_array();
  w.real(ci->first);
  w.real(ci->second);
  w.end_array();
}

// Targets that apply to one group: a team's own where it has one, else everyone's.
struct TargetSet {
  std::vector<store::kpi::TargetRecord> all;
  std::optional<double> find(const std::string& figure, std::optional<store::Id> team) const {
    std::optional<double> general;
    for (const auto& t : all) {
      if (t.figure != figure) continue;
      if (!t.team_id) general = t.value;
      if (team && t.team_id == team) return t.value;
    }
    return general;
  }
};

bool met(double actual, double target, bool lower_is_better) {
  return lower_is_better ? actual <= target : actual >= target;
}

// The "target" and "met" members of a figure.
void write_target(JsonWriter& w, const TargetSet& targets, const std::string& figure,
                  std::optional<store::Id> team, const std::optional<double>& actual) {
  const auto target = targets.find(figure, team);
  w.real("target", target);
  w.key("met");
  if (target && actual)
    w.boolean(met(*actual, *target, find_figure(figure)->lower_is_better));
  else
    w.null();
}

void write_duration_flavour(JsonWriter& w, std::string_view flavour, const kpi::Distribution& d,
                            const TargetSet& targets, const std::string& figure,
                            std::optional<store::Id> team) {
  w.key(flavour);
  w.begin_object();
  const std::optional<double> mean =
      d.mean ? std::optional(*d.mean / 1000.0) : std::optional<double>();
  const std::pair<const char*, std::optional<double>> stats[] = {
      {"median", opt_seconds(d.median)}, {"p90", opt_seconds(d.p90)}, {"mean", mean}};
  for (const auto& [stat, actual] : stats) w.real(stat, actual);
  w.number("n", d.n);
  w.boolean("low_confidence", d.n < kpi::kLowConfidenceBelow);
  // Targets may be set on each statistic: {"median": 3600}, and whether each is met.
  struct Goal {
    const char* stat;
    double target;
    std::optional<double> actual;
  };
  std::vector<Goal> goals;
  for (const auto& [stat, actual] : stats)
    if (const auto t = targets.find(figure + "." + stat, team)) goals.push_back({stat, *t, actual});
  w.key("target");
  if (goals.empty()) {
    w.null();
  } else {
    w.begin_object();
    for (const Goal& g : goals) w.real(g.stat, g.target);
    w.end_object();
  }
  w.key("met");
  if (goals.empty()) {
    w.null();
  } else {
    w.begin_object();
    for (const Goal& g : goals) {
      w.key(g.stat);
      g.actual ? w.boolean(*g.actual <= g.target) : w.null();
    }
    w.end_object();
  }
  w.end_object();
}

void write_duration(JsonWriter& w, const std::string& name, const kpi::Distribution& calendar,
                    const kpi::Distribution& business, const TargetSet& targets,
                    std::optional<store::Id> team) {
  w.key(name);
  w.begin_object();
  write_duration_flavour(w, "calendar", calendar, targets, name + ".calendar", team);
  write_duration_flavour(w, "business", business, targets, name + ".business", team);
  w.end_object();
}

void write_proportion(JsonWriter& w, std::string_view key, const kpi::Proportion& p,
                      const TargetSet& targets, const std::string& name,
                      std::optional<store::Id> team) {
  w.key(key);
  w.begin_object();
  w.real("value", p.percent);
  w.number("n", p.n);
  w.number("hits", p.hits);
  write_interval(w, p.ci);
  w.boolean("low_confidence", p.n < kpi::kLowConfidenceBelow);
  write_target(w, targets, name, team, p.percent);
  w.end_object();
}

// One group's (or one interval's) figures, as the API documents them.
void write_figures(JsonWriter& w, const kpi::Figures& f, const TargetSet& targets,
                   std::optional<store::Id> team) {
  w.begin_object();
  write_duration(w, "first_response", f.first_response, f.first_response_business, targets, team);
  write_duration(w, "next_reply", f.next_reply, f.next_reply_business, targets, team);
  write_duration(w, "first_resolution", f.first_resolution, f.first_resolution_business, targets,
                 team);
  write_duration(w, "full_resolution", f.full_resolution, f.full_resolution_business, targets,
                 team);
  write_proportion(w, "csat", f.csat, targets, "csat", team);
  w.key("nps");
  w.begin_object();
  w.real("value", f.nps.score);
  w.number("n", f.nps.n);
  w.number("promoters", f.nps.promoters);
  w.number("detractors", f.nps.detractors);
  write_interval(w, f.nps.ci);
  w.boolean("low_confidence", f.nps.n < kpi::kLowConfidenceBelow);
  write_target(w, targets, "nps", team, f.nps.score);
  w.end_object();
  w.key("ces");
  w.begin_object();
  w.real("value", f.ces.value);
  w.number("n", f.ces.n);
  w.boolean("low_confidence", f.ces.n < kpi::kLowConfidenceBelow);
  write_target(w, targets, "ces", team, f.ces.value);
  w.end_object();
  write_proportion(w, "response_rate", f.response_rate, targets, "response_rate", team);
  write_proportion(w, "reopen_rate", f.reopen_rate, targets, "reopen_rate", team);
  write_proportion(w, "one_touch_rate", f.one_touch_rate, targets, "one_touch_rate", team);
  w.key("sla");
  w.begin_object();
  write_proportion(w, "first_response", f.sla_first_response, targets, "sla.first_response", team);
  write_proportion(w, "next_reply", f.sla_next_reply, targets, "sla.next_reply", team);
  write_proportion(w, "resolution", f.sla_resolution, targets, "sla.resolution", team);
  w.end_object();
  w.key("volume");
  w.begin_object();
  w.number("n", f.volume);
  w.end_object();
  w.key("backlog");
  w.begin_object();
  w.number("open", f.backlog_open);
  w.number("pending", f.backlog_pending);
  w.number("n", f.backlog_open + f.backlog_pending);
  w.key("age");
  w.begin_object();
  w.real("median", opt_seconds(f.backlog_age.median));
  w.real("p90", opt_seconds(f.backlog_age.p90));
  w.real("max", opt_seconds(f.backlog_age.max));
  w.end_object();
  w.end_object();
  w.end_object();
}

// Everything a report answer needs, read on one reader.
struct ReportData {
  std::vector<kpi::GroupFigures> groups;
  std::vector<std::string> key_names;
  std::vector<store::kpi::TargetRecord> targets;
};

ReportData load_report(store::Connection& db, store::kpi::FactCache& cache, ReportQuery q,
                       std::vector<Millis> bounds, bool with_series) {
  ReportData out;
  if (q.organization_name) {
    q.filter.organization = store::kpi::find_organization(db, *q.organization_name);
    q.filter.unknown_organization = !q.filter.organization;
  }
  kpi::ReportBuilder builder(bounds, q.group_by, with_series);
  store::kpi::feed_report(db, cache, bounds, q.filter, builder);
  out.groups = builder.finish();
  for (const auto& g : out.groups) {
    std::string name;
    if (g.key) {
      switch (q.group_by) {
        case kpi::GroupBy::agent:
          name = store::kpi::user_name(db, *g.key);
          break;
        case kpi::GroupBy::team:
          name = store::kpi::team_name(db, *g.key);
          break;
        case kpi::GroupBy::organization:
          name = store::kpi::organization_name(db, *g.key);
          break;
        case kpi::GroupBy::channel:
          name = domain::kChannelNames[static_cast<std::size_t>(*g.key)];
          break;
        case kpi::GroupBy::priority:
          name = domain::kPriorityNames[static_cast<std::size_t>(*g.key)];
          break;
        default:
          break;
      }
    }
    out.key_names.push_back(std::move(name));
  }
  out.targets = store::kpi::list_targets(db);
  return out;
}

void write_key(JsonWriter& w, kpi::GroupBy by, const std::optional<std::int64_t>& key,
               const std::string& name) {
  w.key("key");
  if (by == kpi::GroupBy::none) return w.null();
  w.begin_object();
  // Channels and priorities are known by their names alone.
  if (by != kpi::GroupBy::channel && by != kpi::GroupBy::priority) w.number("id", key);
  w.key("name");
  key ? w.string(name) : w.null();
  w.end_object();
}

const char* interval_name(const std::optional<kpi::Interval>& interval) {
  if (!interval) return nullptr;
  return interval == kpi::Interval::day    ? "day"
         : interval == kpi::Interval::week ? "week"
                                           : "month";
}

// A report's figures with the interval bounds they were counted over.
struct LoadedReport {
  std::vector<Millis> bounds;
  ReportData data;
};

boost::asio::awaitable<LoadedReport> load_figures(Services* s, ReportQuery q) {
  LoadedReport r;
  r.bounds = {q.from, q.to};
  const bool with_series = q.interval.has_value();
  if (with_series) {
    r.bounds = kpi::interval_bounds(q.from, q.to, *q.interval, q.zone);
    if (r.bounds.size() - 1 > kMaxIntervals)
      bad_query("interval", "gives more than 1000 intervals for this period: choose a longer one");
  }
  auto load = [&cache = s->db.kpi_fact_cache(), q, bounds = r.bounds, with_series](
                  store::Connection& db) { return load_report(db, cache, q, bounds, with_series); };
  r.data = co_await s->db.read_report(std::move(load));
  co_return r;
}

// A team's own targets apply to its group, or to a report filtered to one team.
std::optional<store::Id> target_team(const ReportQuery& q, const kpi::GroupFigures& g) {
  return q.group_by == kpi::GroupBy::team ? g.key : q.filter.team;
}

boost::asio::awaitable<http::Response> answer_report(Services* s, http::Context ctx,
                                                     ReportQuery q) {
  const LoadedReport report = co_await load_figures(s, q);
  const auto& bounds = report.bounds;
  const ReportData& data = report.data;
  const TargetSet targets{data.targets};
  JsonWriter w;
  w.begin_object();
  w.string("from", format_time(q.from));
  w.string("to", format_time(q.to));
  w.string("tz", q.tz);
  for (const auto& [member, name] : {std::pair{"interval", interval_name(q.interval)},
                                     std::pair{"group_by", group_by_name(q.group_by)}}) {
    w.key(member);
    name ? w.string(name) : w.null();
  }
  w.key("groups");
  w.begin_array();
  for (std::size_t i = 0; i < data.groups.size(); ++i) {
    const auto& g = data.groups[i];
    const std::optional<store::Id> team = target_team(q, g);
    w.begin_object();
    write_key(w, q.group_by, g.key, data.key_names[i]);
    w.key("figures");
    write_figures(w, g.total, targets, team);
    w.key("series");
    w.begin_array();
    for (std::size_t k = 0; k < g.series.size(); ++k) {
      w.begin_object();
      w.string("start", format_time(bounds[k]));
      w.string("end", format_time(bounds[k + 1]));
      w.key("figures");
      write_figures(w, g.series[k], targets, team);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  co_return http::json_response(ctx.request, bh::status::ok, w.take());
}

boost::asio::awaitable<http::Response> get_kpis(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  auto q = parse_query(ctx, false, false);
  co_return co_await answer_report(s, std::move(ctx), std::move(q));
}

boost::asio::awaitable<http::Response> get_my_kpis(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto q = parse_query(ctx, false, true);
  q.filter.agent = who.user_id;  // only what this agent is credited with
  co_return co_await answer_report(s, std::move(ctx), std::move(q));
}

// The stored facts behind one figure: which metric rows, and which part of each.
struct DrillPlan {
  int metric_lo = 0, metric_hi = 0;
  Millis lo = 0, hi = 0, value_below = INT64_MAX;
  bool need_nps = false, need_ces = false;
};

DrillPlan plan_for(const ReportQuery& q) {
  DrillPlan p;
  p.lo = q.from;
  p.hi = q.to - 1;
  auto one = [&](kpi::Metric m) { p.metric_lo = p.metric_hi = static_cast<int>(m); };
  const std::string& m = q.metric;
  if (m == "volume") one(kpi::Metric::created);
  if (m == "first_response") one(kpi::Metric::first_response);
  if (m == "next_reply") one(kpi::Metric::next_reply);
  if (m == "first_resolution" || m == "reopen_rate" || m == "one_touch_rate")
    one(kpi::Metric::first_resolution);
  if (m == "full_resolution") one(kpi::Metric::full_resolution);
  if (m == "csat" || m == "nps" || m == "ces") one(kpi::Metric::survey_answer);
  if (m == "response_rate") one(kpi::Metric::survey_sent);
  if (m == "sla_first_response") one(kpi::Metric::sla_first_response);
  if (m == "sla_next_reply") one(kpi::Metric::sla_next_reply);
  if (m == "sla_resolution") one(kpi::Metric::sla_resolution);
  p.need_nps = m == "nps";
  p.need_ces = m == "ces";
  if (m == "backlog") {
    p.metric_lo = static_cast<int>(kpi::Metric::open_span);
    p.metric_hi = static_cast<int>(kpi::Metric::pending_span);
    p.lo = q.to;
    p.hi = INT64_MAX;
    p.value_below = q.to;
  }
  return p;
}

json::object drill_item(const std::string& metric, const kpi::FactRow& r,
                        const std::string& subject, Millis to) {
  const auto& f = r.fact;
  json::object o{{"ticket_id", r.ticket_id},
                 {"subject", subject},
                 {"at", f.at == kpi::kRunning ? json::value() : json::value(format_time(f.at))},
                 {"agent_id", f.agent ? json::value(*f.agent) : json::value()}};
  if (metric == "first_response" || metric == "next_reply" || metric == "first_resolution" ||
      metric == "full_resolution") {
    o["value"] = seconds(f.value);
    o["business"] = seconds(f.business);
  } else if (metric == "reopen_rate") {
    o["value"] = (f.flags & kpi::kFlagReopened) != 0;
  } else if (metric == "one_touch_rate") {
    o["value"] = (f.flags & kpi::kFlagOneTouch) != 0;
  } else if (metric == "response_rate") {
    o["value"] = (f.flags & kpi::kFlagAnswered) != 0;
  } else if (metric == "csat") {
    o["value"] = *f.csat;
  } else if (metric == "nps") {
    o["value"] = *f.nps;
  } else if (metric == "ces") {
    o["value"] = *f.ces;
  } else if (kpi::is_sla(f.metric)) {
    // Decided at `at`: an achievement when it was met, a breach at its due time.
    o["value"] = (f.flags & kpi::kFlagAchieved) != 0 ? "achieved" : "breached";
    o["due_at"] = f.value ? json::value(format_time(f.value)) : json::value();
  } else if (metric == "backlog") {
    o["status"] = f.metric == kpi::Metric::open_span ? "open" : "pending";
    o["since"] = format_time(f.value);
    o["value"] = seconds(to - r.created_at);  // age at the period's end
  } else {
    o["created_at"] = format_time(r.created_at);
  }
  if (metric == "backlog") o["at"] = format_time(to);
  return o;
}

// Reads one page of the drill-down on a reader (a plain helper: no capturing lambda is built
// in the same expression as a co_await).
auto drill_loader(ReportQuery q, DrillPlan plan) {
  return [q = std::move(q), plan](store::Connection& db) {
    auto filter = q.filter;
    if (q.organization_name) {
      filter.organization = store::kpi::find_organization(db, *q.organization_name);
      filter.unknown_organization = !filter.organization;
    }
    return store::kpi::drill_facts(db, plan.metric_lo, plan.metric_hi, plan.lo, plan.hi,
                                   plan.value_below, plan.need_nps, plan.need_ces, filter, q.after,
                                   q.limit);
  };
}

boost::asio::awaitable<http::Response> get_kpi_tickets(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  auto q = parse_query(ctx, true, false);
  auto load = drill_loader(q, plan_for(q));
  const auto page = co_await s->db.read_report(std::move(load));
  json::array items;
  for (std::size_t i = 0; i < page.rows.size(); ++i)
    items.push_back(drill_item(q.metric, page.rows[i], page.subjects[i], q.to));
  json::value next;
  if (static_cast<int>(page.rows.size()) == q.limit) {
    const auto& last = page.rows.back();
    next = std::to_string(static_cast<int>(last.fact.metric)) + "." + std::to_string(last.fact.at) +
           "." + std::to_string(last.ticket_id) + "." + std::to_string(last.fact.seq);
  }
  co_return reply(ctx, bh::status::ok,
                  {{"metric", q.metric}, {"items", std::move(items)}, {"next_cursor", next}});
}

// ---------------------------------------------------------------------------- CSV export

// The cells of a drill-down row: drill_item's fields, one column each (empty where a metric
// has no such field), so that the CSV says exactly what the JSON says.
const char* const kDrillColumns[] = {"ticket_id", "subject", "at",     "agent_id", "value",
                                     "business",  "due_at",  "status", "since",    "created_at"};

void json_cell(CsvWriter& out, const json::value* v) {
  if (!v || v->is_null()) {
    out.text("");
  } else if (v->is_string()) {
    out.text(v->get_string());
  } else if (v->is_bool()) {
    out.boolean(v->get_bool());
  } else if (v->is_int64()) {
    out.integer(v->get_int64());
  } else if (v->is_uint64()) {
    out.integer(static_cast<long long>(v->get_uint64()));
  } else if (v->is_double()) {
    out.number(v->get_double());
  } else {
    out.text(json::serialize(*v));
  }
}

// What a report's CSV writes, computed before the headers go out.
struct ReportCsv {
  ReportQuery q;
  LoadedReport report;
};

boost::asio::awaitable<void> stream_report_csv(std::shared_ptr<const ReportCsv> csv,
                                               boost::beast::tcp_stream* stream, bool chunked) {
  CsvBody body(*stream, chunked);
  CsvWriter out;
  write_kpi_csv_header(out);
  const ReportQuery& q = csv->q;
  const auto& bounds = csv->report.bounds;
  const ReportData& data = csv->report.data;
  const TargetSet targets{data.targets};
  const char* by = group_by_name(q.group_by);
  const char* interval = interval_name(q.interval);
  for (std::size_t i = 0; i < data.groups.size(); ++i) {
    const auto& g = data.groups[i];
    const std::optional<store::Id> team = target_team(q, g);
    const CsvTargets find = [&targets, team](const std::string& figure) {
      std::optional<CsvTarget> t;
      const FigureName* name = find_figure(figure);
      if (!name) return t;
      if (const auto value = targets.find(figure, team))
        t = CsvTarget{*value, name->lower_is_better};
      return t;
    };
    const bool named_only =
        q.group_by == kpi::GroupBy::channel || q.group_by == kpi::GroupBy::priority;
    CsvRowKey key{by ? by : "",        g.key && !named_only ? std::to_string(*g.key) : "",
                  data.key_names[i],   "total",
                  format_time(q.from), format_time(q.to)};
    write_kpi_csv_rows(out, key, g.total, find);
    if (!co_await body.send(out)) co_return;
    key.period = interval ? interval : "";
    for (std::size_t k = 0; k < g.series.size(); ++k) {
      key.start = format_time(bounds[k]);
      key.end = format_time(bounds[k + 1]);
      write_kpi_csv_rows(out, key, g.series[k], find);
      if (!co_await body.send(out)) co_return;
    }
  }
  co_await body.finish(out);
}

boost::asio::awaitable<void> stream_drill_csv(Services* s, ReportQuery q, DrillPlan plan,
                                              boost::beast::tcp_stream* stream, bool chunked) {
  CsvBody body(*stream, chunked);
  CsvWriter out;
  out.text("metric");
  for (const char* column : kDrillColumns) out.text(column);
  out.end_row();
  q.limit = 500;
  q.after.reset();
  for (;;) {
    auto load = drill_loader(q, plan);
    const auto page = co_await s->db.read_report(std::move(load));
    for (std::size_t i = 0; i < page.rows.size(); ++i) {
      const json::object item = drill_item(q.metric, page.rows[i], page.subjects[i], q.to);
      out.text(q.metric);
      for (const char* column : kDrillColumns) json_cell(out, item.if_contains(column));
      out.end_row();
    }
    if (!co_await body.send(out)) co_return;
    if (static_cast<int>(page.rows.size()) < q.limit) break;
    const auto& last = page.rows.back();
    q.after = store::kpi::FactCursor{static_cast<int>(last.fact.metric), last.fact.at,
                                     last.ticket_id, last.fact.seq};
  }
  co_await body.finish(out);
}

void require_stream(const http::Context& ctx) {
  if (!ctx.keep_stream)
    throw http::Problem(503, "unavailable", "This connection can't carry a download.");
}

boost::asio::awaitable<http::Response> answer_report_csv(Services* s, http::Context ctx,
                                                         ReportQuery q, std::string file_name) {
  require_stream(ctx);
  auto csv = std::make_shared<ReportCsv>();
  csv->report = co_await load_figures(s, q);
  csv->q = std::move(q);
  const bool chunked = ctx.request.version() >= 11;
  std::shared_ptr<const ReportCsv> shared = std::move(csv);
  *ctx.keep_stream = [shared, chunked](boost::beast::tcp_stream& stream) {
    return stream_report_csv(shared, &stream, chunked);
  };
  co_return csv_response(ctx.request, file_name);
}

boost::asio::awaitable<http::Response> get_kpis_csv(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  auto q = parse_query(ctx, false, false);
  co_return co_await answer_report_csv(s, std::move(ctx), std::move(q), "kpis.csv");
}

boost::asio::awaitable<http::Response> get_my_kpis_csv(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto q = parse_query(ctx, false, true);
  q.filter.agent = who.user_id;  // as get_my_kpis
  co_return co_await answer_report_csv(s, std::move(ctx), std::move(q), "my-kpis.csv");
}

boost::asio::awaitable<http::Response> get_kpi_tickets_csv(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  for (const auto& p : boost::urls::url_view(ctx.url).params())
    if (p.key == "cursor" || p.key == "limit")
      bad_query(std::string(p.key), "is not known here: the CSV holds every row");
  auto q = parse_query(ctx, true, false);
  require_stream(ctx);
  const DrillPlan plan = plan_for(q);
  const bool chunked = ctx.request.version() >= 11;
  *ctx.keep_stream = [s, q, plan, chunked](boost::beast::tcp_stream& stream) {
    return stream_drill_csv(s, q, plan, &stream, chunked);
  };
  co_return csv_response(ctx.request, "kpi-tickets-" + q.metric + ".csv");
}

json::object target_json(const store::kpi::TargetRecord& t) {
  return {{"id", t.id},
          {"figure", t.figure},
          {"team_id", t.team_id ? json::value(*t.team_id) : json::value()},
          {"value", t.value},
          {"lower_is_better", find_figure(t.figure) && find_figure(t.figure)->lower_is_better},
          {"updated_at", format_time(t.updated_at)}};
}

boost::asio::awaitable<http::Response> list_kpi_targets(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  if (!boost::urls::url_view(ctx.url).params().empty())
    bad_query(std::string((*boost::urls::url_view(ctx.url).params().begin()).key),
              "is not known here");
  auto load = [](store::Connection& db) { return store::kpi::list_targets(db); };
  const auto targets = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(targets, target_json));
}

boost::asio::awaitable<http::Response> put_kpi_target(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::supervisor);
  JsonInput in(ctx.request);
  store::kpi::TargetRecord t;
  t.figure = in.required_text("figure", 1, 80);
  if (!t.figure.empty() && !find_figure(t.figure))
    in.fail("figure",
            "must be csat, nps, ces, response_rate, reopen_rate, one_touch_rate, "
            "sla.first_response, sla.next_reply, sla.resolution or "
            "<duration>.<calendar|business>.<median|p90|mean> for first_response, next_reply, "
            "first_resolution, full_resolution");
  if (const auto team = in.nullable_id("team_id")) t.team_id = *team;
  const auto value = in.number("value");
  const double v = value.value_or(0);
  if (!value) in.fail("value", "is required: a number");
  if (value && find_figure(t.figure)) {
    const bool percent = t.figure == "csat" || t.figure == "response_rate" ||
                         t.figure == "reopen_rate" || t.figure == "one_touch_rate" ||
                         t.figure.starts_with("sla.");
    if (percent && (v < 0 || v > 100)) in.fail("value", "must be a percentage from 0 to 100");
    if (t.figure == "nps" && (v < -100 || v > 100)) in.fail("value", "must be from -100 to 100");
    if (t.figure == "ces" && (v < 1 || v > 7)) in.fail("value", "must be from 1 to 7");
    if (!percent && t.figure != "nps" && t.figure != "ces" && v < 0)
      in.fail("value", "must be a number of seconds, 0 or more");
  }
  in.finish();
  t.value = v;
  t.updated_by = who.user_id;
  auto put = [t, now = s->clock.now_ms()](store::Tx& tx) {
    return store::kpi::put_target(tx, t, now);
  };
  const auto saved = co_await write(s, std::move(put));
  co_return reply(ctx, bh::status::ok, target_json(saved));
}

boost::asio::awaitable<http::Response> delete_kpi_target(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto id = path_id(ctx);
  auto remove = [id](store::Tx& tx) {
    store::kpi::delete_target(tx, id);
    return 0;
  };
  co_await write(s, std::move(remove));
  http::Response res{bh::status::no_content, ctx.request.version()};
  res.keep_alive(ctx.request.keep_alive());
  co_return res;
}

}  // namespace

void add_kpi_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/kpis", services, get_kpis);
  route(router, bh::verb::get, "/api/v1/kpis/me", services, get_my_kpis);
  route(router, bh::verb::get, "/api/v1/kpis.csv", services, get_kpis_csv);
  route(router, bh::verb::get, "/api/v1/kpis/me.csv", services, get_my_kpis_csv);
  route(router, bh::verb::get, "/api/v1/kpis/tickets", services, get_kpi_tickets);
  route(router, bh::verb::get, "/api/v1/kpis/tickets.csv", services, get_kpi_tickets_csv);
  route(router, bh::verb::get, "/api/v1/kpi-targets", services, list_kpi_targets);
  route(router, bh::verb::put, "/api/v1/kpi-targets", services, put_kpi_target);
  route(router, bh::verb::delete_, "/api/v1/kpi-targets/{id}", services, delete_kpi_target);
}

}  // namespace hd::api
