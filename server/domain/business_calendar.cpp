#include "domain/business_calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

namespace hd::domain {

namespace {

constexpr Millis kMinute = 60'000;
constexpr Millis kDay = 86'400'000;
constexpr int kDayMinutes = 1440;
/// Beyond this instant (year 9999) a zone's last offset is taken as final; also keeps the
/// seconds-to-milliseconds conversion of "forever" from overflowing.
constexpr Millis kHorizon = 253'402'300'800'000;
/// A calendar that has found no open minute in this many local days is treated as having none
/// (validation makes that unreachable: some weekday has hours, and yearly holidays can't cover
/// every date of a 28-year cycle with kMaxHolidays entries).
constexpr std::int64_t kMaxClosedDays = 366LL * 30;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Monday = 0; 1970-01-01 was a Thursday.
int weekday_of(std::int64_t day) {
  return static_cast<int>(((day + 3) % 7 + 7) % 7);
}

bool two_digits(std::string_view s, std::size_t at) {
  return s[at] >= '0' && s[at] <= '9' && s[at + 1] >= '0' && s[at + 1] <= '9';
}

std::optional<date::year_month_day> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, 0) || !two_digits(s, 2) ||
      !two_digits(s, 5) || !two_digits(s, 8))
    return std::nullopt;
  const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const unsigned m = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
  const unsigned d = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

/// Subtracts `cut` from the sorted, disjoint `ranges` in place.
void subtract(std::vector<BusinessCalendar::Range>& ranges, BusinessCalendar::Range cut) {
  std::vector<BusinessCalendar::Range> out;
  out.reserve(ranges.size() + 1);
  for (const auto& r : ranges) {
    if (r.end <= cut.begin || r.begin >= cut.end) {
      out.push_back(r);
      continue;
    }
    if (r.begin < cut.begin) out.push_back({r.begin, cut.begin});
    if (r.end > cut.end) out.push_back({cut.end, r.end});
  }
  ranges = std::move(out);
}

}  // namespace

std::optional<int> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':' || !two_digits(text, 0) || !two_digits(text, 3))
    return std::nullopt;
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

CalendarBuild BusinessCalendar::build(const CalendarSpec& spec) {
  CalendarBuild out;
  auto problem = [&](std::string field, std::string message) {
    out.problems.push_back({std::move(field), std::move(message)});
  };

  const date::time_zone* zone = nullptr;
  if (spec.time_zone.empty()) {
    problem("time_zone", "is required: an IANA time zone such as \"Europe/Berlin\"");
  } else {
    try {
      zone = date::locate_zone(spec.time_zone);
    } catch (const std::exception&) {
      problem("time_zone", "is not a known IANA time zone: \"" + spec.time_zone + "\"");
    }
  }

  // Each weekday's ranges with the field that made them, for overlap messages.
  struct Owned {
    Range range;
    std::string field;
  };
  std::array<std::vector<Owned>, 7> owned;
  bool any_hours = false;
  for (std::size_t w = 0; w < 7; ++w) {
    const std::string key = "hours." + std::string(kWeekdayKeys[w]);
    if (spec.hours[w].size() > kMaxIntervalsPerDay) {
      problem(key, "has more than " + std::to_string(kMaxIntervalsPerDay) + " intervals");
      continue;
    }
    for (std::size_t i = 0; i < spec.hours[w].size(); ++i) {
      const std::string field = key + "[" + std::to_string(i) + "]";
      const auto from = parse_clock_time(spec.hours[w][i].from);
      const auto to = parse_clock_time(spec.hours[w][i].to);
      bool ok = true;
      if (!from || *from == kDayMinutes) {
        problem(field, "starts at \"" + spec.hours[w][i].from +
                           "\": give a time from 00:00 to 23:59 as \"HH:MM\"");
        ok = false;
      }
      if (!to) {
        problem(field, "ends at \"" + spec.hours[w][i].to +
                           "\": give a time from 00:00 to 24:00 as \"HH:MM\"");
        ok = false;
      }
      if (!ok) continue;
      any_hours = true;
      if (*to > *from) {
        owned[w].push_back({{*from, *to}, field});
      } else {  // overnight: the rest of this day, then the next morning
        owned[w].push_back({{*from, kDayMinutes}, field});
        if (*to > 0) owned[(w + 1) % 7].push_back({{0, *to}, field});
      }
    }
  }
  if (!any_hours && out.problems.empty())
    problem("hours", "has no opening interval on any day: give at least one");

  std::array<std::vector<Range>, 7> week;
  for (std::size_t w = 0; w < 7; ++w) {
    auto& day = owned[w];
    std::sort(day.begin(), day.end(),
              [](const Owned& a, const Owned& b) { return a.range.begin < b.range.begin; });
    for (std::size_t i = 0; i < day.size(); ++i) {
      if (i > 0 && day[i].range.begin < day[i - 1].range.end) {
        problem(day[i].field,
                "overlaps " + day[i - 1].field + " on " + std::string(kWeekdayKeys[w]));
        continue;
      }
      if (!week[w].empty() && week[w].back().end == day[i].range.begin)
        week[w].back().end = day[i].range.end;  // touching intervals are one
      else
        week[w].push_back(day[i].range);
    }
  }

  std::vector<HolidayRule> holidays;
  if (spec.holidays.size() > kMaxHolidays)
    problem("holidays", "has more than " + std::to_string(kMaxHolidays) + " entries");
  for (std::size_t i = 0; i < spec.holidays.size() && i < kMaxHolidays; ++i) {
    const auto& h = spec.holidays[i];
    const std::string key = "holidays[" + std::to_string(i) + "]";
    const auto ymd = parse_date(h.date);
    if (!ymd) problem(key + ".date", "\"" + h.date + "\" is not a date as \"YYYY-MM-DD\"");
    Range closed{0, kDayMinutes};
    if (h.from.has_value() != h.to.has_value()) {
      problem(key + (h.from ? ".to" : ".from"), "is required when the other end is given");
      continue;
    }
    if (h.from) {
      const auto from = parse_clock_time(*h.from);
      const auto to = parse_clock_time(*h.to);
      if (!from || *from == kDayMinutes) {
        problem(key + ".from", "\"" + *h.from + "\" is not a time from 00:00 to 23:59");
        continue;
      }
      if (!to) {
        problem(key + ".to", "\"" + *h.to + "\" is not a time from 00:00 to 24:00");
        continue;
      }
      if (*to <= *from) {
        problem(key + ".to", "must be after from (a holiday closes part of one date)");
        continue;
      }
      closed = {*from, *to};
    }
    if (!ymd) continue;
    holidays.push_back({h.yearly, static_cast<int>(ymd->year()),
                        static_cast<unsigned>(ymd->month()), static_cast<unsigned>(ymd->day()),
                        closed});
  }

  if (!out.problems.empty()) return out;
  out.calendar =
      std::make_shared<const BusinessCalendar>(zone, std::move(week), std::move(holidays));
  return out;
}

BusinessCalendar::BusinessCalendar(const date::time_zone* zone,
                                   std::array<std::vector<Range>, 7> week,
                                   std::vector<HolidayRule> holidays)
    : zone_(zone), week_(std::move(week)), holidays_(std::move(holidays)) {
  for (const auto& h : holidays_) {
    if (h.yearly) {
      yearly_mask_.set((h.month - 1) * 31 + (h.day - 1));
      continue;
    }
    const auto day = date::sys_days{date::year{h.year} / date::month{h.month} / date::day{h.day}}
                         .time_since_epoch()
                         .count();
    if (first_one_off_ > last_one_off_) {
      first_one_off_ = last_one_off_ = day;
    } else {
      first_one_off_ = std::min<std::int64_t>(first_one_off_, day);
      last_one_off_ = std::max<std::int64_t>(last_one_off_, day);
    }
  }
}

const std::vector<BusinessCalendar::Range>& BusinessCalendar::open_ranges(
    std::int64_t day, std::vector<Range>& scratch) const {
  const auto& usual = week_[static_cast<std::size_t>(weekday_of(day))];
  if (holidays_.empty() || usual.empty()) return usual;
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  const auto month = static_cast<unsigned>(ymd.month());
  const auto dom = static_cast<unsigned>(ymd.day());
  const bool maybe_yearly = yearly_mask_.test((month - 1) * 31 + (dom - 1));
  const bool maybe_one_off = day >= first_one_off_ && day <= last_one_off_;
  if (!maybe_yearly && !maybe_one_off) return usual;
  const int year = static_cast<int>(ymd.year());
  scratch = usual;
  bool touched = false;
  for (const auto& h : holidays_) {
    if (h.month != month || h.day != dom || (!h.yearly && h.year != year)) continue;
    subtract(scratch, h.closed);
    touched = true;
  }
  return touched ? scratch : usual;
}

template <class F>
void BusinessCalendar::for_each_open(Millis from, Millis limit, F&& piece) const {
  using namespace std::chrono;
  std::vector<Range> scratch;
  std::int64_t closed_days = 0;
  Millis t = from;
  while (t < limit && t < kHorizon) {
    // One stretch of constant UTC offset; inside it local time is UTC shifted by `offset`, so a
    // local minute range of a date maps to exactly one UTC interval.
    const auto info = zone_->get_info(sys_time<milliseconds>{milliseconds{t}});
    const Millis offset = duration_cast<milliseconds>(info.offset).count();
    const auto end_s = info.end.time_since_epoch().count();
    const Millis stretch_end =
        end_s >= kHorizon / 1000 ? kHorizon : static_cast<Millis>(end_s) * 1000;
    const Millis stop = std::min(limit, stretch_end);
    for (std::int64_t day = floor_div(t + offset, kDay);; ++day) {
      const Millis midnight = day * kDay - offset;  // UTC instant of local 00:00 of `day`
      if (midnight >= stop) break;
      const auto& ranges = open_ranges(day, scratch);
      if (ranges.empty() && ++closed_days > kMaxClosedDays) return;
      for (const auto& r : ranges) {
        const Millis begin = std::max(t, midnight + r.begin * kMinute);
        const Millis end = std::min(stop, midnight + r.end * kMinute);
        if (begin >= end) continue;
        closed_days = 0;
        if (!piece(begin, end)) return;
      }
    }
    t = stop;
  }
}

Millis BusinessCalendar::elapsed(Millis from, Millis to) const {
  Millis total = 0;
  for_each_open(from, to, [&](Millis begin, Millis end) {
    total += end - begin;
    return true;
  });
  return total;
}

Millis BusinessCalendar::advance(Millis from, Millis amount) const {
  if (amount <= 0) return from;
  Millis left = amount;
  Millis due = kHorizon;
  for_each_open(from, kHorizon, [&](Millis begin, Millis end) {
    if (end - begin >= left) {
      due = begin + left;
      return false;
    }
    left -= end - begin;
    return true;
  });
  return due;
}

bool BusinessCalendar::is_open(Millis at) const {
  return elapsed(at, at + 1) == 1;
}

}  // namespace hd::domain
