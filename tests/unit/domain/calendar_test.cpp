#include "domain/calendar.hpp"

#include <doctest/doctest.h>

namespace hd::domain {

TEST_CASE("AlwaysOpenCalendar: every millisecond counts") {
  const AlwaysOpenCalendar wall;
  const Calendar& calendar = wall;
  CHECK(calendar.elapsed(0, 0) == 0);
  CHECK(calendar.elapsed(1'700'000'000'000, 1'700'000'000'000) == 0);
  CHECK(calendar.elapsed(1'700'000'000'000, 1'700'000'000'001) == 1);
  CHECK(calendar.elapsed(1'700'000'000'000, 1'700'086'400'000) == 86'400'000);
  // Additive: a duration split at any instant sums to the whole.
  CHECK(calendar.elapsed(10, 25) + calendar.elapsed(25, 70) == calendar.elapsed(10, 70));
}

}  // namespace hd::domain
