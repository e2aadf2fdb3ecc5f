#include "domain/kpi_facts.hpp"

#include <doctest/doctest.h>

using namespace hd::domain;
using namespace hd::domain::kpi;

namespace {

TargetClock running(Millis due) {
  TargetClock c;
  c.due_at = due;
  return c;
}

TargetClock achieved(Millis due, Millis at) {
  TargetClock c = running(due);
  c.outcome = SlaOutcome::achieved;
  c.decided_at = at;
  return c;
}

TargetClock breached(Millis due) {
  TargetClock c = running(due);
  c.outcome = SlaOutcome::breached;
  c.decided_at = due;
  return c;
}

}  // namespace

TEST_CASE("facts_on_sla: nothing decided, nothing filed") {
  SlaClock before, after;
  before.first_response = running(1000);
  after.first_response = running(1000);
  after.resolution = running(5000);
  FactChanges out;
  facts_on_sla(before, after, out);
  CHECK(out.empty());
}

TEST_CASE("facts_on_sla: an achievement is filed at its event, a breach at its due time") {
  SlaClock before;
  before.first_response = running(1000);
  before.resolution = running(9000);
  SlaClock after = before;
  after.first_response = achieved(1000, 700);
  after.resolution = breached(9000);
  FactChanges out;
  facts_on_sla(before, after, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].kind == FactChange::Kind::insert);
  CHECK(out[0].fact.metric == Metric::sla_first_response);
  CHECK(out[0].fact.at == 700);
  CHECK(out[0].fact.value == 1000);  // the due time
  CHECK(out[0].fact.flags == kFlagAchieved);
  CHECK(out[1].fact.metric == Metric::sla_resolution);
  CHECK(out[1].fact.at == 9000);
  CHECK(out[1].fact.flags == 0);

  // The same decided state again changes nothing.
  FactChanges again;
  facts_on_sla(after, after, again);
  CHECK(again.empty());
}

TEST_CASE("facts_on_sla: each next-reply target is its own fact, kept when the next starts") {
  SlaClock first;
  first.next_reply = breached(2000);
  SlaClock second;
  second.next_reply = running(8000);  // a new customer message after another agent reply
  FactChanges out;
  facts_on_sla(first, second, out);
  CHECK(out.empty());  // the breach stays filed; the running target is not decided yet

  SlaClock met = second;
  met.next_reply = achieved(8000, 7500);
  facts_on_sla(second, met, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].fact.metric == Metric::sla_next_reply);
  CHECK(out[0].fact.at == 7500);
  CHECK(out[0].fact.seq == 8000);  // told apart from the earlier target by its due time
  CHECK(out[0].fact.flags == kFlagAchieved);
}

TEST_CASE("facts_on_sla: a first response decided differently replaces the old fact") {
  SlaClock before;
  before.first_response = breached(1000);
  SlaClock after;
  after.first_response = achieved(3000, 2500);  // a longer target after a recompute
  FactChanges out;
  facts_on_sla(before, after, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].kind == FactChange::Kind::erase);
  CHECK(out[0].fact.metric == Metric::sla_first_response);
  CHECK(out[0].fact.at == 1000);
  CHECK(out[1].kind == FactChange::Kind::insert);
  CHECK(out[1].fact.at == 2500);
}

TEST_CASE("facts_on_sla: met while paused has no due time") {
  SlaClock before;
  before.next_reply.left_ms = 600;  // paused in pending
  SlaClock after;
  after.next_reply.left_ms = 600;
  after.next_reply.outcome = SlaOutcome::achieved;
  after.next_reply.decided_at = 4000;
  FactChanges out;
  facts_on_sla(before, after, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].fact.at == 4000);
  CHECK(out[0].fact.value == 0);
  CHECK(out[0].fact.flags == kFlagAchieved);
  CHECK(is_sla(out[0].fact.metric));
  CHECK_FALSE(is_sla(Metric::first_response));
}
