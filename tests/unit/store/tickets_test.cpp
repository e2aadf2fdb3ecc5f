#include "store/tickets.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "domain/refusal.hpp"
#include "domain/ticket_state.hpp"
#include "store/jobs_store.hpp"
#include "ticket_fixture.hpp"

// g++ 12 warns about members left to their default initializers by a designated initializer,
// which is exactly what the queries below mean (later compilers no longer do).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hd::store {
namespace {

namespace json = boost::json;
using domain::ActorKind;
using domain::errc;
using domain::Role;
using domain::Status;
using testing::describe;
using testing::Desk;
using testing::JobRow;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kT0;
using testing::ticket_about;

constexpr std::array kAllStatuses{Status::open, Status::pending, Status::resolved,
                                  Status::follow_up, Status::closed};
constexpr std::array kAllRoles{Role::agent, Role::supervisor, Role::admin};

json::object data_of(const EventRecord& e) {
  return json::parse(e.data).as_object();
}

const EventRecord& last_event(const std::vector<EventRecord>& events) {
  REQUIRE_FALSE(events.empty());
  return events.back();
}

/// The satisfaction check that resolving `ticket` in `episode` at `at` must queue.
JobRow survey_job(Id ticket, int episode, Millis at, Millis delay, const std::string& state,
                  Millis updated_at) {
  return {"satisfaction_check",
          json::serialize(json::object{{"ticket_id", ticket}, {"episode", episode}}),
          at + delay,
          "satisfaction_check:" + std::to_string(ticket) + ":" + std::to_string(episode),
          state,
          at,
          updated_at};
}

/// Moves a new ticket into `status` by the usual way, starting at `now` (advanced).
TicketRecord ticket_in(Desk& desk, Status status, Millis& now, const std::string& word = "modem") {
  auto t = desk.create(ticket_about(word), now);
  now += kMinute;
  switch (status) {
    case Status::open:
      return t;
    case Status::pending:
      return desk.reply(t.id, now, Status::pending);
    case Status::resolved:
      return desk.move(t.id, Status::resolved, Desk::as(desk.agent), now);
    case Status::follow_up:
      desk.move(t.id, Status::resolved, Desk::as(desk.agent), now);
      now += kMinute;
      return desk.move(t.id, Status::follow_up, Desk::system(), now);
    case Status::closed:
      desk.move(t.id, Status::resolved, Desk::as(desk.agent), now);
      now += kMinute;
      return desk.move(t.id, Status::closed, Desk::as(desk.supervisor), now);
  }
  return t;
}

// ------------------------------------------------------------------------------------------
// create_ticket

TEST_CASE("create_ticket stores the ticket, its customer, first message and events") {
  Desk desk;
  NewTicket n = ticket_about("scanner");
  n.priority = domain::Priority::high;
  n.channel = domain::Channel::email;
  n.team_id = desk.support.id;
  n.assignee_id = desk.agent.id;
  n.tags = {"hardware", "vip"};
  const auto t = desk.create(n, kT0);

  CHECK(t.id > 0);
  CHECK(t.subject == n.subject);
  CHECK(t.priority == domain::Priority::high);
  CHECK(t.channel == domain::Channel::email);
  CHECK(t.team_id == desk.support.id);
  CHECK(t.assignee_id == desk.agent.id);
  CHECK_FALSE(t.linked_ticket_id);
  CHECK(t.tags == std::vector<std::string>{"hardware", "vip"});
  CHECK(t.created_at == kT0);
  CHECK(t.updated_at == kT0);
  CHECK(t.message_count == 1);
  CHECK(t.customer.id > 0);
  CHECK(t.customer.email == "ana@example.com");
  CHECK(t.customer.name == "Ana Lima");
  CHECK(t.customer.organization == "Lima & Co");
  // The customer's first message leaves a new ticket open, with no time figure yet.
  auto expected_life = domain::start_life(kT0, false);
  domain::on_message(expected_life, {kT0, ActorKind::customer, false}, desk.calendar);
  CHECK(t.life == expected_life);
  CHECK(t.life.status == Status::open);
  CHECK_FALSE(t.life.first_response_at);
  CHECK(t.life.public_reply_count == 0);

  // What create_ticket hands back is what a reader finds.
  CHECK(describe(t) == describe(desk.ticket(t.id)));

  const auto events = desk.events(t.id);
  REQUIRE(desk.event_types(t.id) == std::vector<std::string>{"created", "assigned", "message"});
  for (const auto& e : events) {
    CHECK(e.ticket_id == t.id);
    CHECK(e.at == kT0);
    CHECK(e.actor_kind == ActorKind::agent);
    CHECK(e.actor_user_id == desk.agent.id);
  }
  const auto created = data_of(events[0]);
  CHECK(created.at("subject").as_string() == n.subject);
  CHECK(created.at("priority").as_string() == "high");
  CHECK(created.at("channel").as_string() == "email");
  CHECK(created.at("customer_id").as_int64() == t.customer.id);
  CHECK(data_of(events[1]).at("assignee_id").as_int64() == desk.agent.id);
  const auto message = data_of(events[2]);
  CHECK(message.at("author").as_string() == "customer");
  CHECK(message.at("internal").as_bool() == false);

  const auto messages = desk.messages(t.id);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].ticket_id == t.id);
  CHECK(messages[0].author_kind == ActorKind::customer);
  CHECK(messages[0].author_id == t.customer.id);
  CHECK(messages[0].author_name == "Ana Lima");
  CHECK(messages[0].body == n.body);
  CHECK(messages[0].created_at == kT0);
  CHECK(message.at("message_id").as_int64() == messages[0].id);

  CHECK(desk.survey_jobs().empty());                   // nothing to follow up yet
  CHECK(desk.search("scanner") == std::vector{t.id});  // the subject
  CHECK(desk.search("morning") == std::vector{t.id});  // the first message
}

TEST_CASE("create_ticket finds a known customer by email in any case and keeps what it knows") {
  Desk desk;
  const auto first = desk.create(ticket_about("mouse"), kT0);
  NewTicket again = ticket_about("cable", "ANA@Example.COM");
  again.customer.name = "";          // unknown this time: the stored name stays
  again.customer.organization = "";  // likewise
  const auto second = desk.create(again, kT0 + kMinute);
  CHECK(second.customer.id == first.customer.id);
  CHECK(second.customer.name == "Ana Lima");
  CHECK(second.customer.organization == "Lima & Co");
  CHECK(desk.ticket(second.id).customer.email == "ana@example.com");
  // Nothing new about her: her record is as it was, update time included.
  CHECK(second.customer.updated_at == first.customer.updated_at);
  const auto same = desk.create(ticket_about("hub"), kT0 + kMinute);
  CHECK(same.customer.name == "Ana Lima");
  CHECK(same.customer.updated_at == kT0);

  NewTicket renamed = ticket_about("dock", "ana@example.com");
  renamed.customer.name = "Ana Lima-Souza";
  const auto third = desk.create(renamed, kT0 + 2 * kMinute);
  CHECK(third.customer.id == first.customer.id);
  CHECK(third.customer.updated_at == kT0 + 2 * kMinute);
  CHECK(desk.ticket(first.id).customer.name == "Ana Lima-Souza");
}

TEST_CASE("create_ticket hands back the tags as they are stored: each once, in order") {
  Desk desk;
  NewTicket n = ticket_about("router");
  n.tags = {"vpn", "billing", "vpn"};
  const auto t = desk.create(n, kT0);
  CHECK(desk.ticket(t.id).tags == std::vector<std::string>{"billing", "vpn"});
  CHECK(t.tags == desk.ticket(t.id).tags);
}

TEST_CASE("create_ticket refuses an unknown team or an unknown or deactivated assignee") {
  Desk desk;
  NewTicket n = ticket_about("phone");
  std::string field;
  SUBCASE("unknown team") {
    n.team_id = 9999;
    field = "team_id";
  }
  SUBCASE("unknown assignee") {
    n.assignee_id = 9999;
    field = "assignee_id";
  }
  SUBCASE("deactivated assignee") {
    n.assignee_id = desk.retired.id;
    field = "assignee_id";
  }
  CAPTURE(field);
  const auto refusal =
      desk.refusal([&](Tx& tx) { create_ticket(tx, n, Desk::as(desk.agent), kT0, desk.policy); });
  REQUIRE(refusal);
  CHECK(refusal->code == errc::invalid_argument);
  CHECK(refusal->field == field);
  // Nothing of it was written: no ticket, no customer, no search row, no event.
  CHECK(desk.db().read_blocking([](Connection& c) { return count_tickets(c); }) == 0);
  CHECK(
      desk.db().read_blocking([](Connection& c) { return list_customers(c, {}, 0, 10); }).empty());
  CHECK(desk.search("phone").empty());
  CHECK(desk.events(1).empty());
}

// ------------------------------------------------------------------------------------------
// messages and the status they cause

TEST_CASE("replies, notes and customer messages move a ticket and its figures as KPIS.md says") {
  Desk desk;
  const auto t = desk.create(ticket_about("printer"), kT0);

  // An internal note is no response.
  auto now = kT0 + kHour;
  auto after = desk.note(t.id, now);
  CHECK(after.life.status == Status::open);
  CHECK_FALSE(after.life.first_response_at);
  CHECK(after.life.public_reply_count == 0);
  CHECK(after.message_count == 2);
  CHECK(after.version == t.version + 1);
  CHECK(after.updated_at == now);

  // The first public reply is the first response; it may put the ticket on hold.
  now = kT0 + 2 * kHour;
  after = desk.reply(t.id, now, Status::pending);
  CHECK(after.life.status == Status::pending);
  CHECK(after.life.first_response_at == now);
  CHECK(after.life.public_reply_count == 1);
  CHECK(after.life.requester_wait_ms == 2 * kHour);
  CHECK(after.message_count == 3);
  CHECK(after.version == t.version + 2);  // one request, one new version
  auto events = desk.events(t.id);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2].type == domain::EventType::message);
  CHECK(data_of(events.back()).at("from").as_string() == "open");
  CHECK(data_of(events.back()).at("to").as_string() == "pending");
  CHECK(events.back().actor_user_id == desk.agent.id);

  // The customer answers: pending -> open, the hold ends and the next-reply clock starts.
  now = kT0 + 5 * kHour;
  auto [message, reopened] = desk.customer_writes(t.id, now, "Still jammed.");
  CHECK(message.ticket_id == t.id);
  CHECK(message.author_kind == ActorKind::customer);
  CHECK(message.author_id == t.customer.id);
  CHECK(reopened.life.status == Status::open);
  CHECK(reopened.life.on_hold_ms == 3 * kHour);
  CHECK(reopened.life.awaiting_reply_since == now);
  CHECK(reopened.life.reopen_count == 0);  // pending -> open is no reopen
  events = desk.events(t.id);
  const auto moved = data_of(events.back());
  CHECK(moved.at("from").as_string() == "pending");
  CHECK(moved.at("to").as_string() == "open");
  CHECK(moved.at("cause").as_string() == "customer_message");
  CHECK_FALSE(moved.contains("reopen"));

  // A second customer message on open moves nothing.
  now += kMinute;
  const auto before = desk.events(t.id).size();
  auto still_open = desk.customer_writes(t.id, now, "Hello?").second;
  CHECK(still_open.life.status == Status::open);
  CHECK(still_open.life.awaiting_reply_since == kT0 + 5 * kHour);
  CHECK(desk.events(t.id).size() == before + 1);  // the message, no status event

  // The next public reply answers the waiting message: next reply time 1 h 1 min.
  now = kT0 + 6 * kHour + kMinute;
  after = desk.reply(t.id, now, Status::open);  // then_status equal to the status: no move
  CHECK(after.life.status == Status::open);
  CHECK_FALSE(after.life.awaiting_reply_since);
  CHECK(after.life.public_reply_count == 2);
  CHECK(after.life.first_response_at == kT0 + 2 * kHour);
  events = desk.events(t.id);
  CHECK(events.back().type == domain::EventType::message);
  CHECK(data_of(events.back()).at("next_reply_ms").as_int64() == kHour + kMinute);

  // The message list tells who wrote what, in order.
  const auto messages = desk.messages(t.id);
  REQUIRE(messages.size() == 6);
  CHECK(messages[1].internal);
  CHECK(messages[1].author_name == "Alex Agent");
  CHECK(messages[1].author_id == desk.agent.id);
  CHECK(messages[3].author_kind == ActorKind::customer);
  CHECK(messages[3].body == "Still jammed.");
  CHECK(messages[3].author_name == "Ana Lima");
}

TEST_CASE("every resolution queues one satisfaction check; a reopen cancels its episode's") {
  Desk desk;
  const Millis delay = desk.policy.survey_delay_ms;
  const auto t = desk.create(ticket_about("wifi"), kT0);
  std::vector<JobRow> expected;

  // Episode 1: resolved by an explicit move...
  Millis resolved_at = kT0 + kHour;
  auto after = desk.move(t.id, Status::resolved, Desk::as(desk.agent), resolved_at, "fixed");
  CHECK(after.life.status == Status::resolved);
  CHECK(after.life.resolution_episode == 1);
  CHECK(after.life.first_resolved_at == resolved_at);
  CHECK(after.life.resolved_at == resolved_at);
  CHECK(data_of(desk.events(t.id).back()).at("note").as_string() == "fixed");
  expected.push_back(survey_job(t.id, 1, resolved_at, delay, "queued", resolved_at));
  CHECK(desk.survey_jobs() == expected);
  CHECK(desk.db().read_blocking([](Connection& c) { return count_queued_jobs(c); }) ==
        std::vector<std::pair<std::string, std::int64_t>>{{"satisfaction_check", 1}});

  // ...and reopened by the customer: its check is cancelled.
  Millis reopened_at = kT0 + 2 * kHour;
  after = desk.customer_writes(t.id, reopened_at, "It dropped again.").second;
  CHECK(after.life.status == Status::open);
  CHECK(after.life.reopen_count == 1);
  CHECK_FALSE(after.life.resolved_at);
  CHECK(after.life.first_resolved_at == resolved_at);
  CHECK(data_of(desk.events(t.id).back()).at("reopen").as_bool());
  expected[0].state = "cancelled";
  expected[0].updated_at = reopened_at;
  CHECK(desk.survey_jobs() == expected);

  // Episode 2: resolved by a reply, with another delay; the survey goes out (system move);
  // the customer writes again: reopen from follow_up cancels episode 2's check.
  resolved_at = kT0 + 3 * kHour;
  const TicketPolicy slow{2 * kHour, &desk.calendar};
  after = desk.db().write_blocking([&](Tx& tx) {
    return add_message(tx, t.id, {ActorKind::agent, false, "Replaced the AP.", Status::resolved},
                       Desk::as(desk.agent), resolved_at, slow)
        .second;
  });
  CHECK(after.life.resolution_episode == 2);
  expected.push_back(survey_job(t.id, 2, resolved_at, 2 * kHour, "queued", resolved_at));
  CHECK(desk.survey_jobs() == expected);
  after = desk.move(t.id, Status::follow_up, Desk::system(), kT0 + 5 * kHour);
  CHECK(after.life.status == Status::follow_up);
  CHECK(desk.survey_jobs() == expected);  // the system move itself queues nothing
  reopened_at = kT0 + 6 * kHour;
  after = desk.customer_writes(t.id, reopened_at).second;
  CHECK(after.life.status == Status::open);
  CHECK(after.life.reopen_count == 2);
  expected[1].state = "cancelled";
  expected[1].updated_at = reopened_at;
  CHECK(desk.survey_jobs() == expected);

  // Episode 3: reopened by an agent's explicit move.
  resolved_at = kT0 + 7 * kHour;
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), resolved_at);
  expected.push_back(survey_job(t.id, 3, resolved_at, delay, "queued", resolved_at));
  reopened_at = kT0 + 8 * kHour;
  after = desk.move(t.id, Status::open, Desk::as(desk.agent), reopened_at);
  CHECK(after.life.reopen_count == 3);
  expected[2].state = "cancelled";
  expected[2].updated_at = reopened_at;
  CHECK(desk.survey_jobs() == expected);

  // Episode 4: the survey's answer "not resolved" (system follow_up -> open) reopens.
  resolved_at = kT0 + 9 * kHour;
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), resolved_at);
  expected.push_back(survey_job(t.id, 4, resolved_at, delay, "queued", resolved_at));
  desk.move(t.id, Status::follow_up, Desk::system(), resolved_at + kHour);
  reopened_at = resolved_at + 2 * kHour;
  after = desk.move(t.id, Status::open, Desk::system(), reopened_at);
  CHECK(after.life.reopen_count == 4);
  expected[3].state = "cancelled";
  expected[3].updated_at = reopened_at;
  CHECK(desk.survey_jobs() == expected);

  // Episode 5: answered "resolved" (follow_up -> closed); its check stays as the runner left it.
  resolved_at = kT0 + 12 * kHour;
  after = desk.reply(t.id, resolved_at, Status::resolved);
  expected.push_back(survey_job(t.id, 5, resolved_at, delay, "queued", resolved_at));
  desk.move(t.id, Status::follow_up, Desk::system(), resolved_at + kHour);
  after = desk.move(t.id, Status::closed, Desk::system(), resolved_at + 2 * kHour);
  CHECK(after.life.status == Status::closed);
  CHECK(after.life.resolution_episode == 5);
  CHECK(after.life.reopen_count == 4);
  CHECK(desk.survey_jobs() == expected);

  // Another ticket's resolution never touches this one's checks.
  const auto other = desk.create(ticket_about("lamp"), kT0);
  desk.move(other.id, Status::resolved, Desk::as(desk.agent), kT0 + kDay);
  expected.push_back(survey_job(other.id, 1, kT0 + kDay, delay, "queued", kT0 + kDay));
  CHECK(desk.survey_jobs() == expected);
}

TEST_CASE("a customer message on a closed ticket starts a new ticket linked to the old one") {
  Desk desk;
  NewTicket n = ticket_about("badge");
  n.priority = domain::Priority::urgent;
  n.channel = domain::Channel::web;
  n.team_id = desk.billing.id;
  n.assignee_id = desk.supervisor.id;
  n.tags = {"access", "vip"};
  Millis now = kT0;
  const auto old = desk.create(n, now);
  desk.move(old.id, Status::resolved, Desk::as(desk.agent), now += kHour);
  desk.move(old.id, Status::closed, Desk::as(desk.supervisor), now += kHour);
  const auto closed = desk.ticket(old.id);
  const auto jobs_before = desk.survey_jobs();
  const auto events_before = desk.events(old.id).size();

  now += kDay;
  const auto [message, fresh] = desk.customer_writes(old.id, now, "The badge broke again.");
  CHECK(fresh.id != old.id);
  CHECK(message.ticket_id == fresh.id);
  CHECK(message.author_kind == ActorKind::customer);
  CHECK(message.body == "The badge broke again.");
  CHECK(fresh.linked_ticket_id == old.id);
  CHECK(fresh.life.status == Status::open);
  CHECK(fresh.subject == old.subject);
  CHECK(fresh.priority == domain::Priority::urgent);
  CHECK(fresh.channel == domain::Channel::web);
  CHECK(fresh.team_id == desk.billing.id);
  CHECK_FALSE(fresh.assignee_id);
  CHECK(fresh.tags == old.tags);
  CHECK(fresh.customer.id == old.customer.id);
  CHECK(fresh.created_at == now);
  CHECK(fresh.message_count == 1);
  CHECK(fresh.life.reopen_count == 0);
  CHECK(describe(fresh) == describe(desk.ticket(fresh.id)));
  const auto fresh_messages = desk.messages(fresh.id);
  REQUIRE(fresh_messages.size() == 1);
  CHECK(fresh_messages[0].body == "The badge broke again.");
  CHECK(desk.event_types(fresh.id) == std::vector<std::string>{"created", "message"});
  CHECK(data_of(desk.events(fresh.id)[0]).at("linked_ticket_id").as_int64() == old.id);

  // The closed ticket stays closed and unchanged; its log names the new ticket.
  const auto after = desk.ticket(old.id);
  CHECK(after.life == closed.life);
  CHECK(after.version == closed.version);
  CHECK(after.message_count == closed.message_count);
  const auto events = desk.events(old.id);
  REQUIRE(events.size() == events_before + 1);
  CHECK(events.back().type == domain::EventType::linked);
  CHECK(data_of(events.back()).at("new_ticket_id").as_int64() == fresh.id);
  CHECK(desk.survey_jobs() == jobs_before);  // neither a check queued nor one cancelled

  // Closing the follow-up ticket and writing again links a third ticket to the second.
  desk.move(fresh.id, Status::closed, Desk::as(desk.admin), now += kHour);
  const auto third = desk.customer_writes(fresh.id, now += kHour, "And again.").second;
  CHECK(third.linked_ticket_id == fresh.id);
  CHECK(third.id != fresh.id);
  CHECK(third.id != old.id);
}

TEST_CASE("a closed ticket takes internal notes only") {
  Desk desk;
  Millis now = kT0;
  const auto t = ticket_in(desk, Status::closed, now);

  const auto before = desk.snapshot(t.id);
  const auto public_reply = desk.refusal([&](Tx& tx) {
    add_message(tx, t.id, {ActorKind::agent, false, "Hello again", std::nullopt},
                Desk::as(desk.supervisor), now + kMinute, desk.policy);
  });
  REQUIRE(public_reply);
  CHECK(public_reply->code == errc::illegal_transition);
  CHECK(public_reply->field == "internal");
  desk.check_unchanged(t.id, before);
  CHECK(desk.search("hello").empty());

  const auto noted = desk.note(t.id, now + kHour, "Customer called, nothing to do.");
  CHECK(noted.life.status == Status::closed);
  CHECK(noted.message_count == desk.ticket(t.id).message_count);
  CHECK(desk.messages(t.id).back().internal);
}

// ------------------------------------------------------------------------------------------
// status moves

TEST_CASE(
    "every move allowed to a role succeeds; every other move is refused and changes nothing") {
  Desk desk;
  const std::map<Role, UserRecord*> staff{
      {Role::agent, &desk.agent}, {Role::supervisor, &desk.supervisor}, {Role::admin, &desk.admin}};
  Millis now = kT0;
  for (const Status from : kAllStatuses) {
    // One ticket in `from` takes every refused move (a refusal leaves it as it was).
    const auto target = ticket_in(desk, from, now);
    REQUIRE(target.life.status == from);
    for (const Role role : kAllRoles) {
      const auto allowed = domain::allowed_moves(from, role);
      for (const Status to : kAllStatuses) {
        CAPTURE(domain::to_string(from));
        CAPTURE(domain::to_string(role));
        CAPTURE(domain::to_string(to));
        const Actor actor = Desk::as(*staff.at(role));
        const bool legal = std::find(allowed.begin(), allowed.end(), to) != allowed.end();
        if (!legal) {
          const auto before = desk.snapshot(target.id);
          const auto refusal = desk.refusal([&](Tx& tx) {
            change_status(tx, target.id, to, "try", actor, now + kMinute, desk.policy);
          });
          REQUIRE(refusal);
          CHECK(refusal->code == errc::illegal_transition);
          CHECK(refusal->field == "status");
          CHECK(describe(refusal->allowed) == describe(allowed));
          const std::string what = refusal->what();
          CHECK(what.find(std::string(domain::to_string(from))) != std::string::npos);
          CHECK(what.find(std::string(domain::to_string(to))) != std::string::npos);
          desk.check_unchanged(target.id, before);
          continue;
        }
        // A legal move, on a fresh ticket in `from`.
        const auto t = ticket_in(desk, from, now);
        const auto jobs_before = desk.survey_jobs().size();
        now += kMinute;
        const auto moved = desk.move(t.id, to, actor, now, "because");
        CHECK(moved.life.status == to);
        CHECK(moved.version == t.version + 1);
        CHECK(moved.updated_at == now);
        CHECK(moved.life.status_since == now);
        const EventRecord e = last_event(desk.events(t.id));
        CHECK(e.type == domain::EventType::status);
        CHECK(e.at == now);
        CHECK(e.actor_kind == ActorKind::agent);
        CHECK(e.actor_user_id == actor.user_id);
        const auto data = data_of(e);
        CHECK(data.at("from").as_string() == domain::to_string(from));
        CHECK(data.at("to").as_string() == domain::to_string(to));
        CHECK(data.at("note").as_string() == "because");
        CHECK(data.contains("reopen") == domain::is_reopen(from, to));
        CHECK(moved.life.reopen_count ==
              t.life.reopen_count + (domain::is_reopen(from, to) ? 1 : 0));
        CHECK(desk.survey_jobs().size() == jobs_before + (to == Status::resolved ? 1 : 0));
        if (domain::is_reopen(from, to)) CHECK(desk.survey_jobs().back().state == "cancelled");
      }
    }
  }
}

TEST_CASE("the system makes only its own moves") {
  Desk desk;
  Millis now = kT0;
  for (const Status from : kAllStatuses) {
    const auto target = ticket_in(desk, from, now);
    for (const Status to : kAllStatuses) {
      CAPTURE(domain::to_string(from));
      CAPTURE(domain::to_string(to));
      if (!domain::is_system_move(from, to)) {
        const auto before = desk.snapshot(target.id);
        const auto refusal = desk.refusal([&](Tx& tx) {
          change_status(tx, target.id, to, "", Desk::system(), now + kMinute, desk.policy);
        });
        REQUIRE(refusal);
        CHECK(refusal->code == errc::illegal_transition);
        desk.check_unchanged(target.id, before);
        continue;
      }
      const auto t = ticket_in(desk, from, now);
      now += kMinute;
      const auto moved = desk.move(t.id, to, Desk::system(), now);
      CHECK(moved.life.status == to);
      const EventRecord e = last_event(desk.events(t.id));
      CHECK(e.actor_kind == ActorKind::system);
      CHECK_FALSE(e.actor_user_id);
      CHECK_FALSE(data_of(e).contains("note"));  // an empty note is not recorded
    }
  }
}

TEST_CASE("a reply's then_status follows the same rules, and a refused reply is not kept") {
  Desk desk;
  Millis now = kT0;
  const auto open = ticket_in(desk, Status::open, now);

  SUBCASE("an agent may not close") {
    const auto before = desk.snapshot(open.id);
    const auto refusal = desk.refusal([&](Tx& tx) {
      add_message(tx, open.id, {ActorKind::agent, false, "Closing zebra", Status::closed},
                  Desk::as(desk.agent), now + kMinute, desk.policy);
    });
    REQUIRE(refusal);
    CHECK(refusal->code == errc::illegal_transition);
    CHECK(refusal->field == "status");
    CHECK(describe(refusal->allowed) == describe(domain::allowed_moves(Status::open, Role::agent)));
    desk.check_unchanged(open.id, before);
    CHECK(desk.search("zebra").empty());
  }
  SUBCASE("nobody moves to follow_up") {
    const auto before = desk.snapshot(open.id);
    const auto refusal = desk.refusal([&](Tx& tx) {
      add_message(tx, open.id, {ActorKind::agent, false, "Survey zebra", Status::follow_up},
                  Desk::as(desk.admin), now + kMinute, desk.policy);
    });
    REQUIRE(refusal);
    CHECK(refusal->code == errc::illegal_transition);
    desk.check_unchanged(open.id, before);
    CHECK(desk.search("zebra").empty());
  }
  SUBCASE("a customer's message cannot set a status") {
    const auto before = desk.snapshot(open.id);
    const auto refusal = desk.refusal([&](Tx& tx) {
      add_message(tx, open.id, {ActorKind::customer, false, "Resolve zebra", Status::resolved},
                  Desk::customer(), now + kMinute, desk.policy);
    });
    REQUIRE(refusal);
    CHECK(refusal->code == errc::invalid_argument);
    CHECK(refusal->field == "status");
    desk.check_unchanged(open.id, before);
  }
  SUBCASE("a supervisor may close with a reply") {
    const auto closed = desk.message(open.id, {ActorKind::agent, false, "Done.", Status::closed},
                                     Desk::as(desk.supervisor), now + kMinute)
                            .second;
    CHECK(closed.life.status == Status::closed);
    CHECK(closed.life.public_reply_count == 1);
    CHECK(desk.event_types(open.id).back() == "status");
  }
}

TEST_CASE("a customer's message that names a status is refused on a closed ticket too") {
  Desk desk;
  Millis now = kT0;
  const auto t = ticket_in(desk, Status::closed, now);
  const auto before = desk.snapshot(t.id);
  const auto refusal = desk.refusal([&](Tx& tx) {
    add_message(tx, t.id, {ActorKind::customer, false, "Reopen it", Status::open}, Desk::customer(),
                now + kMinute, desk.policy);
  });
  REQUIRE(refusal);
  CHECK(refusal->code == errc::invalid_argument);
  CHECK(refusal->field == "status");
  desk.check_unchanged(t.id, before);
}

TEST_CASE("writes to a ticket that does not exist are refused as not_found") {
  Desk desk;
  const Id missing = 4242;
  const auto moved = desk.refusal([&](Tx& tx) {
    change_status(tx, missing, Status::resolved, "", Desk::as(desk.agent), kT0, desk.policy);
  });
  const auto written = desk.refusal([&](Tx& tx) {
    add_message(tx, missing, {ActorKind::agent, false, "hi", std::nullopt}, Desk::as(desk.agent),
                kT0, desk.policy);
  });
  const auto patched = desk.refusal([&](Tx& tx) {
    update_ticket(tx, missing, 1, TicketPatch{.subject = "x"}, Desk::as(desk.agent), kT0);
  });
  for (const auto* r : {&moved, &written, &patched}) {
    REQUIRE(*r);
    CHECK((*r)->code == errc::not_found);
  }
  CHECK(desk.db().read_blocking([](Connection& c) { return find_ticket(c, 4242); }) ==
        std::nullopt);
  CHECK(desk.jobs().empty());
}

// ------------------------------------------------------------------------------------------
// update_ticket

TEST_CASE("update_ticket changes what the patch names, one event each, one version per request") {
  Desk desk;
  const auto t = desk.create(ticket_about("projector"), kT0);
  const auto events_before = desk.events(t.id).size();

  TicketPatch p;
  p.subject = "Projector flickers in room zebra";
  p.priority = domain::Priority::urgent;
  p.assignee_id = desk.agent.id;
  p.team_id = desk.support.id;
  p.tags = std::vector<std::string>{"av", "hardware"};
  const auto updated = desk.patch(t.id, t.version, p, kT0 + kHour);
  CHECK(updated.subject == *p.subject);
  CHECK(updated.priority == domain::Priority::urgent);
  CHECK(updated.assignee_id == desk.agent.id);
  CHECK(updated.team_id == desk.support.id);
  CHECK(updated.tags == std::vector<std::string>{"av", "hardware"});
  CHECK(updated.version == t.version + 1);
  CHECK(updated.updated_at == kT0 + kHour);
  CHECK(updated.life == t.life);  // fields only: the status and figures stay
  CHECK(describe(updated) == describe(desk.ticket(t.id)));
  const auto events = desk.events(t.id);
  REQUIRE(events.size() == events_before + 5);
  std::vector<std::string> types;
  for (std::size_t i = events_before; i < events.size(); ++i)
    types.push_back(std::string(domain::to_string(events[i].type)));
  CHECK(types == std::vector<std::string>{"subject", "priority", "assigned", "team", "tags"});
  CHECK(data_of(events[events_before]).at("from").as_string() == t.subject);
  CHECK(data_of(events[events_before + 1]).at("to").as_string() == "urgent");
  CHECK(data_of(events[events_before + 2]).at("from").is_null());
  CHECK(data_of(events[events_before + 2]).at("assignee_id").as_int64() == desk.agent.id);
  CHECK(desk.search("zebra") == std::vector{t.id});

  // Clearing: an engaged patch with an empty value.
  TicketPatch clear;
  clear.assignee_id = std::optional<Id>{};
  clear.team_id = std::optional<Id>{};
  clear.tags = std::vector<std::string>{};
  const auto cleared = desk.patch(t.id, updated.version, clear, kT0 + 2 * kHour);
  CHECK_FALSE(cleared.assignee_id);
  CHECK_FALSE(cleared.team_id);
  CHECK(cleared.tags.empty());
  CHECK(cleared.version == updated.version + 1);
  const auto after_clear = desk.events(t.id);
  REQUIRE(after_clear.size() == events.size() + 3);
  CHECK(after_clear[events.size()].type == domain::EventType::assigned);
  CHECK(data_of(after_clear[events.size()]).at("from").as_int64() == desk.agent.id);
  CHECK(after_clear[events.size() + 1].type == domain::EventType::team);
  CHECK(data_of(after_clear[events.size() + 1]).at("from").as_int64() == desk.support.id);
  CHECK(after_clear[events.size() + 2].type == domain::EventType::tags);

  // A patch that names the current values records no event.
  TicketPatch same;
  same.subject = cleared.subject;
  same.priority = cleared.priority;
  same.assignee_id = std::optional<Id>{};
  const auto unchanged = desk.patch(t.id, cleared.version, same, kT0 + 3 * kHour);
  CHECK(desk.events(t.id).size() == after_clear.size());
  CHECK(unchanged.subject == cleared.subject);
}

TEST_CASE("update_ticket records a cleared assignee or team as null in its event") {
  Desk desk;
  NewTicket n = ticket_about("tablet");
  n.assignee_id = desk.agent.id;
  n.team_id = desk.support.id;
  const auto t = desk.create(n, kT0);
  TicketPatch clear;
  clear.assignee_id = std::optional<Id>{};
  clear.team_id = std::optional<Id>{};
  desk.patch(t.id, t.version, clear, kT0 + kHour);
  const auto events = desk.events(t.id);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2].data ==
        R"({"from":)" + std::to_string(desk.agent.id) + R"(,"assignee_id":null})");
  CHECK(events.back().data ==
        R"({"from":)" + std::to_string(desk.support.id) + R"(,"team_id":null})");
}

TEST_CASE("update_ticket refuses a stale version, an unknown team or assignee, changing nothing") {
  Desk desk;
  auto t = desk.create(ticket_about("keyboard"), kT0);
  t = desk.reply(t.id, kT0 + kMinute);  // version moves on
  TicketPatch p;
  p.subject = "Renamed zebra";
  std::int64_t version = t.version;
  errc code = errc::ok;
  std::string field;
  SUBCASE("an older version") {
    version = t.version - 1;
    code = errc::version_mismatch;
  }
  SUBCASE("a version from the future") {
    version = t.version + 1;
    code = errc::version_mismatch;
  }
  SUBCASE("an unknown team") {
    p.team_id = std::optional<Id>{9999};
    code = errc::invalid_argument;
    field = "team_id";
  }
  SUBCASE("an unknown assignee") {
    p.assignee_id = std::optional<Id>{9999};
    code = errc::invalid_argument;
    field = "assignee_id";
  }
  SUBCASE("a deactivated assignee") {
    p.assignee_id = std::optional<Id>{desk.retired.id};
    code = errc::invalid_argument;
    field = "assignee_id";
  }
  const auto before = desk.snapshot(t.id);
  const auto refusal = desk.refusal(
      [&](Tx& tx) { update_ticket(tx, t.id, version, p, Desk::as(desk.agent), kT0 + kHour); });
  REQUIRE(refusal);
  CHECK(refusal->code == code);
  CHECK(refusal->field == field);
  desk.check_unchanged(t.id, before);
  CHECK(desk.search("zebra").empty());
}

// ------------------------------------------------------------------------------------------
// list_tickets

/// "3,1,2": ids as doctest can print them.
std::string ids_text(const std::vector<Id>& ids) {
  std::string text;
  for (auto id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

/// Lower-case words as FTS5's unicode61 tokenizer splits them (ASCII is enough here).
std::set<std::string> words_of(const std::string& text) {
  std::set<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.insert(word);
      word.clear();
    }
  }
  return words;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A varied set of tickets and, beside the store, what each should match.
struct Listing {
  Desk desk;
  std::vector<TicketRecord> tickets;          ///< as stored after all writes
  std::map<Id, std::set<std::string>> words;  ///< every word written into a ticket
  std::vector<std::string> emails{"ana@example.com", "bo@example.com", "cy@example.com",
                                  "di@example.com"};
  std::vector<std::string> vocabulary{"printer", "vpn",  "invoice", "password",
                                      "laptop",  "mail", "screen",  "refund"};
  std::vector<std::string> tag_pool{"vip", "hardware", "billing", "network"};
  Millis first_created = kT0, last_created = kT0, last_updated = kT0;

  /// Tickets are created in id order at `created_at(i)`: by default three to a minute, so the id
  /// breaks ties.
  explicit Listing(unsigned seed, int count = 48,
                   std::function<Millis(int, std::mt19937&)> created_at = {}) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    for (int i = 0; i < count; ++i) {
      NewTicket n;
      const auto& a = vocabulary[std::size_t(pick(8))];
      const auto& b = vocabulary[std::size_t(pick(8))];
      n.subject = "Help with " + a;
      n.body = "The " + b + " is broken since Monday";
      n.customer = {emails[std::size_t(pick(4))], "", ""};
      n.priority = domain::Priority(pick(4));
      const int team = pick(3);
      if (team == 1) n.team_id = desk.support.id;
      if (team == 2) n.team_id = desk.billing.id;
      const int assignee = pick(3);
      if (assignee == 1) n.assignee_id = desk.agent.id;
      if (assignee == 2) n.assignee_id = desk.supervisor.id;
      for (const auto& tag : tag_pool)
        if (pick(3) == 0) n.tags.push_back(tag);  // already in order, each once
      // Three tickets share each creation instant: the id breaks the tie.
      const Millis created = created_at ? created_at(i, rng) : kT0 + (i / 3) * kMinute;
      last_created = std::max(last_created, created);
      const auto t = desk.create(n, created);
      auto& w = words[t.id];
      w = words_of(n.subject + " " + n.body);
    }
    // Later work in random order moves statuses and updated_at (with ties).
    Millis now = kT0 + kDay;
    for (const auto& [id, w] : words) {
      const int what = pick(6);
      if (what == 0) continue;  // untouched since created
      if (pick(4) != 0) now += kMinute;
      const auto& word = vocabulary[std::size_t(pick(8))];
      if (what == 1) desk.reply(id, now, Status::pending, "Please try the " + word);
      if (what == 2) desk.move(id, Status::resolved, Desk::as(desk.agent), now);
      if (what == 3) desk.customer_writes(id, now, "Also the " + word + " again");
      if (what == 4) desk.note(id, now, "Note " + word);
      if (what == 5) desk.move(id, Status::closed, Desk::as(desk.admin), now);
      if (what != 2 && what != 5) words[id].insert(word);
      last_updated = now;
    }
    for (const auto& [id, w] : words) tickets.push_back(desk.ticket(id));
  }

  bool matches(const TicketRecord& t, const TicketQuery& q) const {
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), t.life.status) == q.statuses.end())
      return false;
    if (q.assignee_id && t.assignee_id != q.assignee_id) return false;
    if (q.unassigned && t.assignee_id) return false;
    if (q.team_id && t.team_id != q.team_id) return false;
    if (q.priority && t.priority != *q.priority) return false;
    if (q.customer_id && t.customer.id != *q.customer_id) return false;
    if (q.customer_email && lower(t.customer.email) != lower(*q.customer_email)) return false;
    if (q.tag && std::find(t.tags.begin(), t.tags.end(), *q.tag) == t.tags.end()) return false;
    if (q.text) {
      const auto& have = words.at(t.id);
      for (const auto& w : words_of(*q.text))
        if (!have.contains(w)) return false;
    }
    if (q.created_after && t.created_at < *q.created_after) return false;
    if (q.created_before && t.created_at >= *q.created_before) return false;
    if (q.updated_after && t.updated_at < *q.updated_after) return false;
    if (q.updated_before && t.updated_at >= *q.updated_before) return false;
    return true;
  }

  /// The ids the query should return, in its order, ignoring limit and cursor.
  std::vector<Id> expected(const TicketQuery& q) const {
    std::vector<TicketRecord> rows;
    for (const auto& t : tickets)
      if (matches(t, q)) rows.push_back(t);
    const bool ascending =
        q.sort == TicketQuery::Sort::created_asc || q.sort == TicketQuery::Sort::updated_asc;
    std::sort(rows.begin(), rows.end(), [&](const TicketRecord& a, const TicketRecord& b) {
      const auto ka = cursor_of(a, q.sort), kb = cursor_of(b, q.sort);
      return ascending ? ka < kb : kb < ka;
    });
    std::vector<Id> ids;
    for (const auto& t : rows) ids.push_back(t.id);
    return ids;
  }

  /// Every page of `q` with `limit`, following the cursor; checks each page's size.
  std::vector<Id> all_pages(TicketQuery q, int limit) {
    q.limit = limit;
    q.after.reset();
    std::vector<Id> ids;
    for (int page = 0; page < 1000; ++page) {
      const auto rows = desk.db().read_blocking([&q](Connection& c) { return list_tickets(c, q); });
      CHECK(rows.size() <= std::size_t(limit));
      if (rows.empty()) return ids;
      for (const auto& t : rows) ids.push_back(t.id);
      q.after = cursor_of(rows.back(), q.sort);
    }
    FAIL("pagination does not end");
    return ids;
  }
};

constexpr std::array kSorts{TicketQuery::Sort::created_desc, TicketQuery::Sort::created_asc,
                            TicketQuery::Sort::updated_desc, TicketQuery::Sort::updated_asc};

const char* sort_name(TicketQuery::Sort s) {
  switch (s) {
    case TicketQuery::Sort::created_desc:
      return "created_desc";
    case TicketQuery::Sort::created_asc:
      return "created_asc";
    case TicketQuery::Sort::updated_desc:
      return "updated_desc";
    case TicketQuery::Sort::updated_asc:
      return "updated_asc";
    case TicketQuery::Sort::sla_due_asc:
      return "sla_due_asc";
  }
  return "?";
}

TicketQuery all_of(TicketQuery::Sort sort = TicketQuery::Sort::created_desc) {
  TicketQuery q;
  q.sort = sort;
  q.limit = 10'000;
  return q;
}

TEST_CASE("list_tickets: each filter alone returns exactly the tickets it names") {
  Listing l(20261123);
  auto check = [&](std::string what, TicketQuery q) {
    CAPTURE(what);
    q.limit = 10'000;
    const auto expected = l.expected(q);
    // Candidates read by id (all, some) and the walk along the sort order (none): same rows.
    for (const std::size_t max_candidates : {std::size_t{10'000}, std::size_t{3}, std::size_t{0}}) {
      CAPTURE(max_candidates);
      q.max_candidates = max_candidates;
      CHECK(ids_text(l.desk.list(q)) == ids_text(expected));
    }
    return expected.size();
  };
  const std::size_t everything = l.tickets.size();
  CHECK(check("no filter", {}) == everything);

  std::size_t by_status = 0;
  for (const Status s : kAllStatuses) by_status += check("status", {.statuses = {s}});
  CHECK(by_status == everything);  // every ticket has exactly one status
  CHECK(check("open or pending", {.statuses = {Status::open, Status::pending}}) > 0);
  CHECK(check("all statuses", {.statuses = {kAllStatuses.begin(), kAllStatuses.end()}}) ==
        everything);

  const auto mine = check("assignee", {.assignee_id = l.desk.agent.id});
  const auto theirs = check("assignee", {.assignee_id = l.desk.supervisor.id});
  const auto nobody = check("unassigned", {.unassigned = true});
  CHECK(mine > 0);
  CHECK(nobody > 0);
  CHECK(mine + theirs + nobody == everything);
  CHECK(check("unknown assignee", {.assignee_id = 9999}) == 0);
  CHECK(check("assigned and unassigned", {.assignee_id = l.desk.agent.id, .unassigned = true}) ==
        0);

  CHECK(check("team", {.team_id = l.desk.support.id}) > 0);
  CHECK(check("team", {.team_id = l.desk.billing.id}) > 0);
  for (int p = 0; p < 4; ++p) check("priority", {.priority = domain::Priority(p)});

  const auto ana = l.tickets.front().customer;
  const auto by_id = check("customer id", {.customer_id = ana.id});
  CHECK(by_id > 0);
  CHECK(check("customer email", {.customer_email = ana.email}) == by_id);
  CHECK(check("customer email in capitals", {.customer_email = "ANA@EXAMPLE.COM"}) ==
        check("customer email", {.customer_email = "ana@example.com"}));
  CHECK(check("unknown customer", {.customer_email = "zed@example.com"}) == 0);

  for (const auto& tag : l.tag_pool) CHECK(check("tag", {.tag = tag}) > 0);
  CHECK(check("unknown tag", {.tag = "nope"}) == 0);

  for (const auto& word : l.vocabulary) CHECK(check("text", {.text = word}) > 0);
  CHECK(check("text in capitals", {.text = "PRINTER"}) == check("text", {.text = "printer"}));
  CHECK(check("a word nobody wrote", {.text = "xylophone"}) == 0);
}

TEST_CASE("list_tickets: created and updated periods are half-open [after, before)") {
  Listing l(7);
  const Millis at = kT0 + 5 * kMinute;  // three tickets were created at this very instant
  std::size_t at_instant = 0;
  for (const auto& t : l.tickets) at_instant += t.created_at == at ? 1 : 0;
  REQUIRE(at_instant == 3);

  const auto from = l.desk.list({.created_after = at, .limit = 1000});
  const auto before = l.desk.list({.created_before = at, .limit = 1000});
  CHECK(from.size() + before.size() == l.tickets.size());  // a partition: nothing lost or twice
  for (const auto& t : l.tickets) {
    const bool in_from = std::find(from.begin(), from.end(), t.id) != from.end();
    const bool in_before = std::find(before.begin(), before.end(), t.id) != before.end();
    CHECK(in_from == (t.created_at >= at));
    CHECK(in_before == (t.created_at < at));
  }
  CHECK(l.desk.list({.created_after = at, .created_before = at + 1, .limit = 1000}).size() == 3);
  CHECK(l.desk.list({.created_after = at, .created_before = at, .limit = 1000}).empty());
  CHECK(l.desk.list({.created_after = at + 1, .created_before = at, .limit = 1000}).empty());

  // The same for updated_at, at an instant some ticket was updated.
  const Millis updated = l.tickets[l.tickets.size() / 2].updated_at;
  const auto u_from = l.desk.list({.updated_after = updated, .limit = 1000});
  const auto u_before = l.desk.list({.updated_before = updated, .limit = 1000});
  CHECK(u_from.size() + u_before.size() == l.tickets.size());
  CHECK(u_from == l.expected({.updated_after = updated}));
  CHECK(u_before == l.expected({.updated_before = updated}));
}

TEST_CASE("list_tickets: four sort orders, ties broken by id, and limit") {
  Listing l(99);
  for (const auto sort : kSorts) {
    CAPTURE(sort_name(sort));
    const auto ids = l.desk.list(all_of(sort));
    CHECK(ids_text(ids) == ids_text(l.expected(all_of(sort))));
    CHECK(ids.size() == l.tickets.size());
    auto q = all_of(sort);
    q.limit = 5;
    const auto first_five = l.desk.list(q);
    CHECK(first_five == std::vector<Id>(ids.begin(), ids.begin() + 5));
    q.limit = 0;
    CHECK(l.desk.list(q).empty());
  }
  // Newest first and oldest first are each other's reverse (keys are unique with the id).
  auto desc = l.desk.list(all_of(TicketQuery::Sort::created_desc));
  std::reverse(desc.begin(), desc.end());
  CHECK(desc == l.desk.list(all_of(TicketQuery::Sort::created_asc)));
}

TEST_CASE("list_tickets: keyset pagination visits every ticket exactly once, in order") {
  Listing l(4242);
  std::vector<TicketQuery> filters{
      {},
      {.statuses = {Status::open, Status::pending}},
      {.text = "printer"},
      {.team_id = l.desk.support.id},
      {.unassigned = true, .created_after = kT0 + 3 * kMinute},
  };
  for (const auto sort : kSorts)
    for (auto q : filters)
      for (const int limit : {1, 3, 7, 100}) {
        CAPTURE(sort_name(sort));
        CAPTURE(limit);
        q.sort = sort;
        q.max_candidates = limit == 3 ? 0 : 10'000;  // the walk along the sort order, too
        const auto expected = l.expected(q);
        const auto paged = l.all_pages(q, limit);
        CHECK(ids_text(paged) == ids_text(expected));
        CHECK(std::set<Id>(paged.begin(), paged.end()).size() == paged.size());
      }
}

TEST_CASE("list_tickets: random combinations of filters agree with a model of the filters") {
  for (const unsigned seed : {1u, 2u}) {
    CAPTURE(seed);
    Listing l(seed * 7919u, 36);
    std::mt19937 rng(seed);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    auto pick = [&](std::size_t n) { return std::size_t(rng() % n); };
    for (int round = 0; round < 120; ++round) {
      TicketQuery q;
      if (chance(30))
        for (const Status s : kAllStatuses)
          if (chance(50)) q.statuses.push_back(s);
      if (chance(20)) q.assignee_id = chance(50) ? l.desk.agent.id : l.desk.supervisor.id;
      if (chance(15)) q.unassigned = true;
      if (chance(20)) q.team_id = chance(50) ? l.desk.support.id : l.desk.billing.id;
      if (chance(20)) q.priority = domain::Priority(pick(4));
      if (chance(15)) q.customer_id = l.tickets[pick(l.tickets.size())].customer.id;
      if (chance(15)) q.customer_email = l.emails[pick(l.emails.size())];
      if (chance(20)) q.tag = l.tag_pool[pick(l.tag_pool.size())];
      if (chance(25)) q.text = l.vocabulary[pick(l.vocabulary.size())];
      const auto& some = l.tickets[pick(l.tickets.size())];
      if (chance(25)) q.created_after = some.created_at + Millis(pick(3)) - 1;
      if (chance(25)) q.created_before = l.tickets[pick(l.tickets.size())].created_at;
      if (chance(20)) q.updated_after = some.updated_at;
      if (chance(30)) q.max_candidates = pick(8);  // few candidates by id, or the walk
      if (chance(20)) q.updated_before = l.tickets[pick(l.tickets.size())].updated_at + 1;
      q.sort = kSorts[pick(kSorts.size())];
      CAPTURE(round);
      CAPTURE(sort_name(q.sort));
      const auto expected = l.expected(q);
      q.limit = 10'000;
      CHECK(ids_text(l.desk.list(q)) == ids_text(expected));
      if (round % 4 == 0) CHECK(ids_text(l.all_pages(q, 1 + int(pick(5)))) == ids_text(expected));
    }
  }
}

TEST_CASE("list_tickets: a search by creation is exact when tickets were created out of order") {
  const auto out_of_order_id = [](Listing& l) {
    return l.desk.db().read_blocking([](Connection& c) {
      auto& s = c.statement("SELECT last_out_of_order_id FROM ticket_creation_order");
      s.executeStep();
      return s.getColumn(0).getInt64();
    });
  };
  // Concurrent requests reach the writer minutes out of turn at most (within the tolerance);
  // imported history is days older than the tickets before it (beyond it).
  const auto within = [](int i, std::mt19937& rng) {
    return kT0 + i * kMinute - Millis(rng() % 9) * kMinute;
  };
  const auto imported = [](int i, std::mt19937& rng) {
    return rng() % 6 == 0 ? kT0 - 3 * kDay + i * kMinute : kT0 + i * kMinute;
  };
  for (const bool beyond : {false, true}) {
    CAPTURE(beyond);
    Listing l(beyond ? 77u : 78u, 90, beyond ? imported : within);
    if (beyond)
      CHECK(out_of_order_id(l) > 0);
    else
      CHECK(out_of_order_id(l) == 0);
    for (const auto sort : {TicketQuery::Sort::created_desc, TicketQuery::Sort::created_asc})
      for (const auto& word : l.vocabulary)
        for (const int limit : {1, 2, 5, 40}) {
          CAPTURE(sort_name(sort));
          CAPTURE(word);
          CAPTURE(limit);
          TicketQuery q;
          q.sort = sort;
          q.text = word;
          CHECK(ids_text(l.all_pages(q, limit)) == ids_text(l.expected(q)));
          q.statuses = {Status::open, Status::pending};
          CHECK(ids_text(l.all_pages(q, limit)) == ids_text(l.expected(q)));
        }
  }
}

// The segments of the search index, from FTS5's structure record (its row 10): a 4-byte cookie,
// then varints: levels, segments, ...
int search_segments(Database& db) {
  const auto record = db.read_blocking([](Connection& c) {
    auto& s = c.statement("SELECT block FROM ticket_search_data WHERE id = 10");
    REQUIRE(s.executeStep());
    const auto column = s.getColumn(0);
    std::string bytes(static_cast<const char*>(column.getBlob()), column.getBytes());
    s.reset();
    return bytes;
  });
  std::size_t at = 4;
  const auto varint = [&] {
    std::uint64_t value = 0;
    for (int i = 0; i < 9 && at < record.size(); ++i) {
      const auto byte = static_cast<unsigned char>(record[at++]);
      value = (value << 7) | (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    return value;
  };
  varint();  // levels
  return static_cast<int>(varint());
}

TEST_CASE("the search index, merged while the writer is idle, stays whole and finds every ticket") {
  Desk desk;
  const auto setting = [&desk](const char* sql) {
    return desk.db().read_blocking([sql](Connection& c) {
      auto& s = c.statement(sql);
      const bool found = s.executeStep();
      const auto value = found ? s.getColumn(0).getString() : std::string("(none)");
      s.reset();
      return value;
    });
  };
  // FTS5 merges only when the writer asks (migration 0017), never in one large step of its own.
  CHECK(setting("SELECT v FROM ticket_search_config WHERE k = 'automerge'") == "0");
  // One commit each: enough small segments for the merges to run at several levels.
  std::vector<Id> all;
  for (int i = 0; i < 240; ++i)
    all.push_back(desk.create(ticket_about("gadget" + std::to_string(i)), kT0 + i * kMinute).id);
  for (const int i : {0, 1, 17, 118, 239}) {
    CAPTURE(i);
    CHECK(desk.search("gadget" + std::to_string(i)) == std::vector{all[i]});
  }
  auto found = desk.search("trouble");
  std::sort(found.begin(), found.end());
  CHECK(found == all);
  // FTS5's own check of the index against its content: it fails on a broken segment.
  CHECK_NOTHROW(desk.db().write_blocking([](Tx& tx) {
    tx.connection().exec("INSERT INTO ticket_search(ticket_search) VALUES ('integrity-check')");
    return 0;
  }));
}

TEST_CASE("a small batch's search merging is done once no write is queued, outside the batch") {
  Desk desk;
  // Each commit adds a segment; FTS5 merges a level once it holds four (its 'usermerge'). The
  // batches owe their merging, less than a batch merges itself, so only the idle writer does it.
  for (int i = 0; i < 7; ++i) desk.create(ticket_about("widget"), kT0 + i * kMinute);
  CHECK(search_segments(desk.db()) < 7);
  CHECK(desk.search("widget").size() == 7);
}

TEST_CASE("list_tickets: search text is matched as words, never parsed as FTS5 syntax") {
  Desk desk;
  const auto printer = desk.create(ticket_about("printer"), kT0);
  const auto vpn = desk.create(ticket_about("vpn"), kT0 + 1);
  NewTicket both = ticket_about("printer");
  both.body = "Since the VPN update the printer is offline; NEAR the door.";
  const auto printer_vpn = desk.create(both, kT0 + 2);
  const std::vector<Id> printers{printer_vpn.id, printer.id};  // newest first

  // Quotes, operators and punctuation around a word still find the word.
  for (const std::string text :
       {"printer", "PRINTER", "\"printer\"", "printer*", "-printer", "+printer", "(printer)",
        "printer:", "^printer", "printer\"", "'printer'", "{printer}"}) {
    CAPTURE(text);
    std::vector<Id> found;
    CHECK_NOTHROW(found = desk.search(text));
    CHECK(found == printers);
  }
  // Operators are words like any other: no OR, no NOT, no NEAR, no prefix search.
  CHECK(desk.search("printer OR vpn").empty());  // nobody wrote "or"
  CHECK(desk.search("printer NOT vpn").empty());
  CHECK(desk.search("print*").empty());
  CHECK(desk.search("printer vpn") == std::vector{printer_vpn.id});
  CHECK(desk.search("NEAR the") == std::vector{printer_vpn.id});
  CHECK(desk.search("vpn -printer") == std::vector{printer_vpn.id});  // no negation either

  // Nothing a user can type makes the query fail.
  for (const std::string text : {"\"",
                                 "\"\"",
                                 "\"\"\"",
                                 "*",
                                 "-",
                                 "+",
                                 "(",
                                 ")",
                                 "NEAR(",
                                 "NEAR(printer vpn)",
                                 "NEAR(printer vpn, 2)",
                                 "printer NEAR/2 vpn",
                                 "AND",
                                 "OR",
                                 "NOT",
                                 "printer AND",
                                 "OR vpn",
                                 ":",
                                 "^",
                                 "body:",
                                 "ticket_id:1",
                                 "{body}: printer",
                                 "pri\"nter",
                                 "\"printer",
                                 "printer\"\"",
                                 "a\"b\"c",
                                 "\\",
                                 "'",
                                 "%",
                                 "_",
                                 ";",
                                 "--",
                                 "/*",
                                 "printer; DROP TABLE tickets",
                                 "caf\xc3\xa9",
                                 "\xf0\x9f\x96\xa8",
                                 "\r",
                                 "x\ty\nz"}) {
    CAPTURE(text);
    CHECK_NOTHROW(desk.search(text));
  }
  CHECK(desk.db().read_blocking([](Connection& c) { return count_tickets(c); }) == 3);
  CHECK(desk.search("vpn") == std::vector{printer_vpn.id, vpn.id});
}

TEST_CASE("list_tickets: the words of a search may come from different texts of a ticket") {
  Desk desk;
  const auto t = desk.create(ticket_about("printer"), kT0);  // "printer" in subject and body
  desk.customer_writes(t.id, kT0 + kMinute, "Maybe it is the VPN.");
  CHECK(desk.search("printer") == std::vector{t.id});
  CHECK(desk.search("vpn") == std::vector{t.id});
  CHECK(desk.search("printer vpn") == std::vector{t.id});
}

TEST_CASE("list_tickets: a search text without any word does not throw") {
  Desk desk;
  desk.create(ticket_about("printer"), kT0);
  for (const std::string text : {"", " ", "\t\n "}) {
    CAPTURE(text);
    CHECK_NOTHROW(desk.search(text));
  }
}

}  // namespace
}  // namespace hd::store
