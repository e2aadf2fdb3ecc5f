#include "domain/sla_clock.hpp"

#include <doctest/doctest.h>

#include "domain/calendar.hpp"

namespace hd::domain {
namespace {

constexpr Millis kMinute = 60'000;
constexpr Millis kT0 = 1'700'000'000'000;  // an instant; the calendar is 24/7, so any will do
constexpr Millis at(Millis minutes) {
  return kT0 + minutes * kMinute;
}

const AlwaysOpenCalendar kAlways;
const SlaTargets kTargets{60, 30, 240};

/// A ticket's life and clocks, stepped together as the store's replay does.
struct Ticket {
  TicketLife life = start_life(kT0, false);
  SlaClock clock = start_sla(life, kTargets, kAlways);

  void message(Millis minute, ActorKind author, bool internal = false) {
    const TicketLife before = life;
    on_message(life, {at(minute), author, internal}, kAlways);
    step_sla(clock, before, life, at(minute), kTargets, kAlways);
  }
  void status(Millis minute, Status to) {
    const TicketLife before = life;
    on_status(life, to, at(minute), kAlways);
    step_sla(clock, before, life, at(minute), kTargets, kAlways);
  }
};

TEST_CASE("first response and resolution run from creation; an internal note meets nothing") {
  Ticket t;
  t.message(0, ActorKind::customer);
  CHECK(t.clock.first_response.due_at == at(60));
  CHECK(t.clock.resolution.due_at == at(240));
  CHECK_FALSE(t.clock.next_reply.running());
  t.message(10, ActorKind::agent, /*internal=*/true);
  CHECK(t.clock.first_response.running());
  t.message(20, ActorKind::agent);
  CHECK(t.clock.first_response.outcome == SlaOutcome::achieved);
  CHECK(t.clock.first_response.decided_at == at(20));
}

TEST_CASE("pending pauses every running clock and the business time left carries over") {
  Ticket t;
  t.message(0, ActorKind::customer);
  t.message(20, ActorKind::agent);
  t.status(20, Status::pending);
  CHECK(t.clock.resolution.paused());
  CHECK(t.clock.resolution.left_ms == 220 * kMinute);
  // The customer answers two days later: resolution resumes with what it had left, and the
  // next reply clock starts at the customer's message.
  t.message(2 * 24 * 60, ActorKind::customer);
  CHECK(t.clock.resolution.due_at == at(2 * 24 * 60 + 220));
  CHECK(t.clock.next_reply.due_at == at(2 * 24 * 60 + 30));
  CHECK(t.clock.business_hold_ms == (2 * 24 * 60 - 20) * kMinute);
}

TEST_CASE("a reopen restarts next reply but not resolution: the first resolution decided it") {
  Ticket t;
  t.message(0, ActorKind::customer);
  t.message(20, ActorKind::agent);
  t.status(100, Status::resolved);
  REQUIRE(t.clock.resolution.outcome == SlaOutcome::achieved);
  CHECK(t.clock.resolution.decided_at == at(100));
  CHECK_FALSE(t.clock.next_reply.running());

  t.message(500, ActorKind::customer);  // the customer writes again: a reopen
  REQUIRE(t.life.status == Status::open);
  CHECK(t.clock.resolution.outcome == SlaOutcome::achieved);  // still the first resolution's
  CHECK(t.clock.resolution.decided_at == at(100));
  CHECK_FALSE(t.clock.resolution.running());
  CHECK(t.clock.next_reply.due_at == at(530));  // the customer is owed an answer again
  CHECK(t.clock.next_due_at() == at(530));

  // Past its due time the reopened ticket's next reply is breached, resolution untouched.
  CHECK(settle_sla(t.clock, at(531)));
  CHECK(t.clock.next_reply.outcome == SlaOutcome::breached);
  CHECK(t.clock.next_reply.decided_at == at(530));
  CHECK(t.clock.resolution.outcome == SlaOutcome::achieved);
}

TEST_CASE("a resolution after its due time is breached at the due time, not at the event") {
  Ticket t;
  t.message(0, ActorKind::customer);
  t.message(30, ActorKind::agent);
  t.status(300, Status::resolved);
  CHECK(t.clock.resolution.outcome == SlaOutcome::breached);
  CHECK(t.clock.resolution.decided_at == at(240));
}

}  // namespace
}  // namespace hd::domain
