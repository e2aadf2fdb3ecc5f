#include "domain/recognition.hpp"

#include <doctest/doctest.h>

#include "domain/kpi_stats.hpp"

using namespace hd::domain;

namespace {
recognition::Rated rated(std::int64_t hits, std::int64_t n) {
  const auto p = kpi::proportion(hits, n);
  return {p.n, p.percent, p.ci};
}
}  // namespace

TEST_CASE("rank groups: overlapping intervals share a group, n < 30 is unranked") {
  const std::vector<recognition::Rated> agents{
      rated(95, 100),  // 95%, about [88.8, 97.8]
      rated(90, 100),  // 90%, overlaps the first
      rated(60, 100),  // 60%, wholly below the leader's interval: a new group
      rated(29, 29),   // 100% but n < 30: listed, never ranked
      rated(58, 100),  // overlaps the 60% leader
  };
  const auto groups = recognition::rank_groups(agents);
  REQUIRE(groups.size() == 5);
  CHECK(groups[0] == 1);
  CHECK(groups[1] == 1);
  CHECK(groups[2] == 2);
  CHECK_FALSE(groups[3].has_value());
  CHECK(groups[4] == 2);
}

TEST_CASE("rank groups: nobody with enough answers, nobody ranked") {
  const auto groups = recognition::rank_groups({rated(1, 2), {}});
  CHECK_FALSE(groups[0].has_value());
  CHECK_FALSE(groups[1].has_value());
}
