#include "store/kpi_reports.hpp"

#include <array>
#include <limits>
#include <type_traits>

#include "store/raw_statement.hpp"

namespace hd::store::kpi {
namespace {
using domain::kpi::FactRow;
using domain::kpi::Metric;

#define HD_FACT_COLUMNS                                                                        \
  "SELECT metric, at, ticket_id, seq, agent_id, team_id, channel, priority, organization_id, " \
  "created_at, value, business, flags, csat, nps, ces "
#define HD_HAS_TAG \
  "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = kpi_facts.ticket_id AND g.tag = :tag) "
// Every filter is a bound parameter that is NULL (or 0) when unused.
#define HD_FACT_FILTERS                                                            \
  "AND value < :value_below "                                                      \
  "AND (:team IS NULL OR team_id = :team) "                                        \
  "AND (:channel IS NULL OR channel = :channel) "                                  \
  "AND (:priority IS NULL OR priority = :priority) "                               \
  "AND (:organization IS NULL OR organization_id = :organization) "                \
  "AND (:agent IS NULL OR agent_id = :agent) "                                     \
  "AND (:tag IS NULL OR " HD_HAS_TAG                                               \
  ") "                                                                             \
  "AND (:gk = 0 OR (:gk = 1 AND agent_id IS :gv) OR (:gk = 2 AND team_id IS :gv) " \
  "OR (:gk = 3 AND channel IS :gv) OR (:gk = 4 AND priority IS :gv) "              \
  "OR (:gk = 5 AND organization_id IS :gv)) "

// A report's scans read every fact of a metric in the period and filter in code (passes());
// only the tag, in another table, is tested in SQL.
#define HD_SCAN "FROM kpi_facts WHERE metric = :metric AND at >= :lo AND at <= :hi "
constexpr const char* kScanFacts = HD_FACT_COLUMNS HD_SCAN;
constexpr const char* kScanTaggedFacts = HD_FACT_COLUMNS HD_SCAN "AND " HD_HAS_TAG;
constexpr const char* kDrillFacts = HD_FACT_COLUMNS
    ", (SELECT subject FROM tickets t WHERE t.id = kpi_facts.ticket_id) "
    "FROM kpi_facts WHERE metric BETWEEN :metric_lo AND :metric_hi AND at >= :lo AND at <= "
    ":hi " HD_FACT_FILTERS
    "AND (:need_nps = 0 OR nps IS NOT NULL) AND (:need_ces = 0 OR ces IS NOT NULL) "
    "AND (:after_metric IS NULL OR (metric, at, ticket_id, seq) > "
    "(:after_metric, :after_at, :after_ticket, :after_seq)) "
    "ORDER BY metric, at, ticket_id, seq LIMIT :limit";
constexpr const char* kFindOrganization = "SELECT id FROM kpi_organizations WHERE name = ?";
constexpr const char* kOrganizationName = "SELECT name FROM kpi_organizations WHERE id = ?";
constexpr const char* kUserName = "SELECT name FROM users WHERE id = ?";
constexpr const char* kTeamName = "SELECT name FROM teams WHERE id = ?";

template <class T>
void bind_optional(RawStatement& s, const char* name, const std::optional<T>& value) {
  if (!value)
    s.bind_null(name);
  else if constexpr (std::is_integral_v<T>)
    s.bind(name, static_cast<std::int64_t>(*value));
  else
    s.bind(name, *value);
}

void bind_filter(RawStatement& s, const FactFilter& f, Millis value_below) {
  s.bind(":value_below", value_below);
  bind_optional(s, ":team", f.team);
  bind_optional(s, ":channel", f.channel);
  bind_optional(s, ":priority", f.priority);
  // An organisation nobody has matches nothing (an id no row has).
  if (f.unknown_organization)
    s.bind(":organization", std::int64_t{-1});
  else
    bind_optional(s, ":organization", f.organization);
  bind_optional(s, ":agent", f.agent);
  bind_optional(s, ":tag", f.tag);
  s.bind(":gk", f.group_restricted ? static_cast<std::int64_t>(f.group_by) : 0);
  bind_optional(s, ":gv", f.group_value);
}

/// HD_FACT_FILTERS but the tag, in code.
bool passes(const FactFilter& f, const FactRow& r, Millis value_below) {
  if (r.fact.value >= value_below || f.unknown_organization) return false;
  if (f.team && r.team != f.team) return false;
  if (f.channel && r.channel != *f.channel) return false;
  if (f.priority && r.priority != *f.priority) return false;
  if (f.organization && r.organization != f.organization) return false;
  if (f.agent && r.fact.agent != f.agent) return false;
  return !f.group_restricted || domain::kpi::group_key(r, f.group_by) == f.group_value;
}

FactRow read_row(const RawStatement& s) {
  auto optional_int64 = [&](int i) -> std::optional<std::int64_t> {
    if (s.is_null(i)) return std::nullopt;
    return s.int64(i);
  };
  auto small = [&](int i) -> std::optional<int> {
    if (s.is_null(i)) return std::nullopt;
    return static_cast<int>(s.int64(i));
  };
  FactRow r;
  auto& f = r.fact;
  f.metric = static_cast<Metric>(s.int64(0));
  f.at = s.int64(1);
  r.ticket_id = s.int64(2);
  f.seq = s.int64(3);
  f.agent = optional_int64(4);
  r.team = optional_int64(5);
  r.channel = static_cast<int>(s.int64(6));
  r.priority = static_cast<int>(s.int64(7));
  r.organization = optional_int64(8);
  r.created_at = s.int64(9);
  f.value = s.int64(10);
  f.business = s.int64(11);
  f.flags = static_cast<int>(s.int64(12));
  f.csat = small(13);
  f.nps = small(14);
  f.ces = small(15);
  return r;
}

std::string name_of(Connection& db, const char* sql, Id id) {
  auto& s = db.statement(sql);
  s.bind(1, id);
  std::string name;
  if (s.executeStep()) name = s.getColumn(0).getString();
  s.reset();
  return name;
}

}  // namespace

void scan_facts(Connection& db, Metric metric, Millis lo, Millis hi, Millis value_below,
                const FactFilter& filter, const std::function<void(const FactRow&)>& each) {
  RawStatement s(db, filter.tag ? kScanTaggedFacts : kScanFacts);
  s.bind(":metric", static_cast<std::int64_t>(metric));
  s.bind(":lo", lo);
  s.bind(":hi", hi);
  if (filter.tag) s.bind(":tag", *filter.tag);
  while (s.step()) {
    const FactRow row = read_row(s);
    if (passes(filter, row, value_below)) each(row);
  }
}

void feed_report(Connection& db, const std::vector<Millis>& bounds, const FactFilter& filter,
                 domain::kpi::ReportBuilder& builder, std::span<const Metric> metrics) {
  const Millis from = bounds.front(), to = bounds.back();
  constexpr Millis kMax = std::numeric_limits<Millis>::max();
  auto add = [&builder](const FactRow& row) { builder.add(row); };
  for (const Metric m : metrics) {
    if (domain::kpi::is_span(m))
      // Spans still running at, or ending after, the first interval end and begun before `to`.
      scan_facts(db, m, bounds[1], kMax, to, filter, add);
    else
      scan_facts(db, m, from, to - 1, kMax, filter, add);
  }
}

void feed_report(Connection& db, const std::vector<Millis>& bounds, const FactFilter& filter,
                 domain::kpi::ReportBuilder& builder) {
  constexpr std::array kEveryMetric{
      Metric::created,          Metric::first_response,     Metric::next_reply,
      Metric::first_resolution, Metric::full_resolution,    Metric::survey_sent,
      Metric::survey_answer,    Metric::sla_first_response, Metric::sla_next_reply,
      Metric::sla_resolution,   Metric::open_span,          Metric::pending_span};
  feed_report(db, bounds, filter, builder, kEveryMetric);
}

FactPage drill_facts(Connection& db, int metric_lo, int metric_hi, Millis lo, Millis hi,
                     Millis value_below, bool need_nps, bool need_ces, const FactFilter& filter,
                     const std::optional<FactCursor>& after, int limit) {
  RawStatement s(db, kDrillFacts);
  s.bind(":metric_lo", metric_lo);
  s.bind(":metric_hi", metric_hi);
  s.bind(":lo", lo);
  s.bind(":hi", hi);
  bind_filter(s, filter, value_below);
  s.bind(":need_nps", need_nps ? 1 : 0);
  s.bind(":need_ces", need_ces ? 1 : 0);
  if (after) {  // unbound, the cursor's parameters are NULL: the first page
    s.bind(":after_metric", std::get<0>(*after));
    s.bind(":after_at", std::get<1>(*after));
    s.bind(":after_ticket", std::get<2>(*after));
    s.bind(":after_seq", std::get<3>(*after));
  }
  s.bind(":limit", limit);
  FactPage page;
  while (s.step()) {
    page.rows.push_back(read_row(s));
    page.subjects.push_back(s.text(16));
  }
  return page;
}

std::optional<Id> find_organization(Connection& db, const std::string& name) {
  auto& s = db.statement(kFindOrganization);
  s.bind(1, name);
  std::optional<Id> id;
  if (s.executeStep()) id = s.getColumn(0).getInt64();
  s.reset();
  return id;
}

std::string user_name(Connection& db, Id id) {
  return name_of(db, kUserName, id);
}
std::string team_name(Connection& db, Id id) {
  return name_of(db, kTeamName, id);
}
std::string organization_name(Connection& db, Id id) {
  return name_of(db, kOrganizationName, id);
}

}  // namespace hd::store::kpi
