#include "domain/business_calendar.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>
#include <string>

namespace hd::domain {
namespace {

constexpr Millis kMin = 60'000;
constexpr Millis kHour = 60 * kMin;

/// The UTC instant of a local wall-clock time "YYYY-MM-DD HH:MM" in `zone` (earliest if the
/// time happens twice).
Millis local(const std::string& zone, const std::string& when) {
  std::istringstream in(when);
  date::local_time<std::chrono::minutes> t;
  in >> date::parse("%F %H:%M", t);
  REQUIRE(!in.fail());
  const auto sys = date::locate_zone(zone)->to_sys(t, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

Millis utc(const std::string& when) {
  return local("UTC", when);
}

std::shared_ptr<const BusinessCalendar> make(const CalendarSpec& spec) {
  auto built = BusinessCalendar::build(spec);
  for (const auto& p : built.problems) INFO(p.field << ": " << p.message);
  REQUIRE(built.problems.empty());
  REQUIRE(built.calendar);
  return built.calendar;
}

CalendarSpec office(const std::string& zone) {
  CalendarSpec spec;
  spec.time_zone = zone;
  for (int d = 0; d < 5; ++d) spec.hours[d] = {{"09:00", "17:00"}};
  return spec;
}

CalendarSpec around_the_clock(const std::string& zone) {
  CalendarSpec spec;
  spec.time_zone = zone;
  for (auto& day : spec.hours) day = {{"00:00", "24:00"}};
  return spec;
}

bool has_problem(const CalendarBuild& built, const std::string& field) {
  return std::any_of(built.problems.begin(), built.problems.end(),
                     [&](const FieldProblem& p) { return p.field == field; });
}

}  // namespace

TEST_CASE("parse_clock_time accepts HH:MM from 00:00 to 24:00 only") {
  CHECK(parse_clock_time("00:00") == 0);
  CHECK(parse_clock_time("09:30") == 570);
  CHECK(parse_clock_time("24:00") == 1440);
  CHECK(!parse_clock_time("24:01"));
  CHECK(!parse_clock_time("25:00"));
  CHECK(!parse_clock_time("9:30"));
  CHECK(!parse_clock_time("09:60"));
  CHECK(!parse_clock_time("09-30"));
  CHECK(!parse_clock_time(""));
}

TEST_CASE("validation names every bad field at once") {
  CalendarSpec spec;
  spec.time_zone = "Mars/Olympus_Mons";
  spec.hours[0] = {{"09:00", "12:30"}, {"12:00", "17:00"}};  // overlap
  spec.hours[1] = {{"9am", "17:00"}};                        // bad start
  spec.hours[2] = {{"09:00", "24:30"}};                      // bad end
  spec.hours[3] = {{"24:00", "06:00"}};                      // 24:00 is no start
  spec.holidays = {{"2026-02-30", true, std::nullopt, std::nullopt, "no such day"},
                   {"2026-12-24", false, std::string("12:00"), std::nullopt, "half"},
                   {"2026-12-31", false, std::string("15:00"), std::string("10:00"), "back"}};
  const auto built = BusinessCalendar::build(spec);
  CHECK(!built.calendar);
  CHECK(has_problem(built, "time_zone"));
  CHECK(has_problem(built, "hours.mon[1]"));
  CHECK(has_problem(built, "hours.tue[0]"));
  CHECK(has_problem(built, "hours.wed[0]"));
  CHECK(has_problem(built, "hours.thu[0]"));
  CHECK(has_problem(built, "holidays[0].date"));
  CHECK(has_problem(built, "holidays[1].to"));
  CHECK(has_problem(built, "holidays[2].to"));
  CHECK(built.problems.size() == 8);
}

TEST_CASE("validation: empty week, missing zone, overnight overlap into the next day") {
  CalendarSpec empty;
  empty.time_zone = "Europe/Berlin";
  auto built = BusinessCalendar::build(empty);
  CHECK(!built.calendar);
  CHECK(has_problem(built, "hours"));

  CalendarSpec no_zone = office("");
  built = BusinessCalendar::build(no_zone);
  CHECK(has_problem(built, "time_zone"));

  CalendarSpec night = office("Europe/Berlin");
  night.hours[0] = {{"22:00", "06:00"}};  // runs into Tuesday 09:00? no: ends 06:00
  night.hours[1] = {{"05:00", "17:00"}};  // starts before Monday's night shift ends
  built = BusinessCalendar::build(night);
  CHECK(!built.calendar);
  CHECK(has_problem(built, "hours.tue[0]"));

  CalendarSpec too_many = office("Europe/Berlin");
  too_many.hours[4].clear();
  for (int h = 0; h < 9; ++h) {
    const auto hh = (h < 10 ? "0" : "") + std::to_string(h);
    too_many.hours[4].push_back({hh + ":00", hh + ":30"});
  }
  built = BusinessCalendar::build(too_many);
  CHECK(has_problem(built, "hours.fri"));

  // Touching intervals are fine and count as one.
  CalendarSpec touching = office("Europe/Berlin");
  touching.hours[0] = {{"09:00", "12:00"}, {"12:00", "17:00"}};
  CHECK(BusinessCalendar::build(touching).calendar);
}

TEST_CASE("office hours: weekends and lunch breaks don't count") {
  auto spec = office("Europe/Berlin");
  spec.hours[0] = {{"09:00", "12:30"}, {"13:15", "17:00"}};
  const auto cal = make(spec);
  const std::string z = "Europe/Berlin";
  // Friday 2026-11-27 16:00 + 120 min: one hour on Friday, then Monday 09:00 + 60.
  CHECK(cal->advance(local(z, "2026-11-27 16:00"), 120 * kMin) == local(z, "2026-11-30 10:00"));
  // Monday: 3.5 h in the morning, the lunch break skipped.
  CHECK(cal->advance(local(z, "2026-11-30 09:00"), 240 * kMin) == local(z, "2026-11-30 13:45"));
  CHECK(cal->elapsed(local(z, "2026-11-30 12:00"), local(z, "2026-11-30 14:00")) == 75 * kMin);
  // A whole week: 7h15 Monday + 4 x 8h.
  CHECK(cal->elapsed(local(z, "2026-11-30 00:00"), local(z, "2026-12-07 00:00")) ==
        (7 * 60 + 15 + 4 * 480) * kMin);
  // Exactly the rest of Friday: due at closing time, not Monday morning.
  CHECK(cal->advance(local(z, "2026-11-27 16:00"), 60 * kMin) == local(z, "2026-11-27 17:00"));
  // From closed time: counting starts at the next opening.
  CHECK(cal->advance(local(z, "2026-11-28 11:00"), 30 * kMin) == local(z, "2026-11-30 09:30"));
  CHECK(cal->advance(local(z, "2026-11-28 11:00"), 0) == local(z, "2026-11-28 11:00"));
  CHECK(cal->elapsed(local(z, "2026-11-28 00:00"), local(z, "2026-11-30 00:00")) == 0);
  CHECK(cal->is_open(local(z, "2026-11-30 09:00")));
  CHECK(!cal->is_open(local(z, "2026-11-30 12:30")));
  CHECK(!cal->is_open(local(z, "2026-11-30 17:00")));
}

TEST_CASE("month and year ends are ordinary midnights") {
  const auto cal = make(office("Europe/Berlin"));
  const std::string z = "Europe/Berlin";
  // Thu 2026-12-31 16:00 + 2h -> Fri 2027-01-01 10:00 (no holidays on this calendar).
  CHECK(cal->advance(local(z, "2026-12-31 16:00"), 2 * kHour) == local(z, "2027-01-01 10:00"));
  // Fri 2027-04-30 16:30 + 1h -> Mon 2027-05-03 09:30.
  CHECK(cal->advance(local(z, "2027-04-30 16:30"), kHour) == local(z, "2027-05-03 09:30"));
  // Leap day 2028-02-29 (Tuesday) is a normal working day.
  CHECK(cal->elapsed(local(z, "2028-02-28 12:00"), local(z, "2028-03-01 12:00")) == 16 * kHour);
}

TEST_CASE("DST spring and autumn: America/New_York") {
  const std::string z = "America/New_York";
  const auto always = make(around_the_clock(z));
  // 2026-03-08: 02:00 -> 03:00, the local day has 23 hours.
  CHECK(always->elapsed(local(z, "2026-03-08 00:00"), local(z, "2026-03-09 00:00")) == 23 * kHour);
  // 2026-11-01: 02:00 -> 01:00, 25 hours.
  CHECK(always->elapsed(local(z, "2026-11-01 00:00"), local(z, "2026-11-02 00:00")) == 25 * kHour);

  auto nights = office(z);
  for (auto& d : nights.hours) d = {{"22:00", "06:00"}};
  const auto night = make(nights);
  // The overnight shift Sat 22:00 -> Sun 06:00 lasts 7 real hours in spring, 9 in autumn.
  CHECK(night->elapsed(local(z, "2026-03-07 21:00"), local(z, "2026-03-08 07:00")) == 7 * kHour);
  CHECK(night->elapsed(local(z, "2026-10-31 21:00"), local(z, "2026-11-01 07:00")) == 9 * kHour);
  CHECK(night->advance(local(z, "2026-03-07 22:00"), 7 * kHour) == local(z, "2026-03-08 06:00"));
  CHECK(night->advance(local(z, "2026-10-31 22:00"), 9 * kHour) == local(z, "2026-11-01 06:00"));

  // Office hours: Friday before the change + 2h lands on Monday after it, in EDT.
  const auto cal = make(office(z));
  CHECK(cal->advance(local(z, "2026-03-06 16:00"), 2 * kHour) == utc("2026-03-09 14:00"));
  CHECK(cal->advance(local(z, "2026-10-30 16:00"), 2 * kHour) == utc("2026-11-02 15:00"));
}

TEST_CASE("DST spring and autumn: Europe/Berlin") {
  const std::string z = "Europe/Berlin";
  CalendarSpec spec = around_the_clock(z);
  spec.hours[6] = {{"01:00", "04:00"}};  // Sundays: the hours around the change
  const auto cal = make(spec);
  // 2026-03-29: 02:00 CET -> 03:00 CEST; 01:00-04:00 holds two real hours.
  CHECK(cal->elapsed(local(z, "2026-03-29 00:00"), local(z, "2026-03-29 12:00")) == 2 * kHour);
  CHECK(cal->advance(local(z, "2026-03-29 00:30"), 90 * kMin) == local(z, "2026-03-29 03:30"));
  // 2026-10-25: 03:00 CEST -> 02:00 CET; 01:00-04:00 holds four real hours.
  CHECK(cal->elapsed(local(z, "2026-10-25 00:00"), local(z, "2026-10-25 12:00")) == 4 * kHour);
  CHECK(cal->advance(local(z, "2026-10-25 01:00"), 2 * kHour) == utc("2026-10-25 01:00"));
  // Office week across the spring change: Fri 16:00 CET + 2h = Mon 10:00 CEST = 08:00 UTC.
  const auto week = make(office(z));
  CHECK(week->advance(local(z, "2026-03-27 16:00"), 2 * kHour) == utc("2026-03-30 08:00"));
}

TEST_CASE("DST spring and autumn: Australia/Sydney (southern hemisphere)") {
  const std::string z = "Australia/Sydney";
  const auto always = make(around_the_clock(z));
  // 2026-04-05: 03:00 AEDT -> 02:00 AEST (autumn, 25 h); 2026-10-04: 02:00 -> 03:00 (23 h).
  CHECK(always->elapsed(local(z, "2026-04-05 00:00"), local(z, "2026-04-06 00:00")) == 25 * kHour);
  CHECK(always->elapsed(local(z, "2026-10-04 00:00"), local(z, "2026-10-05 00:00")) == 23 * kHour);
  CalendarSpec spec = office(z);
  spec.hours[6] = {{"01:00", "04:00"}};
  const auto cal = make(spec);
  CHECK(cal->elapsed(local(z, "2026-04-05 00:00"), local(z, "2026-04-05 12:00")) == 4 * kHour);
  CHECK(cal->elapsed(local(z, "2026-10-04 00:00"), local(z, "2026-10-04 12:00")) == 2 * kHour);
  // Saturday 12:00 + 3h: the Sunday window (2 real hours) then Monday 09:00 + 1h.
  CHECK(cal->advance(local(z, "2026-10-03 12:00"), 3 * kHour) == local(z, "2026-10-05 10:00"));
}

TEST_CASE("24/7 has no gap at midnight and counts every millisecond") {
  for (const std::string z : {"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"}) {
    const auto cal = make(around_the_clock(z));
    const Millis midnight = local(z, "2026-06-01 00:00");
    CHECK(cal->is_open(midnight));
    CHECK(cal->is_open(midnight - 1));
    CHECK(cal->elapsed(midnight - 1, midnight + 1) == 2);
    const Millis a = utc("2026-01-01 00:00") + 123;
    const Millis b = utc("2027-01-01 00:00") + 4567;
    CHECK(cal->elapsed(a, b) == b - a);
    CHECK(cal->advance(a, b - a) == b);
    CHECK(cal->advance(midnight - 1, 2) == midnight + 1);
  }
}

TEST_CASE("holidays: whole, partial, yearly, one-off, on weekends") {
  const std::string z = "Europe/Berlin";
  auto spec = office(z);
  spec.holidays = {{"2025-12-25", true, std::nullopt, std::nullopt, "Christmas"},
                   {"2026-12-24", false, std::string("12:00"), std::string("24:00"), "Eve"},
                   {"2026-11-28", false, std::nullopt, std::nullopt, "a Saturday"}};
  const auto cal = make(spec);
  const auto plain = make(office(z));
  // Thu 2026-12-24 10:00 + 3h: 2h until the half-day holiday starts, Christmas Friday (yearly,
  // written for 2025), the weekend, then Monday 09:00 + 1h.
  CHECK(cal->advance(local(z, "2026-12-24 10:00"), 3 * kHour) == local(z, "2026-12-28 10:00"));
  CHECK(plain->advance(local(z, "2026-12-24 10:00"), 3 * kHour) == local(z, "2026-12-24 13:00"));
  // A holiday on a Saturday changes nothing.
  CHECK(cal->elapsed(local(z, "2026-11-23 00:00"), local(z, "2026-11-30 00:00")) == 40 * kHour);
  // 2027-12-25 is a Saturday: the yearly holiday costs nothing that week; the one-off Eve is
  // not repeated in 2027.
  CHECK(cal->elapsed(local(z, "2027-12-20 00:00"), local(z, "2027-12-27 00:00")) == 40 * kHour);
  // 2026: Eve loses 5h (12:00-17:00), Christmas 8h.
  CHECK(cal->elapsed(local(z, "2026-12-21 00:00"), local(z, "2026-12-28 00:00")) == 27 * kHour);
}

TEST_CASE("overnight shifts and a holiday cutting one at midnight") {
  const std::string z = "Europe/Berlin";
  CalendarSpec spec;
  spec.time_zone = z;
  for (int d = 0; d < 5; ++d) spec.hours[d] = {{"22:00", "06:00"}};
  const auto cal = make(spec);
  // Mon..Fri nights: 5 x 8h, from Monday 00:00 (Sunday had no shift) to the next Monday.
  CHECK(cal->elapsed(local(z, "2026-11-30 00:00"), local(z, "2026-12-07 00:00")) == 40 * kHour);
  CHECK(cal->advance(local(z, "2026-11-30 12:00"), 3 * kHour) == local(z, "2026-12-01 01:00"));
  CHECK(cal->is_open(local(z, "2026-12-05 05:59")));  // Friday's shift, Saturday morning
  CHECK(!cal->is_open(local(z, "2026-12-05 22:00")));
  // A holiday on Tuesday closes Monday's shift after midnight and Tuesday's before it.
  spec.holidays = {{"2026-12-01", false, std::nullopt, std::nullopt, "Tuesday off"}};
  const auto off = make(spec);
  CHECK(off->elapsed(local(z, "2026-11-30 00:00"), local(z, "2026-12-07 00:00")) == 32 * kHour);
  CHECK(off->advance(local(z, "2026-11-30 23:00"), 2 * kHour) == local(z, "2026-12-02 01:00"));
}

// ---- properties over random calendars, checked against a minute-by-minute oracle ----

namespace {

const std::array<std::string, 6> kZones{
    "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
    "UTC",           "America/Sao_Paulo"};

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

CalendarSpec random_calendar(std::mt19937_64& rng) {
  CalendarSpec spec;
  spec.time_zone = kZones[rng() % kZones.size()];
  const bool overnight = rng() % 4 == 0;
  for (std::size_t d = 0; d < 7; ++d) {
    if (rng() % 5 == 0) continue;  // a closed day
    if (overnight) {
      // 18:00-24:00 start, ending 01:00-06:00 the next day: never overlaps the next start.
      const int from = 18 * 60 + static_cast<int>(rng() % 300) / 15 * 15;
      const int to = 60 + static_cast<int>(rng() % 300) / 15 * 15;
      spec.hours[d] = {{hhmm(from), hhmm(to)}};
      continue;
    }
    int at = static_cast<int>(rng() % 600);
    const int pieces = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < pieces && at < 1439; ++i) {
      const int len = 1 + static_cast<int>(rng() % 400);
      const int end = std::min(1440, at + len);
      spec.hours[d].push_back({hhmm(at), hhmm(end)});
      at = end + 1 + static_cast<int>(rng() % 120);
    }
  }
  if (std::all_of(spec.hours.begin(), spec.hours.end(), [](auto& d) { return d.empty(); }))
    spec.hours[2] = {{"02:30", "03:30"}};  // through DST hours in many zones
  for (int i = 0; i < static_cast<int>(rng() % 4); ++i) {
    HolidaySpec h;
    h.date =
        "2026-" + hhmm(static_cast<int>(rng() % 12 + 1) * 60 + static_cast<int>(rng() % 28) + 1)
                      .replace(2, 1, "-");
    h.yearly = rng() % 2 == 0;
    if (rng() % 2 == 0) {
      const int from = static_cast<int>(rng() % 1380);
      h.from = hhmm(from);
      h.to = hhmm(from + 1 + static_cast<int>(rng() % (1440 - from)));
    }
    spec.holidays.push_back(h);
  }
  return spec;
}

/// Whether `at` is open, straight from the spec and the zone's local time: an independent
/// reading of the rules, minute by minute.
bool oracle_open(const CalendarSpec& spec, Millis at) {
  using namespace std::chrono;
  const auto lt =
      date::locate_zone(spec.time_zone)->to_local(sys_time<milliseconds>{milliseconds{at}});
  const auto day = date::floor<date::days>(lt);
  const int minute = static_cast<int>(duration_cast<minutes>(lt - day).count());
  const date::year_month_day ymd{date::sys_days{day.time_since_epoch()}};
  const int wd = static_cast<int>((date::weekday{ymd}.c_encoding() + 6) % 7);  // Monday 0
  for (const auto& h : spec.holidays) {
    const auto hd = std::stoi(h.date.substr(0, 4));
    const auto hm = static_cast<unsigned>(std::stoi(h.date.substr(5, 2)));
    const auto hday = static_cast<unsigned>(std::stoi(h.date.substr(8, 2)));
    if (static_cast<unsigned>(ymd.month()) != hm || static_cast<unsigned>(ymd.day()) != hday)
      continue;
    if (!h.yearly && static_cast<int>(ymd.year()) != hd) continue;
    const int from = h.from ? *parse_clock_time(*h.from) : 0;
    const int to = h.to ? *parse_clock_time(*h.to) : 1440;
    if (minute >= from && minute < to) return false;
  }
  for (const auto& iv : spec.hours[static_cast<std::size_t>(wd)]) {
    const int f = *parse_clock_time(iv.from), t = *parse_clock_time(iv.to);
    if (t > f ? (minute >= f && minute < t) : minute >= f) return true;
  }
  for (const auto& iv : spec.hours[static_cast<std::size_t>((wd + 6) % 7)]) {
    const int f = *parse_clock_time(iv.from), t = *parse_clock_time(iv.to);
    if (t <= f && minute < t) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("property: random calendars agree with a minute-by-minute oracle") {
  std::mt19937_64 rng(20261130);
  for (int round = 0; round < 40; ++round) {
    const auto spec = random_calendar(rng);
    const auto cal = make(spec);
    // Three days around a random instant of 2026, often near a DST change.
    const Millis start = utc("2026-01-01 00:00") + static_cast<Millis>(rng() % (365 * 24)) * kHour;
    Millis expected = 0;
    for (Millis t = start; t < start + 3 * 24 * kHour; t += kMin) {
      const bool open = oracle_open(spec, t);
      INFO(spec.time_zone << " at " << t);
      REQUIRE(cal->is_open(t) == open);
      if (open) expected += kMin;
    }
    CHECK(cal->elapsed(start, start + 3 * 24 * kHour) == expected);
  }
}

TEST_CASE("property: durations add up and advance inverts elapsed") {
  std::mt19937_64 rng(7);
  const Millis base = utc("2026-01-01 00:00");
  for (int round = 0; round < 200; ++round) {
    const auto spec = random_calendar(rng);
    const auto cal = make(spec);
    for (int i = 0; i < 20; ++i) {
      std::array<Millis, 3> t{};
      for (auto& x : t) x = base + static_cast<Millis>(rng() % (800LL * 24 * 3600 * 1000));
      std::sort(t.begin(), t.end());
      const auto [a, b, c] = t;
      INFO(spec.time_zone << " a=" << a << " b=" << b << " c=" << c);
      CHECK(cal->elapsed(a, c) == cal->elapsed(a, b) + cal->elapsed(b, c));
      if (cal->is_open(b)) CHECK(cal->advance(a, cal->elapsed(a, b)) == b);
      // From any start, advancing by an amount spends exactly that amount.
      const Millis amount = static_cast<Millis>(rng() % (40LL * 3600 * 1000));
      const Millis due = cal->advance(a, amount);
      CHECK(due >= a);
      CHECK(cal->elapsed(a, due) == amount);
      if (amount > 0) CHECK(cal->elapsed(a, due - 1) < amount);  // and it is the earliest
    }
  }
}

}  // namespace hd::domain
