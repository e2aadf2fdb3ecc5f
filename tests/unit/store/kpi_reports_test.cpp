#include "store/kpi_reports.hpp"

#include <doctest/doctest.h>

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "store/kpi_fact_cache.hpp"
#include "ticket_fixture.hpp"

namespace hd::store::testing {
namespace {
using domain::kpi::GroupBy;
using domain::kpi::Metric;

constexpr std::array kEveryMetric{
    Metric::created,          Metric::first_response,     Metric::next_reply,
    Metric::first_resolution, Metric::full_resolution,    Metric::survey_sent,
    Metric::survey_answer,    Metric::sla_first_response, Metric::sla_next_reply,
    Metric::sla_resolution,   Metric::open_span,          Metric::pending_span};

std::vector<domain::kpi::GroupFigures> report(Desk& desk, kpi::FactCache& cache,
                                              const std::vector<Millis>& bounds, GroupBy by,
                                              std::size_t split_from) {
  return desk.db().read_blocking([&](Connection& c) {
    domain::kpi::ReportBuilder builder(bounds, by, bounds.size() > 2);
    kpi::feed_report(c, cache, bounds, {}, builder, kEveryMetric, split_from);
    return builder.finish();
  });
}

}  // namespace

TEST_CASE("a report fed half on a second thread has the figures of one fed on one") {
  Desk desk;
  for (int i = 0; i < 24; ++i) {  // over four days: replies, waits, resolutions, a reopen
    const Millis at = kT0 + i * 4 * kHour;
    const Id id = desk.create(ticket_about("scanner " + std::to_string(i)), at).id;
    if (i % 3 == 0) continue;  // left open
    desk.reply(id, at + (i + 1) * 7 * kMinute,
               i % 2 ? domain::Status::pending : domain::Status::open);
    if (i % 4 == 1) desk.customer_writes(id, at + 5 * kHour);
    desk.move(id, domain::Status::resolved, Desk::as(desk.agent), at + 9 * kHour);
    if (i % 5 == 2) desk.customer_writes(id, at + 30 * kHour);
  }
  kpi::FactCache cache;
  const std::vector<Millis> days{kT0, kT0 + kDay, kT0 + 2 * kDay, kT0 + 3 * kDay, kT0 + 5 * kDay};
  for (const auto& bounds : {days, std::vector<Millis>{days.front(), days.back()}})
    for (const GroupBy by : {GroupBy::none, GroupBy::agent, GroupBy::team}) {
      const auto one = report(desk, cache, bounds, by, std::numeric_limits<std::size_t>::max());
      const auto split = report(desk, cache, bounds, by, 0);
      REQUIRE(split.size() == one.size());
      for (std::size_t i = 0; i < one.size(); ++i) {
        CHECK(split[i].key == one[i].key);
        CHECK(split[i].total == one[i].total);
        CHECK(split[i].series == one[i].series);
      }
    }
  // The desk's own figures, so that equal means something: 24 created, 16 first responses.
  const auto whole = report(desk, cache, {days.front(), days.back()}, GroupBy::none, 0);
  CHECK(whole.at(0).total.volume == 24);
  CHECK(whole.at(0).total.first_response.n == 16);
  CHECK(whole.at(0).total.first_resolution.n == 16);
}

}  // namespace hd::store::testing

namespace hd::store::testing {

TEST_CASE("reading ahead keeps the newest days' facts, and reports then read the same figures") {
  Desk desk;
  kpi::FactCache ahead, cold;
  desk.db().read_blocking([&](Connection& c) {  // an empty desk: nothing to read
    kpi::warm_recent_facts(c, ahead, 92 * kDay);
    return 0;
  });
  CHECK(ahead.bytes() == 0);
  for (int i = 0; i < 6; ++i) {
    const Id id = desk.create(ticket_about("lamp " + std::to_string(i)), kT0 + i * kDay).id;
    desk.reply(id, kT0 + i * kDay + kHour);
  }
  desk.db().read_blocking([&](Connection& c) {
    kpi::warm_recent_facts(c, ahead, 92 * kDay);
    return 0;
  });
  CHECK(ahead.bytes() > 0);
  const std::vector<Millis> bounds{kT0, kT0 + 3 * kDay, kT0 + 7 * kDay};
  const auto warm = report(desk, ahead, bounds, GroupBy::none, kpi::kSplitReportsFrom);
  const auto fresh = report(desk, cold, bounds, GroupBy::none, kpi::kSplitReportsFrom);
  CHECK(warm.at(0).total == fresh.at(0).total);
  CHECK(warm.at(0).total.first_response.n == 6);
}

}  // namespace hd::store::testing
