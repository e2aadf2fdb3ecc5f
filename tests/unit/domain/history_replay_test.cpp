#include "domain/history_replay.hpp"

#include <doctest/doctest.h>

#include "domain/kpi_report.hpp"

using namespace hd::domain;
using namespace hd::domain::history;
using hd::domain::kpi::Metric;

namespace {
constexpr Millis kMin = 60'000;

Event message(Millis at, ActorKind who, std::optional<std::int64_t> agent = {},
              bool internal = false) {
  Event e;
  e.type = Event::Type::message;
  e.at = at;
  e.actor = who;
  e.agent_id = agent;
  e.internal = internal;
  return e;
}
Event status(Millis at, Status to, std::optional<std::int64_t> agent) {
  Event e;
  e.type = Event::Type::status;
  e.at = at;
  e.to = to;
  e.actor = agent ? ActorKind::agent : ActorKind::system;
  e.agent_id = agent;
  return e;
}
const kpi::Fact* find(const Replayed& r, Metric m) {
  for (const auto& f : r.facts)
    if (f.metric == m) return &f;
  return nullptr;
}
int count(const Replayed& r, Metric m) {
  int n = 0;
  for (const auto& f : r.facts) n += f.metric == m;
  return n;
}
}  // namespace

TEST_CASE("a reopened ticket's facts: credit, standing resolution, spans, survey") {
  const AlwaysOpenCalendar cal;
  std::vector<Event> events{
      message(0, ActorKind::customer),
      message(10 * kMin, ActorKind::agent, 7, true),  // an internal note is no response
      message(20 * kMin, ActorKind::agent, 8),
      status(21 * kMin, Status::pending, 8),
      message(30 * kMin, ActorKind::customer),
      message(50 * kMin, ActorKind::agent, 9),
      status(60 * kMin, Status::resolved, 7),
      message(90 * kMin, ActorKind::customer),  // a reopen
      status(100 * kMin, Status::resolved, 7)};
  Event sent;
  sent.type = Event::Type::survey_sent;
  sent.at = 160 * kMin;
  events.push_back(sent);
  Event answer;
  answer.type = Event::Type::survey_answer;
  answer.at = 200 * kMin;
  answer.csat = 5;
  answer.nps = 10;
  events.push_back(answer);
  const auto result = replay(0, events, cal);
  REQUIRE(result.ticket);
  const auto& r = *result.ticket;
  CHECK(r.life.status == Status::closed);
  CHECK(r.life.reopen_count == 1);
  const auto* frt = find(r, Metric::first_response);
  REQUIRE(frt);
  CHECK(frt->value == 20 * kMin);
  CHECK(*frt->agent == 8);
  const auto* next = find(r, Metric::next_reply);
  REQUIRE(next);
  CHECK(next->value == 20 * kMin);
  CHECK(*next->agent == 9);
  const auto* first = find(r, Metric::first_resolution);
  CHECK(first->at == 60 * kMin);
  CHECK(first->flags == kpi::kFlagReopened);
  CHECK(count(r, Metric::full_resolution) == 1);
  CHECK(find(r, Metric::full_resolution)->at == 100 * kMin);
  // The survey credits the last public replier before the resolution, not the resolver.
  CHECK(*find(r, Metric::survey_sent)->agent == 9);
  CHECK(find(r, Metric::survey_sent)->flags == kpi::kFlagAnswered);
  CHECK(*find(r, Metric::survey_answer)->agent == 9);
  // Open 0-21, 30-60, 90-100; pending 21-30; none running.
  CHECK(count(r, Metric::open_span) == 3);
  CHECK(count(r, Metric::pending_span) == 1);
  for (const auto& f : r.facts) CHECK(f.at != kpi::kRunning);
  REQUIRE(r.surveys.size() == 1);
  CHECK(std::string(r.surveys[0].state) == "answered");
}

TEST_CASE("refusals name the event and field") {
  const AlwaysOpenCalendar cal;
  auto r = replay(0, {message(0, ActorKind::customer), status(5, Status::follow_up, 3)}, cal);
  REQUIRE(r.refused);
  CHECK(*r.refused->event_index == 1);
  CHECK(r.refused->field == "to");
  r = replay(100, {message(50, ActorKind::customer)}, cal);
  REQUIRE(r.refused);
  CHECK(r.refused->field == "at");
  Event sent;
  sent.type = Event::Type::survey_sent;
  sent.at = 10;
  r = replay(0, {message(0, ActorKind::customer), sent}, cal);
  REQUIRE(r.refused);
  CHECK(r.refused->field == "type");
}

TEST_CASE("an outbound ticket has no first response; an open one a running span") {
  const AlwaysOpenCalendar cal;
  const auto r = replay(0,
                        {message(0, ActorKind::agent, 4), message(5 * kMin, ActorKind::customer),
                         message(9 * kMin, ActorKind::agent, 4)},
                        cal);
  REQUIRE(r.ticket);
  CHECK(r.ticket->life.outbound);
  CHECK(find(*r.ticket, Metric::first_response) == nullptr);
  CHECK(find(*r.ticket, Metric::next_reply)->value == 4 * kMin);
  CHECK(find(*r.ticket, Metric::open_span)->at == kpi::kRunning);
}

TEST_CASE("report: half-open periods, backlog at the period end, empty groups") {
  const AlwaysOpenCalendar cal;
  const auto r = replay(0,
                        {message(0, ActorKind::customer), message(10, ActorKind::agent, 1),
                         status(20, Status::resolved, 1)},
                        cal);
  REQUIRE(r.ticket);
  auto build = [&](Millis from, Millis to) {
    kpi::ReportBuilder b({from, to}, kpi::GroupBy::none, false);
    for (const auto& f : r.ticket->facts) {
      kpi::FactRow row;
      row.fact = f;
      b.add(row);
    }
    return b.finish().at(0).total;
  };
  auto f = build(0, 10);  // the reply at 10 is outside [0, 10)
  CHECK(f.volume == 1);
  CHECK(f.first_response.n == 0);
  CHECK(f.backlog_open == 1);  // open at instant 9
  CHECK(*f.backlog_age.max == 10);
  f = build(10, 21);
  CHECK(f.first_response.n == 1);
  CHECK(f.first_resolution.n == 1);
  CHECK(f.one_touch_rate.hits == 1);
  CHECK(f.backlog_open == 0);  // resolved at 20, the last instant is 20
  f = build(10, 20);
  CHECK(f.backlog_open == 1);  // still open at 19
  f = build(100, 200);
  CHECK(f.volume == 0);
  CHECK(f.backlog_open + f.backlog_pending == 0);
}
