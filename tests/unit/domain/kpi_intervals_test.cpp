#include "domain/kpi_intervals.hpp"

#include <doctest/doctest.h>

using namespace hd::domain;
using namespace hd::domain::kpi;

namespace {
constexpr Millis kHour = 3'600'000, kDay = 24 * kHour;
// 2026-03-29T00:00:00Z (a Sunday: Europe/Berlin springs forward at 01:00 UTC).
constexpr Millis kMar29 = 1774742400000;
// 2026-10-25T00:00:00Z (a Sunday: Europe/Berlin falls back at 01:00 UTC).
constexpr Millis kOct25 = 1792886400000;
}  // namespace

TEST_CASE("interval names and zones") {
  CHECK(parse_interval("day") == Interval::day);
  CHECK(parse_interval("week") == Interval::week);
  CHECK(parse_interval("month") == Interval::month);
  CHECK_FALSE(parse_interval("Week"));
  CHECK(find_time_zone("Europe/Berlin") != nullptr);
  CHECK(find_time_zone("UTC") != nullptr);
  CHECK(find_time_zone("Mars/Olympus") == nullptr);
  CHECK(find_time_zone("") == nullptr);
}

TEST_CASE("days in UTC are 24 hours and the first is cut at from") {
  const auto b =
      interval_bounds(kMar29 + 5 * kHour, kMar29 + 3 * kDay, Interval::day, find_time_zone("UTC"));
  REQUIRE(b.size() == 4);
  CHECK(b[0] == kMar29 + 5 * kHour);
  CHECK(b[1] == kMar29 + kDay);
  CHECK(b[2] == kMar29 + 2 * kDay);
  CHECK(b[3] == kMar29 + 3 * kDay);
  CHECK(interval_index(b, kMar29 + 5 * kHour) == 0);
  CHECK(interval_index(b, kMar29 + kDay - 1) == 0);
  CHECK(interval_index(b, kMar29 + kDay) == 1);
}

TEST_CASE("a spring-forward day has 23 hours, a fall-back day 25") {
  const auto* berlin = find_time_zone("Europe/Berlin");
  // Local midnight of 29 March is 23:00Z on the 28th (UTC+1); of 30 March 22:00Z (UTC+2).
  auto b = interval_bounds(kMar29 - kHour, kMar29 + 2 * kDay, Interval::day, berlin);
  REQUIRE(b.size() >= 3);
  CHECK(b[0] == kMar29 - kHour);
  CHECK(b[1] == kMar29 + kDay - 2 * kHour);
  CHECK(b[1] - b[0] == 23 * kHour);
  // Local midnight of 25 October is 22:00Z on the 24th; of 26 October 23:00Z on the 25th.
  b = interval_bounds(kOct25 - 2 * kHour, kOct25 + 2 * kDay, Interval::day, berlin);
  CHECK(b[0] == kOct25 - 2 * kHour);
  CHECK(b[1] == kOct25 + kDay - kHour);
  CHECK(b[1] - b[0] == 25 * kHour);
}

TEST_CASE("ISO weeks start on Monday, months on the first, in local time") {
  const auto* utc = find_time_zone("UTC");
  // 2026-03-29 is a Sunday; the next Monday is 30 March.
  auto b = interval_bounds(kMar29, kMar29 + 15 * kDay, Interval::week, utc);
  REQUIRE(b.size() == 4);
  CHECK(b[1] == kMar29 + kDay);
  CHECK(b[2] == kMar29 + 8 * kDay);
  CHECK(b[3] == kMar29 + 15 * kDay);
  b = interval_bounds(kMar29, kMar29 + 40 * kDay, Interval::month, utc);
  REQUIRE(b.size() == 4);
  CHECK(b[1] == kMar29 + 3 * kDay);   // 1 April
  CHECK(b[2] == kMar29 + 33 * kDay);  // 1 May
  const auto* ny = find_time_zone("America/New_York");
  b = interval_bounds(kMar29, kMar29 + 10 * kDay, Interval::month, ny);
  REQUIRE(b.size() == 3);
  CHECK(b[1] == kMar29 + 3 * kDay + 4 * kHour);  // 1 April 00:00 EDT = 04:00Z
}
