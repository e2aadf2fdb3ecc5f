#include "domain/kpi_report.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

namespace hd::domain::kpi {
namespace {

constexpr Millis kHour = 3'600'000, kDay = 24 * kHour;

// Facts of every metric over twenty days, for five agents and some without one.
std::vector<FactRow> random_facts(std::mt19937_64& rng) {
  std::uniform_int_distribution<Millis> instant(0, 20 * kDay), duration(0, 3 * kDay);
  std::uniform_int_distribution<int> metric(static_cast<int>(Metric::created),
                                            static_cast<int>(Metric::sla_resolution)),
      agent(0, 5), small(0, 3), score(0, 10);
  std::vector<FactRow> rows(2000);
  for (auto& r : rows) {
    auto& f = r.fact;
    f.metric = static_cast<Metric>(metric(rng));
    f.at = instant(rng);
    if (const int a = agent(rng)) f.agent = a;
    r.channel = small(rng);
    r.priority = small(rng);
    r.created_at = f.at - duration(rng);
    f.value = duration(rng);
    f.business = f.value / 2;
    f.flags = small(rng);
    if (f.metric == Metric::survey_answer) {
      f.csat = 1 + score(rng) % 5;
      f.nps = score(rng);
      f.ces = 1 + score(rng) % 7;
    }
    if (is_span(f.metric)) {  // value: its start; some still running
      f.value = r.created_at;
      if (small(rng) == 0) f.at = kRunning;
    }
  }
  return rows;
}

std::map<std::optional<std::int64_t>, GroupFigures> by_key(std::vector<GroupFigures> groups) {
  std::map<std::optional<std::int64_t>, GroupFigures> out;
  for (auto& g : groups) out.emplace(g.key, std::move(g));
  return out;
}

}  // namespace

TEST_CASE("report: a period's totals are the same with a series as without, metric by metric") {
  std::mt19937_64 rng(20261202);
  const Figures nothing = [] {
    ReportBuilder empty({0, 1}, GroupBy::none, false);
    return empty.finish().at(0).total;
  }();
  for (int round = 0; round < 20; ++round) {
    const auto rows = random_facts(rng);
    std::uniform_int_distribution<Millis> cut(kHour, 3 * kDay);
    std::vector<Millis> bounds{2 * kDay + cut(rng)};
    while (bounds.back() < 17 * kDay) bounds.push_back(bounds.back() + cut(rng));
    for (const GroupBy by : {GroupBy::none, GroupBy::agent, GroupBy::channel}) {
      ReportBuilder whole({bounds.front(), bounds.back()}, by, false), series(bounds, by, true);
      for (const auto& r : rows) whole.add(r);
      // Metric by metric, as reports feed it, each said done: the same figures.
      for (int m = static_cast<int>(Metric::created); m <= static_cast<int>(Metric::sla_resolution);
           ++m) {
        for (const auto& r : rows)
          if (r.fact.metric == static_cast<Metric>(m)) series.add(r);
        series.metric_done(static_cast<Metric>(m));
      }
      const auto want = by_key(whole.finish());
      const auto got = series.finish();
      CHECK(got.size() >= want.size());
      for (const auto& g : got) {
        CAPTURE(round);
        CAPTURE(g.key.value_or(-1));
        CHECK(g.series.size() == bounds.size() - 1);
        const auto found = want.find(g.key);
        // A group with only spans ending between the series' bounds has nothing at the end.
        CHECK(g.total == (found == want.end() ? nothing : found->second.total));
      }
    }
  }
}

}  // namespace hd::domain::kpi

namespace hd::domain::kpi {

TEST_CASE("report: two siblings fed different metrics, merged, give the figures of one builder") {
  std::mt19937_64 rng(7);
  const std::vector<Millis> bounds{2 * kDay, 5 * kDay, 9 * kDay, 14 * kDay, 18 * kDay};
  // The spans both feed the backlog's age: they stay together.
  auto in_first = [](Metric m) {
    return m == Metric::created || m == Metric::next_reply || m == Metric::full_resolution ||
           m == Metric::survey_answer || is_span(m);
  };
  for (int round = 0; round < 10; ++round) {
    const auto rows = random_facts(rng);
    const bool flip = round % 2 == 1;  // each metric in each builder, half the rounds each
    for (const bool with_series : {false, true})
      for (const GroupBy by : {GroupBy::none, GroupBy::agent, GroupBy::priority}) {
        const std::vector<Millis> used =
            with_series ? bounds : std::vector<Millis>{bounds.front(), bounds.back()};
        ReportBuilder one(used, by, with_series), first(used, by, with_series);
        ReportBuilder second = first.sibling();
        for (const auto& r : rows) {
          one.add(r);
          (in_first(r.fact.metric) != flip ? first : second).add(r);
        }
        for (int m = 1; m <= static_cast<int>(Metric::sla_resolution); ++m)
          (in_first(static_cast<Metric>(m)) != flip ? first : second)
              .metric_done(static_cast<Metric>(m));
        first.merge(std::move(second));
        const auto want = one.finish(), got = first.finish();
        REQUIRE(got.size() == want.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
          CAPTURE(round);
          CHECK(got[i].key == want[i].key);
          CHECK(got[i].total == want[i].total);
          CHECK(got[i].series == want[i].series);
        }
      }
  }
}

TEST_CASE("report: siblings that both described one kind refuse to merge") {
  ReportBuilder a({0, kDay}, GroupBy::none, false);
  ReportBuilder b = a.sibling();
  a.metric_done(Metric::first_response);
  b.metric_done(Metric::first_response);
  CHECK_THROWS_AS(a.merge(std::move(b)), std::logic_error);
}

}  // namespace hd::domain::kpi
