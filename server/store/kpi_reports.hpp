#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "domain/kpi_report.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::kpi {

/// The ticket filters of a report (all optional) and, for the drill-down and an agent's own
/// figures, a restriction to one group.
struct FactFilter {
  std::optional<Id> team, organization;
  std::optional<int> channel, priority;
  std::optional<std::string> tag;
  std::optional<Id> agent;  ///< only facts credited to this agent
  domain::kpi::GroupBy group_by = domain::kpi::GroupBy::none;
  bool group_restricted = false;            ///< only rows whose group key equals group_value
  std::optional<std::int64_t> group_value;  ///< may be nothing: the rows without a value
  bool unknown_organization = false;        ///< the organisation filter names none we know
};

class FactCache;

/// Feeds every fact a report over `bounds` needs into `builder`, in one read snapshot, through
/// `cache` (a tag filter is tested in SQL instead).
void feed_report(Connection& db, FactCache& cache, const std::vector<Millis>& bounds,
                 const FactFilter& filter, domain::kpi::ReportBuilder& builder);
/// Reports of at least this many facts (weighted by the work each makes) are fed half on a
/// second thread.
inline constexpr std::size_t kSplitReportsFrom = 100'000;
/// The same for the facts of `metrics` only: the figures that need no other stay exact.
/// `split_from` is kSplitReportsFrom but in tests of the split.
void feed_report(Connection& db, FactCache& cache, const std::vector<Millis>& bounds,
                 const FactFilter& filter, domain::kpi::ReportBuilder& builder,
                 std::span<const domain::kpi::Metric> metrics,
                 std::size_t split_from = kSplitReportsFrom);

/// Reads the facts of reports over the last `span` before the newest ticket's day ends into
/// `cache`, ahead of them: the period a desk looks at most (for history imported into an
/// empty desk, its last months).
void warm_recent_facts(Connection& db, FactCache& cache, Millis span);

/// A drill-down page: the facts behind one figure after the keyset `after`, at most `limit`.
/// `metrics` are one metric or the two spans (backlog); facts with lo <= at <= hi and
/// value < value_below.
using FactCursor = std::tuple<int, Millis, Id, std::int64_t>;  ///< metric, at, ticket, seq
struct FactPage {
  std::vector<domain::kpi::FactRow> rows;
  std::vector<std::string> subjects;
};
FactPage drill_facts(Connection& db, int metric_lo, int metric_hi, Millis lo, Millis hi,
                     Millis value_below, bool need_nps, bool need_ces, const FactFilter& filter,
                     const std::optional<FactCursor>& after, int limit);

/// The organisation's id, or nothing when no ticket has it.
std::optional<Id> find_organization(Connection& db, const std::string& name);

/// Display names for group keys.
std::string user_name(Connection& db, Id id);
std::string team_name(Connection& db, Id id);
std::string organization_name(Connection& db, Id id);

}  // namespace hd::store::kpi
