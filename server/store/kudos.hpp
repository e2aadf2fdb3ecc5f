#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::kudos {

// The owner of `kudos`: recognition a supervisor sends an agent, optionally about one ticket.
// Writes run on the writer thread inside the caller's write; reads on any connection.

struct KudosRecord {
  Id id = 0;
  Id agent_id = 0;
  std::string agent_name;
  Id from_user_id = 0;
  std::string from_name;
  std::optional<Id> ticket_id;
  std::string message;
  Millis created_at = 0;
};

/// Records kudos from `from` to `agent_id`. Refuses invalid_argument when the agent is not an
/// active user (field agent_id) or the ticket does not exist (field ticket_id).
KudosRecord give(Tx& tx, Id agent_id, Id from, std::optional<Id> ticket_id,
                 const std::string& message, Millis now);

/// Kudos newest first, only those to `agent` when given, with ids below `before` when given.
std::vector<KudosRecord> list(Connection& db, std::optional<Id> agent, int limit,
                              std::optional<Id> before);

}  // namespace hd::store::kudos
