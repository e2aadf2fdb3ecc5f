#include "domain/sla_clock.hpp"

#include <algorithm>

namespace hd::domain {
namespace {

constexpr Millis kMinute = 60'000;

TargetClock begin_target(std::optional<int> minutes, Millis at, const Calendar& calendar) {
  TargetClock clock;
  if (minutes) clock.due_at = calendar.advance(at, *minutes * kMinute);
  return clock;
}

void pause(TargetClock& c, Millis at, const Calendar& calendar) {
  if (!c.running()) return;
  c.left_ms = calendar.elapsed(at, *c.due_at);
  c.due_at.reset();
}

void resume(TargetClock& c, Millis at, const Calendar& calendar) {
  if (!c.paused()) return;
  c.due_at = calendar.advance(at, *c.left_ms);
  c.left_ms.reset();
}

/// The phase ended without meeting the target (resolved before a first reply, say).
void stop(TargetClock& c) {
  if (c.outcome) return;
  c.due_at.reset();
  c.left_ms.reset();
}

/// The event the target waited for happened at `at`. REQUIRES: settled at `at` first.
void meet(TargetClock& c, Millis at) {
  if (!c.running() && !c.paused()) return;
  c.outcome = SlaOutcome::achieved;
  c.decided_at = at;
}

bool settle(TargetClock& c, Millis now) {
  if (!c.running() || *c.due_at >= now) return false;
  c.outcome = SlaOutcome::breached;
  c.decided_at = c.due_at;
  return true;
}

bool stopped_status(Status s) {
  return s == Status::resolved || s == Status::follow_up || s == Status::closed;
}

}  // namespace

std::string_view to_string(SlaOutcome outcome) {
  return outcome == SlaOutcome::achieved ? "achieved" : "breached";
}

std::optional<SlaOutcome> parse_sla_outcome(std::string_view text) {
  if (text == "achieved") return SlaOutcome::achieved;
  if (text == "breached") return SlaOutcome::breached;
  return std::nullopt;
}

std::optional<Millis> SlaClock::next_due_at() const {
  std::optional<Millis> next;
  for (const auto* c : {&first_response, &next_reply, &resolution})
    if (c->running() && (!next || *c->due_at < *next)) next = c->due_at;
  return next;
}

SlaClock start_sla(const TicketLife& life, const SlaTargets& targets, const Calendar& calendar) {
  SlaClock clock;
  if (!life.outbound)
    clock.first_response = begin_target(targets.first_response, life.created_at, calendar);
  clock.resolution = begin_target(targets.resolution, life.created_at, calendar);
  return clock;
}

bool settle_sla(SlaClock& clock, Millis now) {
  bool changed = settle(clock.first_response, now);
  changed = settle(clock.next_reply, now) || changed;
  changed = settle(clock.resolution, now) || changed;
  return changed;
}

void step_sla(SlaClock& clock, const TicketLife& before, const TicketLife& after, Millis at,
              const SlaTargets& targets, const Calendar& calendar) {
  settle_sla(clock, at);
  // Messages first: a reply meets its targets before the move it may cause.
  if (!before.first_response_at && after.first_response_at) meet(clock.first_response, at);
  if (before.awaiting_reply_since && !after.awaiting_reply_since) meet(clock.next_reply, at);

  if (before.status != after.status) {
    const Millis spent = calendar.elapsed(before.status_since, at);
    if (before.status == Status::open) clock.business_wait_ms += spent;
    if (before.status == Status::pending) clock.business_hold_ms += spent;
    for (auto* c : {&clock.first_response, &clock.next_reply, &clock.resolution}) {
      if (after.status == Status::pending) pause(*c, at, calendar);
      if (after.status == Status::open) resume(*c, at, calendar);
    }
    if (stopped_status(after.status) && !stopped_status(before.status)) {
      meet(clock.resolution, at);
      stop(clock.first_response);
      stop(clock.next_reply);
    }
  }

  if (after.first_response_at != before.first_response_at && after.first_response_at)
    clock.business_first_response_ms = calendar.elapsed(after.created_at, *after.first_response_at);
  if (after.first_resolved_at != before.first_resolved_at && after.first_resolved_at)
    clock.business_first_resolution_ms =
        calendar.elapsed(after.created_at, *after.first_resolved_at);
  if (after.resolved_at != before.resolved_at)
    clock.business_full_resolution_ms =
        after.resolved_at ? std::optional(calendar.elapsed(after.created_at, *after.resolved_at))
                          : std::nullopt;

  // A customer message after an agent reply starts a new next-reply phase (the ticket is open).
  if (after.awaiting_reply_since && after.awaiting_reply_since != before.awaiting_reply_since)
    clock.next_reply = begin_target(targets.next_reply, at, calendar);
}

TargetUse target_use(const TargetClock& clock, std::optional<int> target_minutes, Millis now,
                     const Calendar& calendar) {
  TargetUse use;
  if (!target_minutes) return use;
  const Millis total = *target_minutes * kMinute;
  if (clock.paused()) {
    use.left_ms = *clock.left_ms;
  } else if (clock.running()) {
    use.left_ms = *clock.due_at > now ? calendar.elapsed(now, *clock.due_at) : 0;
  } else if (clock.outcome == SlaOutcome::breached) {
    use.left_ms = 0;
  } else {
    return use;
  }
  use.used_ms = std::max<Millis>(0, total - use.left_ms);
  return use;
}

}  // namespace hd::domain
