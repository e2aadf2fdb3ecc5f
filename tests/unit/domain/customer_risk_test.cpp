#include "domain/customer_risk.hpp"

#include <doctest/doctest.h>

using namespace hd::domain::risk;

TEST_CASE("at-risk score: weight x distinct tickets per reason, each (ticket, reason) once") {
  const std::vector<Signal> signals{
      {7, 100, Reason::bad_rating, 50},
      {7, 100, Reason::bad_rating, 60},  // the same ticket again: counted once, latest time kept
      {7, 101, Reason::sla_breach, 40},
      {7, 100, Reason::sla_breach, 30},
      {8, 200, Reason::long_wait, 10},
  };
  const auto ranked = rank_at_risk(signals);
  REQUIRE(ranked.size() == 2);
  CHECK(ranked[0].customer_id == 7);
  CHECK(ranked[0].score == 3 * 1 + 2 * 2);
  CHECK(ranked[0].last_at == 60);
  REQUIRE(ranked[0].reasons.size() == 2);
  CHECK(ranked[0].reasons[0].reason == Reason::bad_rating);
  CHECK(ranked[0].reasons[0].ticket_ids == std::vector<std::int64_t>{100});
  CHECK(ranked[0].reasons[0].last_at == 60);
  CHECK(ranked[0].reasons[1].reason == Reason::sla_breach);
  CHECK(ranked[0].reasons[1].ticket_ids == std::vector<std::int64_t>{101, 100});  // newest first
  CHECK(ranked[1].customer_id == 8);
  CHECK(ranked[1].score == 1);
}

TEST_CASE("at-risk ties: the more recent signal first, then the lower customer id") {
  const auto ranked = rank_at_risk(
      {{1, 10, Reason::reopen, 5}, {2, 20, Reason::sla_breach, 9}, {3, 30, Reason::reopen, 9}});
  REQUIRE(ranked.size() == 3);
  CHECK(ranked[0].customer_id == 2);
  CHECK(ranked[1].customer_id == 3);
  CHECK(ranked[2].customer_id == 1);
  CHECK(rank_at_risk({}).empty());
  CHECK(to_string(Reason::long_wait) == "long_wait");
}
