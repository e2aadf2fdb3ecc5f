#include "domain/clock.hpp"

#include <doctest/doctest.h>

namespace hd::domain {

TEST_CASE("ManualClock: moves only when told to") {
  ManualClock clock(1'700'000'000'000);
  const Clock& as_clock = clock;  // used through the interface, as components do
  CHECK(as_clock.now_ms() == 1'700'000'000'000);
  CHECK(as_clock.now_ms() == 1'700'000'000'000);
  clock.advance(1500);
  CHECK(as_clock.now_ms() == 1'700'000'001'500);
  clock.set(42);  // may go backwards: tests write history in any order they like
  CHECK(as_clock.now_ms() == 42);
  clock.advance(0);
  CHECK(as_clock.now_ms() == 42);
}

TEST_CASE("SystemClock: UTC milliseconds since the Unix epoch") {
  const SystemClock clock;
  const Millis first = clock.now_ms();
  CHECK(first > 1'700'000'000'000);  // after November 2023: milliseconds, not seconds
  CHECK(first < 4'102'444'800'000);  // before 2100: not microseconds
  CHECK(clock.now_ms() >= first);
}

}  // namespace hd::domain
