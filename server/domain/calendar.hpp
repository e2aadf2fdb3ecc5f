#pragma once

#include "domain/clock.hpp"

namespace hd::domain {

/// Measures how much countable time lies between two instants, and finds the instant a given
/// amount of countable time after another. Calendar time counts every millisecond; a
/// `BusinessCalendar` (business_calendar.hpp) counts only opening hours, so every time figure
/// takes its calendar as a parameter.
/// Thread contract: implementations are immutable after construction; any thread may call.
class Calendar {
 public:
  virtual ~Calendar() = default;
  /// The countable time in [from, to). REQUIRES: from <= to.
  virtual Millis elapsed(Millis from, Millis to) const = 0;
  /// The earliest instant t >= from with elapsed(from, t) == amount; `from` itself when amount
  /// <= 0. REQUIRES: the calendar has countable time (a validated calendar always has).
  virtual Millis advance(Millis from, Millis amount) const = 0;
};

/// Wall-clock time: open around the clock, no holidays.
class AlwaysOpenCalendar final : public Calendar {
 public:
  Millis elapsed(Millis from, Millis to) const override { return to - from; }
  Millis advance(Millis from, Millis amount) const override {
    return amount <= 0 ? from : from + amount;
  }
};

/// The one wall clock, for what counts every millisecond.
inline const AlwaysOpenCalendar kWallClock;

}  // namespace hd::domain
