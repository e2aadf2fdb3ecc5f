#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/vocabulary.hpp"

namespace hd::domain {

/// One escalation step of an SLA policy: when a target's warning or breach fires (any target
/// when `target` is empty), the ticket's priority is raised to at least `priority`, it moves to
/// `team_id` and/or it is assigned to `assignee_id` (typically a supervisor).
struct EscalationStep {
  std::string when = "breach";  ///< warning | breach
  std::string target;           ///< first_response | next_reply | resolution; empty: any
  std::optional<Priority> priority;
  std::optional<std::int64_t> team_id;
  std::optional<std::int64_t> assignee_id;

  bool operator==(const EscalationStep&) const = default;
};

/// The ticket fields an escalation may change, as they are now.
struct EscalationFacts {
  Priority priority = Priority::normal;
  std::optional<std::int64_t> team_id, assignee_id;
};

/// What the escalation steps change on a ticket; an unset field stays as it is.
struct EscalationChange {
  std::optional<Priority> priority;
  std::optional<std::int64_t> team_id, assignee_id;

  bool empty() const { return !priority && !team_id && !assignee_id; }
  bool operator==(const EscalationChange&) const = default;
};

/// The change that the steps matching `when` and `target` make, applied in order (a later step
/// wins for team and assignee; the priority only ever goes up). Fields already as asked for are
/// left out, so firing twice changes nothing the second time.
EscalationChange escalate(const std::vector<EscalationStep>& steps, std::string_view when,
                          std::string_view target, const EscalationFacts& ticket);

}  // namespace hd::domain
