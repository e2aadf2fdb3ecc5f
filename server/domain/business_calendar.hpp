#pragma once

#include <array>
#include <bitset>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"

namespace date {
class time_zone;
}

namespace hd::domain {

/// The weekday keys of a calendar's `hours`, Monday first (the index used everywhere below).
inline constexpr std::array<std::string_view, 7> kWeekdayKeys{"mon", "tue", "wed", "thu",
                                                              "fri", "sat", "sun"};

/// One opening interval as written by a person: "HH:MM" local wall-clock times. `to` may be
/// "24:00"; an interval whose `to` is not after its `from` runs overnight into the next day.
struct OpeningSpec {
  std::string from;
  std::string to;
};

/// A closed day or part of a day, by local date ("YYYY-MM-DD"). `yearly` repeats it on the
/// same month and day every year (29 February only in leap years). Without `from`/`to` the
/// whole date is closed; with them only [from, to) of that date ("24:00" allowed as `to`).
/// A holiday closes time of its own date only: the part of an overnight shift that runs past
/// midnight into a holiday is closed, the part before midnight stays open.
struct HolidaySpec {
  std::string date;
  bool yearly = false;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::string name;
};

/// A business calendar as the API receives it; `BusinessCalendar::build` validates it.
struct CalendarSpec {
  std::string time_zone;                          ///< an IANA name, e.g. "Europe/Berlin"
  std::array<std::vector<OpeningSpec>, 7> hours;  ///< index 0 = Monday (kWeekdayKeys)
  std::vector<HolidaySpec> holidays;
};

/// One thing wrong with a spec, named the way the API's JSON names it ("hours.mon[1]",
/// "holidays[0].from", "time_zone").
struct FieldProblem {
  std::string field;
  std::string message;
};

class BusinessCalendar;

/// The outcome of `BusinessCalendar::build`: a calendar, or every problem found (never both).
struct CalendarBuild {
  std::shared_ptr<const BusinessCalendar> calendar;
  std::vector<FieldProblem> problems;
};

/// Limits that keep every computation bounded; validation enforces them.
inline constexpr std::size_t kMaxIntervalsPerDay = 8;
inline constexpr std::size_t kMaxHolidays = 300;

/// Opening hours in one IANA time zone, with holidays. Business time is the set of instants
/// whose local wall-clock time (in that zone, on that local date) lies inside an opening
/// interval and outside that date's holidays. Around a DST change this is exact: hours that
/// the clock skips don't exist, hours the clock repeats count twice (they happen twice).
/// Thread contract: immutable after build; any thread may call any const member.
class BusinessCalendar final : public Calendar {
 public:
  /// Validates `spec` (every problem reported, not just the first) and builds the calendar.
  /// Looks the zone up in the system tz database (reads /usr/share/zoneinfo once per process).
  static CalendarBuild build(const CalendarSpec& spec);

  /// Business time in [from, to), in milliseconds. REQUIRES: from <= to.
  Millis elapsed(Millis from, Millis to) const override;
  /// The earliest instant t >= from with elapsed(from, t) == amount (business ms);
  /// `from` when amount <= 0. So a ticket arriving on Friday evening with 60 minutes left is due
  /// 60 minutes after Monday's opening, and one with exactly the rest of Friday's hours left is
  /// due at Friday's closing time.
  Millis advance(Millis from, Millis amount) const override;
  /// Whether `at` is inside business hours.
  bool is_open(Millis at) const;

  /// A minute range [begin, end) of one local date, minutes from local midnight (0..1440).
  struct Range {
    int begin;
    int end;
  };
  struct HolidayRule {
    bool yearly;
    int year;
    unsigned month;
    unsigned day;
    Range closed;
  };

  BusinessCalendar(const date::time_zone* zone, std::array<std::vector<Range>, 7> week,
                   std::vector<HolidayRule> holidays);

 private:
  /// Calls `piece(begin, end)` for each open UTC interval inside [from, limit), in order,
  /// until it returns false.
  template <class F>
  void for_each_open(Millis from, Millis limit, F&& piece) const;
  /// The open minute ranges of local date `day` (days since 1970-01-01), holidays applied.
  /// Returns a view into the week table, or into `scratch` on a holiday.
  const std::vector<Range>& open_ranges(std::int64_t day, std::vector<Range>& scratch) const;

  const date::time_zone* zone_;
  std::array<std::vector<Range>, 7> week_;  ///< per weekday, sorted, merged, overnight spill in
  std::vector<HolidayRule> holidays_;
  std::bitset<12 * 31> yearly_mask_;  ///< (month-1)*31 + day-1 of every yearly holiday
  std::int64_t first_one_off_ = 0;    ///< span of one-off holiday dates, days since epoch
  std::int64_t last_one_off_ = -1;
};

/// Parses "HH:MM" (00:00..24:00) into minutes from midnight; nullopt when malformed.
std::optional<int> parse_clock_time(std::string_view text);

}  // namespace hd::domain
