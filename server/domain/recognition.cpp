#include "domain/recognition.hpp"

#include <algorithm>
#include <numeric>

namespace hd::domain::recognition {

std::vector<std::optional<int>> rank_groups(const std::vector<Rated>& agents) {
  std::vector<std::optional<int>> groups(agents.size());
  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < agents.size(); ++i)
    if (agents[i].n >= kMinAnswersToRank && agents[i].percent && agents[i].ci) ranked.push_back(i);
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = agents[a];
    const auto& y = agents[b];
    if (*x.percent != *y.percent) return *x.percent > *y.percent;
    return x.ci->first > y.ci->first;
  });
  int group = 0;
  std::optional<std::size_t> leader;
  for (const auto i : ranked) {
    // Sorted by percent, an interval below the leader's is one whose upper end is lower
    // than the leader's lower end.
    if (!leader || agents[i].ci->second < agents[*leader].ci->first) {
      ++group;
      leader = i;
    }
    groups[i] = group;
  }
  return groups;
}

}  // namespace hd::domain::recognition
