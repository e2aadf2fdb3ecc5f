#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"

namespace date {
class time_zone;
}

namespace hd::domain::kpi {

/// How a report's series is cut: local calendar days, ISO weeks (from Monday) or months.
enum class Interval { day, week, month };
std::optional<Interval> parse_interval(std::string_view text);

/// The IANA time zone named `name` (e.g. "Europe/Berlin", "UTC"), or null when unknown.
const date::time_zone* find_time_zone(std::string_view name);

/// The boundaries of the intervals that cover [from, to) in `zone`: the first is `from`, each
/// next one the next local midnight (of a day, a Monday or a month's first day) converted to
/// UTC, the last is `to`. A local midnight that does not exist (a DST gap) counts from the
/// moment the clocks jump. Days are therefore 23, 24 or 25 hours long where DST changes.
/// REQUIRES: from < to, zone not null.
std::vector<Millis> interval_bounds(Millis from, Millis to, Interval interval,
                                    const date::time_zone* zone);

/// The index i with bounds[i] <= at < bounds[i + 1]. REQUIRES: bounds.front() <= at <
/// bounds.back().
std::size_t interval_index(const std::vector<Millis>& bounds, Millis at);

}  // namespace hd::domain::kpi
