#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/sla_clock.hpp"
#include "domain/ticket_life.hpp"
#include "domain/vocabulary.hpp"

namespace hd::store {

using domain::Millis;
using Id = std::int64_t;

struct CustomerRecord {
  Id id = 0;
  std::string email, name, organization;
  bool surveys_opt_out = false;
  Millis created_at = 0, updated_at = 0;
};

struct TeamRecord {
  Id id = 0;
  std::string name;
  bool active = true;
  Millis created_at = 0;
};

struct UserRecord {
  Id id = 0;
  std::string email, name;
  domain::Role role = domain::Role::agent;
  std::optional<Id> team_id;
  bool active = true;
  Millis created_at = 0;
  std::string password_hash;  ///< Argon2id string; never leaves the server
};

struct TicketRecord {
  Id id = 0;
  std::string subject;
  domain::Priority priority = domain::Priority::normal;
  domain::Channel channel = domain::Channel::api;
  CustomerRecord customer;
  std::optional<Id> team_id, assignee_id, linked_ticket_id;
  std::vector<std::string> tags;
  std::int64_t version = 1;
  Millis created_at = 0, updated_at = 0;
  int message_count = 0;
  domain::TicketLife life;  ///< status and the time figures' state
  std::optional<Id> sla_policy_id;
  std::optional<Millis> first_response_due_at, next_reply_due_at, resolution_due_at;
  std::optional<std::int64_t> sla_policy_version;  ///< the policy version the clock follows
  domain::SlaClock sla;                            ///< its due_at fields equal the three above
};

struct MessageRecord {
  Id id = 0;
  Id ticket_id = 0;
  domain::ActorKind author_kind = domain::ActorKind::customer;
  std::optional<Id> author_id;  ///< the user for agents, the customer for customers
  std::string author_name;
  bool internal = false;
  std::string body;
  Millis created_at = 0;
};

struct EventRecord {
  Id id = 0;
  Id ticket_id = 0;
  domain::EventType type = domain::EventType::created;
  domain::ActorKind actor_kind = domain::ActorKind::system;
  std::optional<Id> actor_user_id;
  Millis at = 0;
  std::string data;  ///< a JSON object, as stored
};

/// Who does something, as the store records it.
struct Actor {
  domain::ActorKind kind = domain::ActorKind::system;
  std::optional<Id> user_id;
  domain::Role role = domain::Role::agent;  ///< for staff: what they may do
};

}  // namespace hd::store
