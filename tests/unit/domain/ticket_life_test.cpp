#include "domain/ticket_life.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "domain/ticket_state.hpp"

namespace hd::domain {
namespace {

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
/// 2023-11-15T00:00:00Z: a UTC midnight, so business-hours examples read as clock times.
constexpr Millis kT0 = 19'676 * kDay;

/// The instant `minutes` after kT0.
constexpr Millis at(Millis minutes) {
  return kT0 + minutes * kMinute;
}
constexpr Millis minutes(Millis n) {
  return n * kMinute;
}

MessageFact customer(Millis when) {
  return {when, ActorKind::customer, false};
}
MessageFact reply(Millis when) {
  return {when, ActorKind::agent, false};
}
MessageFact note(Millis when) {
  return {when, ActorKind::agent, true};
}
MessageFact automatic(Millis when) {
  return {when, ActorKind::system, false};
}

/// Open 09:00-17:00 UTC every day: enough of a business calendar to tell its durations from
/// wall-clock ones. Counts calls that break the REQUIRES of Calendar::elapsed.
class NineToFiveCalendar final : public Calendar {
 public:
  Millis elapsed(Millis from, Millis to) const override {
    if (from > to) ++reversed_calls;
    return counted_before(to) - counted_before(from);
  }
  // Not used by the ticket life rules; a real inverse lives in BusinessCalendar.
  Millis advance(Millis from, Millis) const override { return from; }
  mutable int reversed_calls = 0;

 private:
  // Business time in [0, t). REQUIRES: t >= 0.
  static Millis counted_before(Millis t) {
    const Millis day = t / kDay;
    const Millis in_day = t % kDay;
    return day * 8 * kHour + std::clamp<Millis>(in_day - 9 * kHour, 0, 8 * kHour);
  }
};

const AlwaysOpenCalendar kWall;

/// A ticket under test with the wall-clock calendar, written like the event log reads.
struct Ticket {
  explicit Ticket(Millis created_at = at(0), bool outbound = false)
      : life(start_life(created_at, outbound)) {}

  LifeEffects say(const MessageFact& m) { return on_message(life, m, kWall); }
  LifeEffects move(Status to, Millis when) { return on_status(life, to, when, kWall); }
  TicketFigures figures(Millis now) const { return figures_at(life, now, kWall); }

  TicketLife life;
};

bool no_effects(const LifeEffects& e) {
  return !e.resolved && !e.reopened && !e.next_reply_ms;
}

}  // namespace

// --- A new ticket -------------------------------------------------------------------------------

TEST_CASE("start_life: a new ticket is open, with no figures yet (not zeros)") {
  for (const bool outbound : {false, true}) {
    CAPTURE(outbound);
    const Ticket t(at(0), outbound);
    CHECK(t.life.status == Status::open);
    CHECK(t.life.created_at == at(0));
    CHECK(t.life.status_since == at(0));
    CHECK(t.life.outbound == outbound);
    CHECK_FALSE(t.life.first_response_at);
    CHECK_FALSE(t.life.first_resolved_at);
    CHECK_FALSE(t.life.resolved_at);
    CHECK_FALSE(t.life.awaiting_reply_since);
    CHECK(t.life.reopen_count == 0);
    CHECK(t.life.public_reply_count == 0);
    CHECK(t.life.resolution_episode == 0);

    const TicketFigures f = t.figures(at(0));
    CHECK_FALSE(f.first_response_ms);
    CHECK_FALSE(f.first_resolution_ms);
    CHECK_FALSE(f.full_resolution_ms);
    CHECK(f.requester_wait_ms == 0);
    CHECK(f.on_hold_ms == 0);
    CHECK_FALSE(f.one_touch);

    // A new ticket needs an agent: the requester's wait runs from creation.
    CHECK(t.figures(at(25)).requester_wait_ms == minutes(25));
  }
}

// --- First response time ------------------------------------------------------------------------

TEST_CASE("first response time: first public agent reply - created_at") {
  Ticket t;
  CHECK(no_effects(t.say(customer(at(0)))));  // the ticket's text: the customer's first message

  SUBCASE("internal notes, automatic messages and customer messages are not a response") {
    CHECK(no_effects(t.say(note(at(5)))));
    CHECK(no_effects(t.say(automatic(at(7)))));
    CHECK(no_effects(t.say(customer(at(8)))));
    CHECK_FALSE(t.figures(at(9)).first_response_ms);
    CHECK(t.life.public_reply_count == 0);

    const LifeEffects first = t.say(reply(at(30)));
    CHECK_FALSE(first.next_reply_ms);  // the first reply answers the ticket: it is the FRT
    CHECK(t.life.first_response_at == at(30));
    CHECK(t.figures(at(31)).first_response_ms == minutes(30));

    t.say(customer(at(40)));
    t.say(reply(at(45)));
    CHECK(t.life.first_response_at == at(30));  // the first one stays
    CHECK(t.figures(at(50)).first_response_ms == minutes(30));
    CHECK(t.life.public_reply_count == 2);
  }
  SUBCASE("measured from created_at, not from the first message") {
    Ticket late(at(0));
    late.say(customer(at(2)));  // recorded two minutes after the ticket was opened
    late.say(reply(at(10)));
    CHECK(late.figures(at(10)).first_response_ms == minutes(10));
  }
  SUBCASE("status moves are not a response") {
    t.move(Status::pending, at(5));
    t.move(Status::resolved, at(10));
    CHECK_FALSE(t.figures(at(11)).first_response_ms);
    CHECK(t.figures(at(11)).first_resolution_ms == minutes(10));
  }
  SUBCASE("a reply on a resolved ticket still is the first response") {
    t.move(Status::resolved, at(10));
    t.say(reply(at(12)));
    CHECK(t.life.status == Status::resolved);  // an agent's message moves nothing
    CHECK(t.figures(at(12)).first_response_ms == minutes(12));
  }
}

TEST_CASE("first response time: an outbound ticket has none") {
  Ticket t(at(0), /*outbound=*/true);
  t.say(reply(at(0)));  // the agent writes to the customer first
  CHECK_FALSE(t.life.first_response_at);
  t.say(customer(at(10)));
  const LifeEffects answer = t.say(reply(at(25)));
  CHECK_FALSE(t.life.first_response_at);
  CHECK_FALSE(t.figures(at(30)).first_response_ms);
  // The conversation is still measured: the customer's message followed an agent's.
  CHECK(answer.next_reply_ms == minutes(15));
  CHECK(t.life.public_reply_count == 2);
}

// --- Next reply time ----------------------------------------------------------------------------

TEST_CASE("next reply time: customer messages that follow an agent reply") {
  Ticket t;
  t.say(customer(at(0)));
  CHECK_FALSE(t.say(reply(at(10))).next_reply_ms);  // answers the ticket's text: that is FRT

  SUBCASE("the next public agent reply - the customer's message") {
    t.say(customer(at(20)));
    CHECK(t.life.awaiting_reply_since == at(20));
    const LifeEffects e = t.say(reply(at(50)));
    CHECK(e.next_reply_ms == minutes(30));
    CHECK_FALSE(t.life.awaiting_reply_since);
  }
  SUBCASE("consecutive customer messages count once, from the first") {
    t.say(customer(at(20)));
    t.say(customer(at(25)));
    t.say(customer(at(27)));
    CHECK(t.life.awaiting_reply_since == at(20));
    CHECK(t.say(reply(at(50))).next_reply_ms == minutes(30));
    CHECK_FALSE(t.say(reply(at(55))).next_reply_ms);  // nothing was waiting any more
  }
  SUBCASE("internal notes and automatic messages do not answer") {
    t.say(customer(at(20)));
    CHECK_FALSE(t.say(note(at(30))).next_reply_ms);
    CHECK_FALSE(t.say(automatic(at(35))).next_reply_ms);
    CHECK(t.life.awaiting_reply_since == at(20));
    CHECK(t.say(reply(at(50))).next_reply_ms == minutes(30));
  }
  SUBCASE("an automatic message between reply and customer message changes nothing") {
    t.say(automatic(at(15)));
    t.say(customer(at(20)));
    CHECK(t.say(reply(at(40))).next_reply_ms == minutes(20));
  }
  SUBCASE("one value per exchange") {
    t.say(customer(at(20)));
    CHECK(t.say(reply(at(30))).next_reply_ms == minutes(10));
    t.say(customer(at(40)));
    CHECK(t.say(reply(at(45))).next_reply_ms == minutes(5));
    CHECK_FALSE(t.say(reply(at(46))).next_reply_ms);
  }
  SUBCASE("a customer message that reopens a resolution starts the clock too") {
    t.move(Status::resolved, at(15));
    const LifeEffects reopen = t.say(customer(at(30)));
    CHECK(reopen.reopened);
    CHECK(t.say(reply(at(45))).next_reply_ms == minutes(15));
  }
  SUBCASE("a customer waiting at the end has no value yet") {
    t.say(customer(at(20)));
    t.move(Status::resolved, at(30));  // resolving is not a reply
    CHECK(t.life.awaiting_reply_since == at(20));
  }
}

TEST_CASE("next reply time: none without an agent reply before") {
  Ticket t;
  t.say(customer(at(0)));
  SUBCASE("the customer writing twice before any reply") {
    t.say(customer(at(5)));
    CHECK_FALSE(t.life.awaiting_reply_since);
    CHECK_FALSE(t.say(reply(at(10))).next_reply_ms);
  }
  SUBCASE("an internal note is not a reply to follow") {
    t.say(note(at(5)));
    t.say(customer(at(10)));
    CHECK_FALSE(t.life.awaiting_reply_since);
    CHECK_FALSE(t.say(reply(at(20))).next_reply_ms);
    CHECK(t.figures(at(20)).first_response_ms == minutes(20));
  }
}

// --- First and full resolution time -------------------------------------------------------------

TEST_CASE("resolution time: first and full") {
  Ticket t;
  t.say(customer(at(0)));
  t.say(reply(at(10)));
  const LifeEffects resolved = t.move(Status::resolved, at(60));
  CHECK(resolved.resolved);
  CHECK_FALSE(resolved.reopened);
  CHECK(t.life.first_resolved_at == at(60));
  CHECK(t.life.resolved_at == at(60));
  CHECK(t.life.resolution_episode == 1);

  SUBCASE("never reopened: full equals first") {
    const TicketFigures f = t.figures(at(61));
    CHECK(f.first_resolution_ms == minutes(60));
    CHECK(f.full_resolution_ms == minutes(60));
  }
  SUBCASE("the resolution stands through follow_up and closed") {
    CHECK(no_effects(t.move(Status::follow_up, at(70))));
    CHECK(no_effects(t.move(Status::closed, at(80))));
    const TicketFigures f = t.figures(at(1000));
    CHECK(f.first_resolution_ms == minutes(60));
    CHECK(f.full_resolution_ms == minutes(60));
    CHECK(t.life.resolution_episode == 1);
  }
  SUBCASE("a reopen clears the standing resolution, a new one sets it, the first stays") {
    const LifeEffects reopen = t.say(customer(at(90)));
    CHECK(reopen.reopened);
    CHECK_FALSE(reopen.resolved);
    CHECK(t.life.status == Status::open);
    CHECK_FALSE(t.life.resolved_at);
    CHECK(t.life.first_resolved_at == at(60));
    TicketFigures f = t.figures(at(100));
    CHECK(f.first_resolution_ms == minutes(60));
    CHECK_FALSE(f.full_resolution_ms);  // none until it is resolved again

    t.say(reply(at(110)));
    const LifeEffects again = t.move(Status::resolved, at(120));
    CHECK(again.resolved);
    CHECK(t.life.resolution_episode == 2);
    f = t.figures(at(121));
    CHECK(f.first_resolution_ms == minutes(60));
    CHECK(f.full_resolution_ms == minutes(120));
  }
  SUBCASE("a reopen through follow_up and the survey's 'not resolved'") {
    t.move(Status::follow_up, at(70));
    const LifeEffects reopen = t.move(Status::open, at(80));  // the system move
    CHECK(reopen.reopened);
    CHECK_FALSE(t.figures(at(80)).full_resolution_ms);
    t.move(Status::pending, at(90));
    t.move(Status::resolved, at(150));
    CHECK(t.figures(at(150)).full_resolution_ms == minutes(150));
    CHECK(t.figures(at(150)).first_resolution_ms == minutes(60));
  }
  SUBCASE("reopened, then closed by a supervisor without resolving again: no full resolution") {
    t.move(Status::open, at(90));
    t.move(Status::closed, at(100));
    const TicketFigures f = t.figures(at(200));
    CHECK(f.first_resolution_ms == minutes(60));
    CHECK_FALSE(f.full_resolution_ms);
  }
}

TEST_CASE("resolution time: a ticket never resolved has none") {
  Ticket t;
  t.say(customer(at(0)));
  t.say(reply(at(10)));
  t.move(Status::pending, at(20));
  t.move(Status::closed, at(30));  // a supervisor closes it
  const TicketFigures f = t.figures(at(40));
  CHECK_FALSE(f.first_resolution_ms);
  CHECK_FALSE(f.full_resolution_ms);
  CHECK(t.life.resolution_episode == 0);
}

// --- Requester wait and on-hold time ------------------------------------------------------------

TEST_CASE("requester wait (time in open) and on-hold (time in pending)") {
  Ticket t;
  t.say(customer(at(0)));
  CHECK(t.figures(at(5)).requester_wait_ms == minutes(5));  // the running segment counts
  CHECK(t.figures(at(5)).on_hold_ms == 0);

  t.say(reply(at(10)));  // a reply does not pause the clock ...
  CHECK(t.figures(at(10)).requester_wait_ms == minutes(10));
  t.move(Status::pending, at(10));  // ... waiting on the customer does
  CHECK(t.life.requester_wait_ms == minutes(10));
  CHECK(t.figures(at(25)).requester_wait_ms == minutes(10));
  CHECK(t.figures(at(25)).on_hold_ms == minutes(15));

  const LifeEffects back = t.say(customer(at(40)));  // pending -> open, not a reopen
  CHECK(no_effects(back));
  CHECK(t.life.status == Status::open);
  CHECK(t.life.status_since == at(40));
  CHECK(t.life.on_hold_ms == minutes(30));
  CHECK(t.figures(at(45)).requester_wait_ms == minutes(15));
  CHECK(t.figures(at(45)).on_hold_ms == minutes(30));

  t.move(Status::pending, at(50));
  t.move(Status::open, at(52));  // an agent takes it back explicitly
  t.move(Status::pending, at(53));
  t.move(Status::resolved, at(60));
  CHECK(t.life.requester_wait_ms == minutes(10 + 10 + 1));
  CHECK(t.life.on_hold_ms == minutes(30 + 2 + 7));

  SUBCASE("resolved, follow_up and closed count as neither") {
    t.move(Status::follow_up, at(70));
    CHECK(t.figures(at(75)).requester_wait_ms == minutes(21));
    t.move(Status::closed, at(100));
    const TicketFigures f = t.figures(at(10'000));
    CHECK(f.requester_wait_ms == minutes(21));
    CHECK(f.on_hold_ms == minutes(39));
  }
  SUBCASE("a reopen starts the wait again") {
    t.say(customer(at(100)));
    CHECK(t.figures(at(130)).requester_wait_ms == minutes(21 + 30));
    CHECK(t.figures(at(130)).on_hold_ms == minutes(39));
  }
  SUBCASE("figures_at before the running segment began adds nothing, never a negative") {
    t.say(customer(at(100)));
    const TicketFigures f = t.figures(at(90));
    CHECK(f.requester_wait_ms == minutes(21));
    CHECK(f.on_hold_ms == minutes(39));
  }
}

TEST_CASE("a move to the current status changes nothing") {
  Ticket t;
  t.say(customer(at(0)));
  t.say(reply(at(5)));
  const TicketLife before = t.life;
  CHECK(no_effects(t.move(Status::open, at(10))));
  CHECK(t.life == before);

  t.move(Status::resolved, at(20));
  const TicketLife resolved = t.life;
  CHECK(no_effects(t.move(Status::resolved, at(30))));  // no second episode, no second survey
  CHECK(t.life == resolved);
}

TEST_CASE("a customer message on open moves nothing") {
  Ticket t;
  t.say(customer(at(0)));
  const TicketLife before = t.life;
  CHECK(no_effects(t.say(customer(at(10)))));
  CHECK(t.life.status == Status::open);
  CHECK(t.life.status_since == before.status_since);
  CHECK(t.life.requester_wait_ms == 0);
}

// --- Reopen count -------------------------------------------------------------------------------

TEST_CASE("reopen count: every way back from a resolution to open") {
  Ticket t;
  t.say(customer(at(0)));
  t.say(reply(at(1)));

  t.move(Status::resolved, at(10));
  LifeEffects e = t.say(customer(at(11)));  // a customer's message on resolved
  CHECK(e.reopened);
  CHECK(t.life.reopen_count == 1);

  t.move(Status::resolved, at(20));
  t.move(Status::follow_up, at(21));
  e = t.say(customer(at(22)));  // a customer's message on follow_up
  CHECK(e.reopened);
  CHECK(t.life.reopen_count == 2);

  t.move(Status::resolved, at(30));
  e = t.move(Status::open, at(31));  // an agent's explicit transition
  CHECK(e.reopened);
  CHECK(t.life.reopen_count == 3);

  t.move(Status::resolved, at(40));
  t.move(Status::follow_up, at(41));
  e = t.move(Status::open, at(42));  // the survey's "not resolved"
  CHECK(e.reopened);
  CHECK(t.life.reopen_count == 4);

  // Not reopens: a customer's message on pending, and pending -> open.
  t.move(Status::pending, at(50));
  e = t.say(customer(at(51)));
  CHECK_FALSE(e.reopened);
  t.move(Status::pending, at(52));
  e = t.move(Status::open, at(53));
  CHECK_FALSE(e.reopened);
  CHECK(t.life.reopen_count == 4);
  CHECK(t.life.resolution_episode == 4);
}

// --- One-touch ----------------------------------------------------------------------------------

TEST_CASE("one-touch: resolved with exactly one public agent reply, never reopened") {
  Ticket t;
  t.say(customer(at(0)));

  SUBCASE("one reply, then resolved") {
    t.say(reply(at(10)));
    CHECK_FALSE(t.figures(at(11)).one_touch);  // not resolved yet
    t.move(Status::resolved, at(20));
    CHECK(t.figures(at(21)).one_touch);
    t.move(Status::follow_up, at(30));
    t.move(Status::closed, at(40));
    CHECK(t.figures(at(41)).one_touch);
  }
  SUBCASE("internal notes and automatic messages are not touches") {
    t.say(note(at(5)));
    t.say(reply(at(10)));
    t.say(note(at(15)));
    t.say(automatic(at(16)));
    t.move(Status::resolved, at(20));
    CHECK(t.figures(at(21)).one_touch);
  }
  SUBCASE("resolved without any reply") {
    t.move(Status::resolved, at(20));
    CHECK_FALSE(t.figures(at(21)).one_touch);
  }
  SUBCASE("two replies") {
    t.say(reply(at(10)));
    t.say(reply(at(11)));
    t.move(Status::resolved, at(20));
    CHECK_FALSE(t.figures(at(21)).one_touch);
  }
  SUBCASE("reopened and resolved again, still one reply") {
    t.say(reply(at(10)));
    t.move(Status::resolved, at(20));
    t.move(Status::open, at(30));
    t.move(Status::resolved, at(40));
    CHECK(t.life.public_reply_count == 1);
    CHECK_FALSE(t.figures(at(41)).one_touch);
  }
  SUBCASE("reopened and open now") {
    t.say(reply(at(10)));
    t.move(Status::resolved, at(20));
    t.say(customer(at(30)));
    CHECK_FALSE(t.figures(at(31)).one_touch);
  }
  SUBCASE("closed by a supervisor without a resolution") {
    t.say(reply(at(10)));
    t.move(Status::closed, at(20));
    CHECK_FALSE(t.figures(at(21)).one_touch);
  }
}

// --- Resolution episodes and effects ------------------------------------------------------------

TEST_CASE("LifeEffects and resolution_episode along a ticket's life") {
  Ticket t;
  CHECK(no_effects(t.say(customer(at(0)))));
  CHECK(no_effects(t.say(reply(at(5)))));
  CHECK(no_effects(t.move(Status::pending, at(6))));

  LifeEffects e = t.move(Status::resolved, at(10));  // pending -> resolved
  CHECK(e.resolved);
  CHECK_FALSE(e.reopened);
  CHECK(t.life.resolution_episode == 1);

  CHECK(no_effects(t.move(Status::follow_up, at(20))));  // the survey goes out

  e = t.say(customer(at(30)));  // cancels the episode's check
  CHECK(e.reopened);
  CHECK_FALSE(e.resolved);
  CHECK(t.life.resolution_episode == 1);  // a reopen does not start an episode ...

  e = t.move(Status::resolved, at(40));  // ... a new resolution does
  CHECK(e.resolved);
  CHECK(t.life.resolution_episode == 2);

  e = t.move(Status::open, at(50));
  CHECK(e.reopened);
  e = t.move(Status::resolved, at(60));  // open -> resolved
  CHECK(e.resolved);
  CHECK(t.life.resolution_episode == 3);
  CHECK(t.life.reopen_count == 2);

  CHECK(no_effects(t.move(Status::closed, at(70))));  // a supervisor closes a resolution

  // An agent may still write on closed; this reply answers the customer's message of 30.
  e = t.say(reply(at(80)));
  CHECK(e.next_reply_ms == minutes(50));
  CHECK_FALSE(e.resolved);
  CHECK_FALSE(e.reopened);
  CHECK(t.life.status == Status::closed);
}

// --- Calendars ----------------------------------------------------------------------------------

TEST_CASE("every duration is measured in the ticket's calendar") {
  const NineToFiveCalendar business;
  // Created on day 0 at 16:00; business hours are 09:00-17:00.
  const Millis created = kT0 + 16 * kHour;
  TicketLife life = start_life(created, false);
  on_message(life, customer(created), business);

  // Day 1, 10:00: first reply. 16:00-17:00 and 09:00-10:00 count: 2 h (18 h on the wall).
  const Millis d1_10 = kT0 + kDay + 10 * kHour;
  on_message(life, reply(d1_10), business);
  on_status(life, Status::pending, d1_10, business);

  // Day 1, 20:00: the customer writes after hours; on hold 10:00-17:00 = 7 h.
  const Millis d1_20 = kT0 + kDay + 20 * kHour;
  on_message(life, customer(d1_20), business);
  CHECK(life.on_hold_ms == 7 * kHour);

  // Day 2, 09:30: the next reply took 30 business minutes (13.5 h on the wall).
  const Millis d2_0930 = kT0 + 2 * kDay + 9 * kHour + 30 * kMinute;
  CHECK(on_message(life, reply(d2_0930), business).next_reply_ms == 30 * kMinute);

  // Day 2, 12:00: resolved. 1 h on day 0 + 8 h on day 1 + 3 h on day 2.
  const Millis d2_12 = kT0 + 2 * kDay + 12 * kHour;
  on_status(life, Status::resolved, d2_12, business);

  const TicketFigures f = figures_at(life, d2_12 + kDay, business);
  CHECK(f.first_response_ms == 2 * kHour);
  CHECK(f.first_resolution_ms == 12 * kHour);
  CHECK(f.full_resolution_ms == 12 * kHour);
  CHECK(f.requester_wait_ms ==
        2 * kHour + 3 * kHour);  // [d0 16:00, d1 10:00) + [d1 20:00, d2 12:00)
  CHECK(f.on_hold_ms == 7 * kHour);
  CHECK(business.reversed_calls == 0);

  // The running segment is measured in the calendar too: reopened on day 3 at 16:00, looked
  // at on day 4 at 10:00.
  on_message(life, customer(kT0 + 3 * kDay + 16 * kHour), business);
  CHECK(figures_at(life, kT0 + 4 * kDay + 10 * kHour, business).requester_wait_ms ==
        5 * kHour + 2 * kHour);
}

// --- Property: the folded life equals a naive replay of the raw events --------------------------

namespace {

/// One raw event of a ticket's log: an explicit or system move, or a message.
struct Event {
  Millis at = 0;
  bool is_move = false;
  Status to = Status::open;  ///< for moves
  bool by_system = false;    ///< for moves: the system's, else a staff member's of `role`
  Role role = Role::agent;
  MessageFact message;  ///< for messages
};

struct Scenario {
  Millis created_at = 0;
  bool outbound = false;
  std::vector<Event> events;
};

std::string describe(const Scenario& s) {
  std::ostringstream out;
  out << "created_at=" << s.created_at << (s.outbound ? " outbound" : "") << "\n";
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    out << "  #" << i << " +" << (e.at - s.created_at) << "ms ";
    if (e.is_move)
      out << "move to " << to_string(e.to) << " by "
          << (e.by_system ? std::string_view("system") : to_string(e.role));
    else
      out << to_string(e.message.author) << (e.message.internal ? " internal" : " public")
          << " message";
    out << "\n";
  }
  return out.str();
}

/// A random valid ticket history: staff moves allowed by allowed_moves for a random role,
/// system moves of the survey, messages of any author; times never go backwards.
Scenario generate(std::mt19937& rng) {
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  auto uniform = [&rng](Millis lo, Millis hi) {
    return std::uniform_int_distribution<Millis>(lo, hi)(rng);
  };

  Scenario s;
  s.created_at = kT0 + uniform(0, 7 * kDay);
  s.outbound = chance(0.2);
  const auto count = static_cast<std::size_t>(uniform(0, 40));
  Status status = Status::open;  // the generator's own tracking, to pick valid moves
  Millis now = s.created_at;

  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) {
      const int pace = static_cast<int>(uniform(0, 9));
      if (pace == 0) {
        // same instant as the previous event
      } else if (pace <= 3) {
        now += uniform(1, 10 * kMinute);
      } else if (pace <= 6) {
        now += uniform(10 * kMinute, 8 * kHour);
      } else {
        now += uniform(8 * kHour, 3 * kDay);
      }
    }
    Event e;
    e.at = now;
    if (i == 0 && chance(0.9)) {
      // The ticket's text: the customer's, or the agent's on an outbound ticket.
      e.message = {now, s.outbound ? ActorKind::agent : ActorKind::customer, false};
      s.events.push_back(e);
      continue;
    }
    const double pick = std::uniform_real_distribution<double>(0, 1)(rng);
    if (pick < 0.35) {
      const double r = std::uniform_real_distribution<double>(0, 1)(rng);
      e.role = r < 0.6 ? Role::agent : r < 0.85 ? Role::supervisor : Role::admin;
      const std::vector<Status> moves = allowed_moves(status, e.role);
      if (!moves.empty()) {
        e.is_move = true;
        e.to = moves[static_cast<std::size_t>(uniform(0, Millis(moves.size()) - 1))];
      }
    } else if (pick < 0.45) {
      std::vector<Status> moves;
      if (status == Status::resolved) moves = {Status::follow_up};
      if (status == Status::follow_up) moves = {Status::closed, Status::open};
      if (!moves.empty()) {
        e.is_move = true;
        e.by_system = true;
        e.to = moves[static_cast<std::size_t>(uniform(0, Millis(moves.size()) - 1))];
      }
    }
    if (e.is_move) {
      status = e.to;
    } else {
      const double r = std::uniform_real_distribution<double>(0, 1)(rng);
      ActorKind author = r < 0.5   ? ActorKind::customer
                         : r < 0.9 ? ActorKind::agent
                                   : ActorKind::system;
      // A customer's message on closed starts a new ticket: not part of this one's life.
      if (author == ActorKind::customer && status == Status::closed) author = ActorKind::agent;
      // Customers cannot write internal notes.
      const bool internal = author != ActorKind::customer && chance(0.3);
      e.message = {now, author, internal};
      if (author == ActorKind::customer && status != Status::open) status = Status::open;
    }
    s.events.push_back(e);
  }
  return s;
}

/// What a naive replay of the raw events says, written from KPIS.md alone.
struct Expected {
  Status status = Status::open;
  std::optional<Millis> first_response_ms;
  std::optional<Millis> first_resolution_ms;
  std::optional<Millis> full_resolution_ms;
  Millis requester_wait_ms = 0;
  Millis on_hold_ms = 0;
  bool one_touch = false;
  int reopen_count = 0;
  int public_reply_count = 0;
  int resolution_episode = 0;
  std::optional<Millis> awaiting_reply_since;
  // The effects of the last event of the prefix.
  bool last_resolved = false;
  bool last_reopened = false;
  std::optional<Millis> last_next_reply_ms;
};

/// Replays events[0, n) and measures at `now`. REQUIRES: now >= events[n - 1].at.
Expected replay(const Scenario& s, std::size_t n, Millis now, const Calendar& calendar) {
  struct Transition {
    Millis at;
    Status from;
    Status to;
    std::size_t event;
  };
  // 1. Every status change, explicit or caused by a customer's message.
  std::vector<Transition> transitions;
  Status status = Status::open;
  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = s.events[i];
    Status to = status;
    if (e.is_move) to = e.to;
    const bool public_customer =
        !e.is_move && e.message.author == ActorKind::customer && !e.message.internal;
    if (public_customer) to = Status::open;
    if (to != status) transitions.push_back({e.at, status, to, i});
    status = to;
  }

  Expected x;
  x.status = status;

  // 2. Time in each status, interval by interval, the last one running until `now`.
  Millis start = s.created_at;
  Status in = Status::open;
  auto add_interval = [&](Millis end) {
    const Millis spent = calendar.elapsed(start, end);
    if (in == Status::open) x.requester_wait_ms += spent;
    if (in == Status::pending) x.on_hold_ms += spent;
  };
  for (const Transition& t : transitions) {
    add_interval(t.at);
    start = t.at;
    in = t.to;
  }
  add_interval(now);

  // 3. Resolutions and reopens.
  std::optional<std::size_t> last_resolution;
  for (std::size_t k = 0; k < transitions.size(); ++k) {
    const Transition& t = transitions[k];
    if (t.to == Status::resolved) {
      ++x.resolution_episode;
      if (!x.first_resolution_ms) x.first_resolution_ms = calendar.elapsed(s.created_at, t.at);
      last_resolution = k;
    }
    const bool reopen =
        t.to == Status::open && (t.from == Status::resolved || t.from == Status::follow_up);
    if (reopen) ++x.reopen_count;
    if (t.event + 1 == n) {
      x.last_resolved = x.last_resolved || t.to == Status::resolved;
      x.last_reopened = x.last_reopened || reopen;
    }
  }
  if (last_resolution) {
    bool reopened_since = false;
    for (std::size_t k = *last_resolution + 1; k < transitions.size(); ++k)
      if (transitions[k].to == Status::open) reopened_since = true;  // only a reopen leaves
    if (!reopened_since)
      x.full_resolution_ms = calendar.elapsed(s.created_at, transitions[*last_resolution].at);
  }

  // 4. The public conversation: internal notes and automatic messages are not part of it.
  std::vector<std::size_t> conversation;
  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = s.events[i];
    if (!e.is_move && !e.message.internal && e.message.author != ActorKind::system)
      conversation.push_back(i);
  }
  auto author = [&](std::size_t c) { return s.events[conversation[c]].message.author; };
  for (std::size_t c = 0; c < conversation.size(); ++c) {
    if (author(c) != ActorKind::agent) continue;
    ++x.public_reply_count;
    if (!s.outbound && !x.first_response_ms)
      x.first_response_ms = calendar.elapsed(s.created_at, s.events[conversation[c]].at);
  }
  for (std::size_t c = 1; c < conversation.size(); ++c) {
    if (author(c) != ActorKind::customer || author(c - 1) != ActorKind::agent) continue;
    const Millis asked = s.events[conversation[c]].at;
    std::optional<std::size_t> answer;
    for (std::size_t d = c + 1; d < conversation.size() && !answer; ++d)
      if (author(d) == ActorKind::agent) answer = d;
    if (!answer) {
      x.awaiting_reply_since = asked;
    } else if (conversation[*answer] + 1 == n) {
      x.last_next_reply_ms = calendar.elapsed(asked, s.events[conversation[*answer]].at);
    }
  }

  x.one_touch = x.resolution_episode > 0 && x.reopen_count == 0 && x.public_reply_count == 1;
  return x;
}

template <class T>
std::string show(const std::optional<T>& v) {
  return v ? std::to_string(*v) : std::string("none");
}
std::string show(bool v) {
  return v ? "true" : "false";
}
std::string show(Millis v) {
  return std::to_string(v);
}
std::string show(int v) {
  return std::to_string(v);
}
std::string show(Status v) {
  return std::string(to_string(v));
}

/// Lists every difference between the replay and what TicketLife says; empty when they agree.
std::string differences(const Expected& x, const TicketLife& life, const LifeEffects& effects,
                        const TicketFigures& f) {
  std::string out;
  auto compare = [&out](const char* what, const auto& expected, const auto& actual) {
    if (expected == actual) return;
    out += std::string(what) + ": expected " + show(expected) + ", actual " + show(actual) + "\n";
  };
  compare("status", x.status, life.status);
  compare("first_response_ms", x.first_response_ms, f.first_response_ms);
  compare("first_resolution_ms", x.first_resolution_ms, f.first_resolution_ms);
  compare("full_resolution_ms", x.full_resolution_ms, f.full_resolution_ms);
  compare("requester_wait_ms", x.requester_wait_ms, f.requester_wait_ms);
  compare("on_hold_ms", x.on_hold_ms, f.on_hold_ms);
  compare("one_touch", x.one_touch, f.one_touch);
  compare("reopen_count", x.reopen_count, life.reopen_count);
  compare("public_reply_count", x.public_reply_count, life.public_reply_count);
  compare("resolution_episode", x.resolution_episode, life.resolution_episode);
  compare("awaiting_reply_since", x.awaiting_reply_since, life.awaiting_reply_since);
  compare("effects.resolved", x.last_resolved, effects.resolved);
  compare("effects.reopened", x.last_reopened, effects.reopened);
  compare("effects.next_reply_ms", x.last_next_reply_ms, effects.next_reply_ms);
  return out;
}

/// The base seed: HD_PROPERTY_SEED in the environment, else a fixed one (reproducible runs).
std::uint32_t base_seed() {
  if (const char* env = std::getenv("HD_PROPERTY_SEED"))
    return static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  return 20'240'611;
}

}  // namespace

TEST_CASE("property: TicketLife equals a naive replay of random valid event logs") {
  constexpr std::uint32_t kSequences = 2000;
  const std::uint32_t seed = base_seed();
  const AlwaysOpenCalendar wall;
  const NineToFiveCalendar business;

  for (const Calendar* calendar :
       {static_cast<const Calendar*>(&wall), static_cast<const Calendar*>(&business)}) {
    const std::string calendar_name = calendar == &wall ? "wall clock" : "09:00-17:00";
    int failed_sequences = 0;
    for (std::uint32_t index = 0; index < kSequences && failed_sequences < 3; ++index) {
      // Each sequence has its own generator, so (seed, index) alone reproduces it.
      std::seed_seq seq{seed, index};
      std::mt19937 rng(seq);
      const Scenario s = generate(rng);

      TicketLife life = start_life(s.created_at, s.outbound);
      std::string failure;
      for (std::size_t i = 0; i < s.events.size() && failure.empty(); ++i) {
        const Event& e = s.events[i];
        const LifeEffects effects = e.is_move ? on_status(life, e.to, e.at, *calendar)
                                              : on_message(life, e.message, *calendar);
        // Measure at the event itself, and at a later instant (a running segment).
        const Millis later = e.at + std::uniform_int_distribution<Millis>(0, 2 * kDay)(rng);
        for (const Millis now : {e.at, later}) {
          const std::string diff = differences(replay(s, i + 1, now, *calendar), life, effects,
                                               figures_at(life, now, *calendar));
          if (!diff.empty() && failure.empty())
            failure = "after event #" + std::to_string(i) + " measured at +" +
                      std::to_string(now - s.created_at) + "ms:\n" + diff;
        }
      }
      if (!failure.empty()) ++failed_sequences;
      INFO("calendar: " << calendar_name);
      INFO("HD_PROPERTY_SEED=" << seed << " sequence index " << index);
      INFO(describe(s));
      CHECK_MESSAGE(failure.empty(), failure);
    }
  }
  CHECK(business.reversed_calls == 0);  // Calendar::elapsed was never asked to go backwards
}

}  // namespace hd::domain
