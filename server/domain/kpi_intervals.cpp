#include "domain/kpi_intervals.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cassert>
#include <string>

namespace hd::domain::kpi {
namespace {

using std::chrono::milliseconds;

// The local midnight at which the interval containing local day `day` begins.
date::local_days interval_start(date::local_days day, Interval interval) {
  switch (interval) {
    case Interval::day:
      return day;
    case Interval::week:
      return day - (date::weekday{day} - date::Monday);  // ISO weeks begin on Monday
    case Interval::month: {
      const date::year_month_day ymd{day};
      return date::local_days{ymd.year() / ymd.month() / 1};
    }
  }
  return day;
}

date::local_days next_start(date::local_days start, Interval interval) {
  switch (interval) {
    case Interval::day:
      return start + date::days{1};
    case Interval::week:
      return start + date::days{7};
    case Interval::month: {
      const date::year_month_day ymd{start};
      return date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
    }
  }
  return start;
}

Millis to_utc(const date::time_zone* zone, date::local_days day) {
  // choose::earliest turns a midnight inside a DST gap into the instant of the jump.
  const auto sys = zone->to_sys(date::local_time<milliseconds>{day}, date::choose::earliest);
  return sys.time_since_epoch().count();
}

}  // namespace

std::optional<Interval> parse_interval(std::string_view text) {
  if (text == "day") return Interval::day;
  if (text == "week") return Interval::week;
  if (text == "month") return Interval::month;
  return std::nullopt;
}

const date::time_zone* find_time_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::vector<Millis> interval_bounds(Millis from, Millis to, Interval interval,
                                    const date::time_zone* zone) {
  assert(from < to && zone);
  std::vector<Millis> bounds{from};
  const date::sys_time<milliseconds> first{milliseconds{from}};
  const auto local = zone->to_local(first);
  date::local_days start = interval_start(date::floor<date::days>(local), interval);
  for (;;) {
    start = next_start(start, interval);
    const Millis boundary = to_utc(zone, start);
    if (boundary >= to) break;
    if (boundary > bounds.back()) bounds.push_back(boundary);
  }
  bounds.push_back(to);
  return bounds;
}

std::size_t interval_index(const std::vector<Millis>& bounds, Millis at) {
  assert(bounds.size() >= 2 && at >= bounds.front() && at < bounds.back());
  const auto it = std::upper_bound(bounds.begin(), bounds.end(), at);
  return static_cast<std::size_t>(it - bounds.begin()) - 1;
}

}  // namespace hd::domain::kpi
