#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace hd::domain::recognition {

// Who excels, on honest figures (issue 15): agents are ranked only where their CSAT intervals
// allow a fair comparison, never by volume. The statistics themselves (CSAT % and its Wilson
// interval) come from the KPI engine (domain/kpi_stats); this is only the ranking rule.

/// Below this many CSAT answers an agent is listed but not ranked (KPIS.md's low confidence).
inline constexpr std::int64_t kMinAnswersToRank = 30;

/// One agent's CSAT as the KPI engine computed it.
struct Rated {
  std::int64_t n = 0;
  std::optional<double> percent;
  std::optional<std::pair<double, double>> ci;  ///< 95% Wilson interval, in percent
};

/// The rank group of each agent (same order as `agents`; nothing for unranked ones). Agents
/// with at least kMinAnswersToRank answers are sorted by CSAT % (highest first; ties by the
/// higher lower bound). Group 1 starts with the first; each group's first agent is its leader,
/// and an agent joins the current group while its interval overlaps the leader's; the first
/// agent whose interval lies wholly below the leader's starts the next group. So agents in
/// different groups differ clearly, and agents in one group are not told apart.
std::vector<std::optional<int>> rank_groups(const std::vector<Rated>& agents);

}  // namespace hd::domain::recognition
