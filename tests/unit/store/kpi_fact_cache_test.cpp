#include "store/kpi_fact_cache.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "store/raw_statement.hpp"
#include "store/read_snapshot.hpp"
#include "ticket_fixture.hpp"

namespace hd::store::testing {
namespace {
using domain::kpi::FactRow;
using domain::kpi::Metric;

// What a report reads of a fact, comparable.
using Seen = std::tuple<Millis, std::optional<std::int64_t>, std::optional<std::int64_t>, int, int,
                        std::optional<std::int64_t>, Millis, Millis, Millis, int,
                        std::optional<int>, std::optional<int>, std::optional<int>>;

Seen seen(const FactRow& r) {
  const auto& f = r.fact;
  return {f.at,    f.agent,    r.team,  r.channel, r.priority, r.organization, r.created_at,
          f.value, f.business, f.flags, f.csat,    f.nps,      f.ces};
}

constexpr const char* kFactsOfMetric =
    "SELECT at, agent_id, team_id, channel, priority, organization_id, created_at, value, "
    "business, flags, csat, nps, ces FROM kpi_facts WHERE metric = :metric AND at >= :lo AND "
    "at <= :hi ORDER BY at, ticket_id, seq";

// The facts as the table holds them, read without the cache.
std::vector<Seen> from_table(Connection& db, Metric metric, Millis lo, Millis hi) {
  RawStatement s(db, kFactsOfMetric);
  s.bind(":metric", static_cast<std::int64_t>(metric));
  s.bind(":lo", lo);
  s.bind(":hi", hi);
  std::vector<Seen> out;
  auto id = [&](int c) -> std::optional<std::int64_t> {
    if (s.is_null(c)) return std::nullopt;
    return s.int64(c);
  };
  auto score = [&](int c) -> std::optional<int> {
    if (s.is_null(c)) return std::nullopt;
    return static_cast<int>(s.int64(c));
  };
  while (s.step())
    out.emplace_back(s.int64(0), id(1), id(2), static_cast<int>(s.int64(3)),
                     static_cast<int>(s.int64(4)), id(5), s.int64(6), s.int64(7), s.int64(8),
                     static_cast<int>(s.int64(9)), score(10), score(11), score(12));
  return out;
}

std::vector<Seen> from_cache(Connection& db, kpi::FactCache& cache, Metric metric, Millis lo,
                             Millis hi) {
  const ReadSnapshot snapshot(db);
  std::vector<Seen> out;
  cache.facts(db, metric, lo, hi).for_each([&](const FactRow& r) { out.push_back(seen(r)); });
  return out;
}

constexpr Metric kMetrics[] = {Metric::created,          Metric::first_response,
                               Metric::first_resolution, Metric::full_resolution,
                               Metric::open_span,        Metric::pending_span};
constexpr Millis kEnd = std::numeric_limits<Millis>::max();

// Every metric, over all time and over a window cutting days in half, through both caches.
void check_agree(Desk& desk, kpi::FactCache& roomy, kpi::FactCache& tiny) {
  desk.db().read_blocking([&](Connection& c) {
    for (const Metric m : kMetrics)
      for (const auto& [lo, hi] :
           {std::pair{Millis{0}, kEnd}, std::pair{kT0 + kDay / 2, kT0 + 2 * kDay + kHour}}) {
        CAPTURE(static_cast<int>(m));
        CAPTURE(lo);
        const auto want = from_table(c, m, lo, hi);
        CHECK(from_cache(c, roomy, m, lo, hi) == want);
        CHECK(from_cache(c, tiny, m, lo, hi) == want);
      }
    return 0;
  });
}

}  // namespace

TEST_CASE("the fact cache reads what the table holds after every change, whatever its budget") {
  Desk desk;
  kpi::FactCache roomy, tiny(1);  // tiny: every day is dropped as soon as the next is kept
  check_agree(desk, roomy, tiny);
  std::vector<Id> ids;
  for (int i = 0; i < 9; ++i) {  // three days, three tickets each
    ids.push_back(desk.create(ticket_about("printer " + std::to_string(i)), kT0 + i * kDay / 3).id);
    check_agree(desk, roomy, tiny);
  }
  for (std::size_t i = 0; i < ids.size(); i += 2) {
    desk.reply(ids[i], kT0 + 3 * kDay + kHour * static_cast<Millis>(i), domain::Status::pending);
    check_agree(desk, roomy, tiny);
  }
  desk.move(ids[0], domain::Status::resolved, Desk::as(desk.agent), kT0 + 4 * kDay);
  desk.move(ids[1], domain::Status::resolved, Desk::as(desk.agent), kT0 + 4 * kDay);
  check_agree(desk, roomy, tiny);
  desk.customer_writes(ids[0], kT0 + 5 * kDay);  // reopens: a first resolution is flagged
  check_agree(desk, roomy, tiny);
  CHECK(tiny.bytes() < roomy.bytes());
}

TEST_CASE("the fact cache keeps facts before 1970 and running spans on the days SQL gives them") {
  Desk desk;
  kpi::FactCache cache;
  const Millis before_1970 = -kDay - kHour, just_before_1970 = -kHour;
  desk.create(ticket_about("typewriter"), before_1970);
  desk.create(ticket_about("telex"), just_before_1970);
  desk.create(ticket_about("modem"), kHour);
  desk.db().read_blocking([&](Connection& c) {
    for (const Metric m : {Metric::created, Metric::open_span}) {
      CHECK(from_cache(c, cache, m, std::numeric_limits<Millis>::min(), kEnd) ==
            from_table(c, m, std::numeric_limits<Millis>::min(), kEnd));
      CHECK(from_cache(c, cache, m, -kDay, kDay) == from_table(c, m, -kDay, kDay));
    }
    CHECK(from_table(c, Metric::created, std::numeric_limits<Millis>::min(), kEnd).size() == 3);
    return 0;
  });
}

}  // namespace hd::store::testing
