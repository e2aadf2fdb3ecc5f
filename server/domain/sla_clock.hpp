#pragma once

#include <optional>
#include <string_view>

#include "domain/calendar.hpp"
#include "domain/sla_policy.hpp"
#include "domain/ticket_life.hpp"

namespace hd::domain {

/// An SLA target's result: met at or before its due time, or not.
enum class SlaOutcome { achieved, breached };
std::string_view to_string(SlaOutcome outcome);
std::optional<SlaOutcome> parse_sla_outcome(std::string_view text);

/// One target's clock. Running: `due_at` set. Paused (ticket pending): `left_ms` holds the
/// business time it had left. Decided: `outcome` set (a breach is decided at its due time,
/// an achievement at the event that met it). Neither: no target, or the phase ended without
/// a decision (the ticket was resolved before a first reply, say).
struct TargetClock {
  std::optional<Millis> due_at;
  std::optional<Millis> left_ms;
  std::optional<SlaOutcome> outcome;
  std::optional<Millis> decided_at;

  bool running() const { return due_at.has_value() && !outcome; }
  bool paused() const { return left_ms.has_value() && !outcome; }
  bool operator==(const TargetClock&) const = default;
};

/// The SLA state of a ticket, folded like TicketLife and from the same changes, so that a
/// replay of the event log gives the stored state. Also holds the business-time flavour of the
/// life's durations (KPIS.md): time in open / pending counted in the SLA calendar.
struct SlaClock {
  TargetClock first_response;
  TargetClock next_reply;
  TargetClock resolution;
  Millis business_wait_ms = 0;  ///< closed segments in `open`, business time
  Millis business_hold_ms = 0;  ///< closed segments in `pending`, business time
  std::optional<Millis> business_first_response_ms;    ///< KPIS.md FRT, business time
  std::optional<Millis> business_first_resolution_ms;  ///< first resolution, business time
  std::optional<Millis> business_full_resolution_ms;   ///< standing resolution, business time

  /// The earliest due time of a running target, if any: what "next due" sorts by.
  std::optional<Millis> next_due_at() const;
  bool operator==(const SlaClock&) const = default;
};

/// The clocks of a new ticket whose life was just started (before its first message).
/// Clock rules: `open` runs, `pending` pauses (the business time left carries over),
/// `resolved`/`follow_up`/`closed` stop. First response and resolution start at creation
/// (no first response for an outbound ticket); next reply starts with each customer message
/// that follows an agent reply. A public agent reply meets first response and next reply;
/// an internal note meets nothing. The resolution target is decided by the first resolution.
SlaClock start_sla(const TicketLife& life, const SlaTargets& targets, const Calendar& calendar);

/// Decides as breached every running target whose due time lies before `now`.
/// Returns whether anything changed.
bool settle_sla(SlaClock& clock, Millis now);

/// Applies one change of the ticket's life (a message or a status move at `at`), given the
/// life before and after it, as produced by ticket_life's on_message/on_status.
void step_sla(SlaClock& clock, const TicketLife& before, const TicketLife& after, Millis at,
              const SlaTargets& targets, const Calendar& calendar);

/// Business time used and left on a target at `now`, for explanations.
struct TargetUse {
  Millis used_ms = 0;
  Millis left_ms = 0;
};
TargetUse target_use(const TargetClock& clock, std::optional<int> target_minutes, Millis now,
                     const Calendar& calendar);

}  // namespace hd::domain
