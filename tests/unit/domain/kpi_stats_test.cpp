#include "domain/kpi_stats.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace hd::domain;
using namespace hd::domain::kpi;

TEST_CASE("nearest-rank percentiles: odd, even, single") {
  std::vector<Millis> odd{5, 1, 3, 2, 4};
  auto d = describe(odd);
  CHECK(d.n == 5);
  CHECK(*d.median == 3);  // rank ceil(2.5) = 3
  CHECK(*d.p90 == 5);     // rank ceil(4.5) = 5
  CHECK(*d.max == 5);
  CHECK(*d.mean == doctest::Approx(3.0));

  std::vector<Millis> even{40, 10, 30, 20};
  d = describe(even);
  CHECK(*d.median == 20);  // the lower middle, never (20 + 30) / 2
  CHECK(*d.p90 == 40);     // rank ceil(3.6) = 4

  std::vector<Millis> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  d = describe(ten);
  CHECK(*d.median == 5);
  CHECK(*d.p90 == 9);  // rank exactly 9: no floating-point drift to 10

  std::vector<Millis> single{7};
  d = describe(single);
  CHECK(d.n == 1);
  CHECK(*d.median == 7);
  CHECK(*d.p90 == 7);
  CHECK(*d.mean == 7.0);
}

TEST_CASE("median, p90 and max agree with a sorted copy on random samples") {
  std::mt19937_64 random(20261201);
  for (int round = 0; round < 300; ++round) {
    const auto n = static_cast<std::size_t>(1 + random() % 400);
    std::vector<Millis> values(n);
    for (auto& v : values) v = static_cast<Millis>(random() % (round % 2 ? 20 : 1'000'000));
    auto sorted = values;
    std::sort(sorted.begin(), sorted.end());
    auto at_rank = [&](std::size_t percent) { return sorted[(percent * n + 99) / 100 - 1]; };
    const auto d = describe(values);
    CAPTURE(n);
    CHECK(*d.median == at_rank(50));
    CHECK(*d.p90 == at_rank(90));
    CHECK(*d.max == sorted.back());
  }
}

TEST_CASE("an empty sample has n = 0 and no values") {
  std::vector<Millis> none;
  const auto d = describe(none);
  CHECK(d.n == 0);
  CHECK_FALSE(d.median);
  CHECK_FALSE(d.p90);
  CHECK_FALSE(d.mean);
  const auto p = proportion(0, 0);
  CHECK(p.n == 0);
  CHECK_FALSE(p.percent);
  CHECK_FALSE(p.ci);
  CHECK_FALSE(net_promoter(0, 0, 0).score);
  CHECK_FALSE(mean_of(0, 0).value);
}

TEST_CASE("Wilson score interval matches published values") {
  // 81 of 263: p = 30.80%, Wilson 95% [25.53, 36.62].
  const auto p = proportion(81, 263);
  CHECK(*p.percent == doctest::Approx(30.798).epsilon(1e-4));
  CHECK(p.ci->first == doctest::Approx(25.5289).epsilon(1e-4));
  CHECK(p.ci->second == doctest::Approx(36.6210).epsilon(1e-4));
  // All hits: the interval stays inside [0, 100] and is not degenerate.
  const auto all = proportion(10, 10);
  CHECK(*all.percent == 100.0);
  CHECK(all.ci->second == doctest::Approx(100.0));
  CHECK(all.ci->first == doctest::Approx(72.2467).epsilon(1e-4));
  const auto none = proportion(0, 1);
  CHECK(none.ci->first == doctest::Approx(0.0));
  CHECK(none.ci->second == doctest::Approx(79.3450).epsilon(1e-4));
}

TEST_CASE("NPS and its interval from the +1/0/-1 variance") {
  // 5 promoters, 3 passives, 2 detractors: mean 0.3, var 0.7 - 0.09 = 0.61.
  const auto r = net_promoter(5, 3, 2);
  CHECK(r.n == 10);
  CHECK(*r.score == doctest::Approx(30.0));
  const double half = 1.959963984540054 * std::sqrt(0.61 / 10);
  CHECK(r.ci->first == doctest::Approx(100 * (0.3 - half)));
  CHECK(r.ci->second == doctest::Approx(100 * (0.3 + half)));
  // All promoters: no variance, a point interval.
  const auto all = net_promoter(4, 0, 0);
  CHECK(*all.score == 100.0);
  CHECK(all.ci->first == doctest::Approx(100.0));
  // The interval never leaves [-100, 100].
  const auto wide = net_promoter(1, 0, 1);
  CHECK(wide.ci->first >= -100.0);
  CHECK(wide.ci->second <= 100.0);
  CHECK(nps_class(10) == 1);
  CHECK(nps_class(9) == 1);
  CHECK(nps_class(8) == 0);
  CHECK(nps_class(7) == 0);
  CHECK(nps_class(6) == -1);
  CHECK(nps_class(0) == -1);
}
