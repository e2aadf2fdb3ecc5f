#pragma once

#include "domain/clock.hpp"

namespace hd::domain {

/// Measures how much countable time lies between two instants. Calendar time counts every
/// millisecond; the SLA issue adds business-hours calendars (time zone, holidays) behind this
/// same interface, so every time figure takes its calendar as a parameter.
class Calendar {
 public:
  virtual ~Calendar() = default;
  /// REQUIRES: from <= to.
  virtual Millis elapsed(Millis from, Millis to) const = 0;
};

/// Wall-clock time: open around the clock, no holidays.
class AlwaysOpenCalendar final : public Calendar {
 public:
  Millis elapsed(Millis from, Millis to) const override { return to - from; }
};

}  // namespace hd::domain
