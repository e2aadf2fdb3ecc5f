#include "domain/sla_escalation.hpp"

#include <doctest/doctest.h>

using namespace hd::domain;

namespace {
EscalationStep step(std::string when, std::string target, std::optional<Priority> priority,
                    std::optional<std::int64_t> team_id = {},
                    std::optional<std::int64_t> assignee_id = {}) {
  return {std::move(when), std::move(target), priority, team_id, assignee_id};
}
}  // namespace

TEST_CASE("escalate: only the steps of this alert and target apply") {
  const std::vector<EscalationStep> steps{
      step("warning", "", Priority::high),
      step("breach", "first_response", {}, {}, 7),
      step("breach", "", {}, 3),
  };
  const EscalationFacts ticket{Priority::normal, 1, std::nullopt};

  const auto warned = escalate(steps, "warning", "resolution", ticket);
  CHECK(warned == EscalationChange{Priority::high, std::nullopt, std::nullopt});

  const auto first = escalate(steps, "breach", "first_response", ticket);
  CHECK(first == EscalationChange{std::nullopt, 3, 7});

  const auto resolution = escalate(steps, "breach", "resolution", ticket);
  CHECK(resolution == EscalationChange{std::nullopt, 3, std::nullopt});
}

TEST_CASE("escalate: the priority only goes up, and what is already so is left out") {
  const std::vector<EscalationStep> steps{
      step("breach", "", Priority::urgent),
      step("breach", "", Priority::high),
      step("breach", "", {}, 2, 5),
  };
  const auto raised = escalate(steps, "breach", "next_reply", {Priority::low, 2, 5});
  CHECK(raised == EscalationChange{Priority::urgent, std::nullopt, std::nullopt});

  // Firing again on the escalated ticket changes nothing.
  CHECK(escalate(steps, "breach", "next_reply", {Priority::urgent, 2, 5}).empty());
  // A step never lowers: an urgent ticket stays urgent under a "high" step.
  const std::vector<EscalationStep> high{step("breach", "", Priority::high)};
  CHECK(escalate(high, "breach", "resolution", {Priority::urgent, {}, {}}).empty());
}

TEST_CASE("escalate: a later step wins for team and assignee") {
  const std::vector<EscalationStep> steps{
      step("breach", "", {}, 2, 5),
      step("breach", "resolution", {}, 4),
  };
  const auto change = escalate(steps, "breach", "resolution", {Priority::normal, {}, {}});
  CHECK(change == EscalationChange{std::nullopt, 4, 5});
  CHECK(escalate({}, "breach", "resolution", {Priority::normal, {}, {}}).empty());
}
