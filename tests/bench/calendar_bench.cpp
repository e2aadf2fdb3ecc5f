// Prints how long the two business-calendar functions take on a typical office week:
// Europe/Berlin, Monday-Friday with a lunch break, ten holidays (yearly and one-off, one
// half-day). Not a test: it never fails on slow figures. Run with tests/bench/calendar.sh.
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "domain/business_calendar.hpp"

namespace {

using hd::domain::Millis;

hd::domain::CalendarSpec typical_week() {
  hd::domain::CalendarSpec spec;
  spec.time_zone = "Europe/Berlin";
  for (int d = 0; d < 5; ++d) spec.hours[d] = {{"09:00", "12:30"}, {"13:15", "17:00"}};
  spec.holidays = {{"2026-01-01", true, {}, {}, "New Year"},
                   {"2026-04-03", false, {}, {}, "Good Friday"},
                   {"2026-04-06", false, {}, {}, "Easter Monday"},
                   {"2026-05-01", true, {}, {}, "Labour Day"},
                   {"2026-05-14", false, {}, {}, "Ascension"},
                   {"2026-05-25", false, {}, {}, "Whit Monday"},
                   {"2026-10-03", true, {}, {}, "Unity Day"},
                   {"2026-12-24", true, std::string("12:00"), std::string("24:00"), "Eve"},
                   {"2026-12-25", true, {}, {}, "Christmas"},
                   {"2026-12-26", true, {}, {}, "Boxing Day"}};
  return spec;
}

template <class F>
double ns_per_call(std::size_t calls, F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  const auto spent = std::chrono::steady_clock::now() - start;
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(spent).count()) /
         static_cast<double>(calls);
}

}  // namespace

int main() {
  const auto built = hd::domain::BusinessCalendar::build(typical_week());
  if (!built.calendar) return 1;
  const auto& cal = *built.calendar;

  constexpr std::size_t kCalls = 1'000'000;
  std::mt19937_64 rng(42);
  const Millis base = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  std::vector<Millis> from(kCalls);
  std::vector<Millis> amount(kCalls);
  const Millis targets[] = {30, 60, 120, 240, 480, 960, 2400};  // business minutes
  for (std::size_t i = 0; i < kCalls; ++i) {
    from[i] = base + static_cast<Millis>(rng() % (730ULL * 86'400'000));
    amount[i] = targets[rng() % 7] * 60'000;
  }

  Millis sink = 0;
  cal.advance(from[0], amount[0]);  // loads the zone's transitions once
  const double due_ns = ns_per_call(kCalls, [&] {
    for (std::size_t i = 0; i < kCalls; ++i) sink += cal.advance(from[i], amount[i]);
  });
  const double span_ns = ns_per_call(kCalls, [&] {
    for (std::size_t i = 0; i < kCalls; ++i) sink += cal.elapsed(from[i], from[i] + 3 * 86'400'000);
  });
  std::printf("calendar: Europe/Berlin, Mon-Fri 09:00-12:30 + 13:15-17:00, 10 holidays\n");
  std::printf("due time (advance, 30 min .. 40 h):   %8.1f ns per call (%zu calls, goal <= 2000)\n",
              due_ns, kCalls);
  std::printf("business duration (3-day span):      %8.1f ns per call (%zu calls)\n", span_ns,
              kCalls);
  std::printf("(checksum %lld)\n", static_cast<long long>(sink % 1000));
  return 0;
}
