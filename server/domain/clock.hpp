#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hd::domain {

/// Milliseconds since the Unix epoch, UTC: the one representation of an instant.
using Millis = std::int64_t;

/// Where every component gets the current time; injected so tests can drive time by hand.
/// Thread contract: now_ms() may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis now_ms() const = 0;
};

/// The real wall clock. The only place in the project that reads the system time.
class SystemClock final : public Clock {
 public:
  Millis now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

/// Another clock moved by a fixed offset: the server's test seam for time
/// (HELPDESK_TEST_CLOCK_START starts it at a chosen instant; it then runs at real speed). REQUIRES:
/// `base` outlives it.
class ShiftedClock final : public Clock {
 public:
  ShiftedClock(const Clock& base, Millis offset) : base_(base), offset_(offset) {}
  Millis now_ms() const override { return base_.now_ms() + offset_; }

 private:
  const Clock& base_;
  Millis offset_;
};

/// A clock that moves only when told to; for tests and for writing demo history.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis start) : now_(start) {}
  Millis now_ms() const override { return now_.load(); }
  void set(Millis t) { now_.store(t); }
  void advance(Millis by) { now_.fetch_add(by); }

 private:
  std::atomic<Millis> now_;
};

}  // namespace hd::domain
