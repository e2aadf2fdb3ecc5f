#include "store/kpi_reports.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <thread>
#include <vector>

#include "store/kpi_fact_cache.hpp"
#include "store/raw_statement.hpp"
#include "store/read_snapshot.hpp"

namespace hd::store::kpi {
namespace {
using domain::kpi::FactRow;
using domain::kpi::Metric;

#define HD_FACT_COLUMNS                                                                        \
  "SELECT metric, at, ticket_id, seq, agent_id, team_id, channel, priority, organization_id, " \
  "created_at, value, business, flags, csat, nps, ces "
#define HD_HAS_TAG \
  "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = kpi_facts.ticket_id AND g.tag = :tag) "
// Reports (through the FactCache) and drill-downs read every fact of their metrics in the period
// and filter in code (passes()); only the tag, in another table, is tested in SQL.
#define HD_SCAN "FROM kpi_facts WHERE metric = :metric AND at >= :lo AND at <= :hi "
constexpr const char* kScanTaggedFacts = HD_FACT_COLUMNS HD_SCAN "AND " HD_HAS_TAG;
// A drill-down reads one metric at a time: an equality on the key's first column lets SQLite
// start at the period (or the cursor), where a range over metrics walked every older fact.
#define HD_DRILL "FROM kpi_facts WHERE metric = :metric AND at >= :lo AND at <= :hi "
#define HD_AFTER "AND (at, ticket_id, seq) > (:after_at, :after_ticket, :after_seq) "
#define HD_DRILL_ORDER "ORDER BY at, ticket_id, seq"
constexpr const char* kDrillFacts = HD_FACT_COLUMNS HD_DRILL HD_DRILL_ORDER;
constexpr const char* kDrillFactsAfter = HD_FACT_COLUMNS HD_DRILL HD_AFTER HD_DRILL_ORDER;
constexpr const char* kDrillTaggedFacts = HD_FACT_COLUMNS HD_DRILL "AND " HD_HAS_TAG HD_DRILL_ORDER;
constexpr const char* kDrillTaggedFactsAfter =
    HD_FACT_COLUMNS HD_DRILL HD_AFTER "AND " HD_HAS_TAG HD_DRILL_ORDER;
constexpr const char* kSubject = "SELECT subject FROM tickets WHERE id = ?";
constexpr const char* kFindOrganization = "SELECT id FROM kpi_organizations WHERE name = ?";
constexpr const char* kOrganizationName = "SELECT name FROM kpi_organizations WHERE id = ?";
constexpr const char* kUserName = "SELECT name FROM users WHERE id = ?";
constexpr const char* kTeamName = "SELECT name FROM teams WHERE id = ?";

constexpr std::array kEveryMetric{
    Metric::created,          Metric::first_response,     Metric::next_reply,
    Metric::first_resolution, Metric::full_resolution,    Metric::survey_sent,
    Metric::survey_answer,    Metric::sla_first_response, Metric::sla_next_reply,
    Metric::sla_resolution,   Metric::open_span,          Metric::pending_span};
constexpr Millis kMaxMillis = std::numeric_limits<Millis>::max();

/// The report filters of `f` but the tag (tested in SQL), and value < value_below.
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

// Every fact of `metric` with lo <= at <= hi on a ticket with the filter's tag.
void scan_tagged_facts(Connection& db, Metric metric, Millis lo, Millis hi,
                       const FactFilter& filter, const std::function<void(const FactRow&)>& each) {
  RawStatement s(db, kScanTaggedFacts);
  s.bind(":metric", static_cast<std::int64_t>(metric));
  s.bind(":lo", lo);
  s.bind(":hi", hi);
  s.bind(":tag", *filter.tag);
  while (s.step()) each(read_row(s));
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

namespace {

// One metric's facts of a report, and the filter's bound on their value.
struct Part {
  Metric metric;
  Millis value_below;
  FactCache::Facts facts;
};

void feed(domain::kpi::ReportBuilder& to, const Part& part, const FactFilter& filter) {
  to.expect(part.metric, part.facts.size());
  part.facts.for_each([&](const FactRow& row) {
    if (passes(filter, row, part.value_below)) to.add(row);
  });
  to.metric_done(part.metric);
}

// The work a part makes: a duration is counted, described in its interval and again in the
// period; a span's backlog age once or twice; other facts are only counted.
std::size_t weight_of(const Part& p) {
  const bool duration = p.metric >= Metric::first_response && p.metric <= Metric::full_resolution;
  return p.facts.size() * (duration ? 3 : domain::kpi::is_span(p.metric) ? 2 : 1);
}

// Feeds `parts` to `builder`, about half of their weight through a sibling builder on a thread
// of its own (the spans together: both feed the backlog's age), merged at the end.
void feed_on_two_threads(domain::kpi::ReportBuilder& builder, const std::vector<Part>& parts,
                         std::size_t total_weight, const FactFilter& filter) {
  std::vector<const Part*> mine, theirs;
  std::size_t theirs_weight = 0;
  for (const Part& p : parts) {
    if (!domain::kpi::is_span(p.metric)) continue;
    theirs.push_back(&p);
    theirs_weight += weight_of(p);
  }
  for (const Part& p : parts) {
    if (domain::kpi::is_span(p.metric)) continue;
    if (theirs_weight + weight_of(p) <= total_weight / 2) {
      theirs.push_back(&p);
      theirs_weight += weight_of(p);
    } else {
      mine.push_back(&p);
    }
  }
  domain::kpi::ReportBuilder sibling = builder.sibling();
  std::exception_ptr failed;
  std::thread helper([&] {
    try {
      for (const Part* p : theirs) feed(sibling, *p, filter);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    for (const Part* p : mine) feed(builder, *p, filter);
  } catch (...) {
    helper.join();
    throw;
  }
  helper.join();
  if (failed) std::rethrow_exception(failed);
  builder.merge(std::move(sibling));
}

}  // namespace

void feed_report(Connection& db, FactCache& cache, const std::vector<Millis>& bounds,
                 const FactFilter& filter, domain::kpi::ReportBuilder& builder,
                 std::span<const Metric> metrics, std::size_t split_from) {
  std::vector<Part> parts;
  {
    const ReadSnapshot snapshot(db);  // every metric's facts as of one moment
    const Millis from = bounds.front(), to = bounds.back();
    for (const Metric m : metrics) {
      // Spans: still running at, or ending after, the first interval end, and begun before `to`.
      const bool span = domain::kpi::is_span(m);
      const Millis lo = span ? bounds[1] : from, hi = span ? kMaxMillis : to - 1;
      const Millis value_below = span ? to : kMaxMillis;
      if (filter.tag) {  // the cache keeps no ticket ids: a tag is tested in SQL
        scan_tagged_facts(db, m, lo, hi, filter, [&](const FactRow& row) {
          if (passes(filter, row, value_below)) builder.add(row);
        });
        builder.metric_done(m);
      } else {
        parts.push_back({m, value_below, cache.facts(db, m, lo, hi)});
      }
    }
  }
  // From memory, a report's time is its facts': a large one is worth a second thread.
  std::size_t weight = 0;
  for (const Part& p : parts) weight += weight_of(p);
  if (weight >= split_from) return feed_on_two_threads(builder, parts, weight, filter);
  for (const Part& p : parts) feed(builder, p, filter);
}

void feed_report(Connection& db, FactCache& cache, const std::vector<Millis>& bounds,
                 const FactFilter& filter, domain::kpi::ReportBuilder& builder) {
  feed_report(db, cache, bounds, filter, builder, kEveryMetric);
}

void warm_recent_facts(Connection& db, FactCache& cache, Millis span) {
  const ReadSnapshot snapshot(db);
  const auto newest = FactCache::last_day(db, Metric::created);
  if (!newest) return;  // no ticket yet
  const Millis to = newest->second + 1, from = to - span;
  for (const Metric m : kEveryMetric)
    cache.facts(db, m, from, domain::kpi::is_span(m) ? kMaxMillis : to);
}

FactPage drill_facts(Connection& db, int metric_lo, int metric_hi, Millis lo, Millis hi,
                     Millis value_below, bool need_nps, bool need_ces, const FactFilter& filter,
                     const std::optional<FactCursor>& after, int limit) {
  const ReadSnapshot snapshot(db);  // one page, one moment
  FactPage page;
  const int first = after ? std::max(metric_lo, std::get<0>(*after)) : metric_lo;
  for (int metric = first; metric <= metric_hi; ++metric) {
    const bool resume = after && std::get<0>(*after) == metric;
    const char* sql = filter.tag ? (resume ? kDrillTaggedFactsAfter : kDrillTaggedFacts)
                                 : (resume ? kDrillFactsAfter : kDrillFacts);
    RawStatement s(db, sql);
    s.bind(":metric", metric);
    s.bind(":lo", lo);
    s.bind(":hi", hi);
    if (filter.tag) s.bind(":tag", *filter.tag);
    if (resume) {
      s.bind(":after_at", std::get<1>(*after));
      s.bind(":after_ticket", std::get<2>(*after));
      s.bind(":after_seq", std::get<3>(*after));
    }
    while (static_cast<int>(page.rows.size()) < limit && s.step()) {
      FactRow row = read_row(s);
      if (!passes(filter, row, value_below) || (need_nps && !row.fact.nps) ||
          (need_ces && !row.fact.ces))
        continue;
      page.subjects.push_back(name_of(db, kSubject, row.ticket_id));
      page.rows.push_back(std::move(row));
    }
    if (static_cast<int>(page.rows.size()) == limit) break;
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
