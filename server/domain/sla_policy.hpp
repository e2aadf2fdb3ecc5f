#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/sla_escalation.hpp"
#include "domain/vocabulary.hpp"

namespace hd::domain {

/// Which tickets a policy applies to. Each non-empty list must contain the ticket's value; an
/// empty list doesn't restrict. A policy with no conditions matches every ticket.
struct SlaConditions {
  std::vector<Priority> priorities;
  std::vector<std::int64_t> team_ids;
  std::vector<Channel> channels;
  std::vector<std::string> organizations;  ///< compared without regard to ASCII case

  bool operator==(const SlaConditions&) const = default;
};

/// Targets in business minutes of the policy's calendar; a missing one is no target.
struct SlaTargets {
  std::optional<int> first_response;
  std::optional<int> next_reply;
  std::optional<int> resolution;

  bool operator==(const SlaTargets&) const = default;
};

/// An ordered, versioned rule set: the first policy (by position) whose conditions match a
/// ticket applies; the default policy applies when none does.
struct SlaPolicy {
  std::int64_t id = 0;
  std::string name;
  std::int64_t calendar_id = 0;
  int position = 0;
  bool is_default = false;
  SlaConditions conditions;
  SlaTargets targets;
  std::vector<EscalationStep> escalations;  ///< in order
  std::int64_t version = 1;
};

/// What the policies look at on a ticket.
struct TicketFacts {
  Priority priority = Priority::normal;
  std::optional<std::int64_t> team_id;
  Channel channel = Channel::api;
  std::string organization;
};

/// The policy that applies and why, in words a supervisor can read.
struct SlaMatch {
  const SlaPolicy* policy = nullptr;
  std::string reason;
};

/// The first matching non-default policy of `policies` in position order (ties by id), else
/// the default one. `policy` is null only when `policies` holds neither.
SlaMatch match_policy(const std::vector<SlaPolicy>& policies, const TicketFacts& ticket);

}  // namespace hd::domain
