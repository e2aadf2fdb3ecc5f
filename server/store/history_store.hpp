#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/history_replay.hpp"
#include "store/database.hpp"
#include "store/records.hpp"
#include "store/tickets.hpp"

namespace hd::store::history {

/// Agents and teams an import names, by email and name. Known ones have their ids; ones not
/// seen before get provisional negative ids until the batch that names them is written (agents
/// are then created inactive, teams active).
/// Thread contract: agent(), team(), take_pending() and learn() on the importing thread;
/// resolve() also from the writer while the importing thread only parses.
class Directory {
 public:
  Directory() = default;
  /// Loads every user and team.
  explicit Directory(Connection& db);
  Id agent(const std::string& email);
  Id team(const std::string& name);
  /// People named for the first time since the last call: (provisional id, email or name).
  struct Pending {
    std::vector<std::pair<Id, std::string>> agents, teams;
  };
  Pending take_pending();
  /// Records the real ids a written batch created.
  void learn(const std::map<Id, Id>& created);
  /// The real id of `id`, looking provisional ones up in `created` first.
  Id resolve(Id id, const std::map<Id, Id>& created) const;

 private:
  std::map<std::string, Id> agents_, teams_;
  Pending pending_;
  Id next_provisional_ = -1;
  std::map<Id, Id> created_;  ///< provisional -> real, of written batches
};

/// One history line, parsed and replayed, ready to be written.
struct ImportTicket {
  int line = 0;
  std::string external_id, subject;
  std::string customer_email, customer_name, organization;
  domain::Priority priority = domain::Priority::normal;
  domain::Channel channel = domain::Channel::email;
  std::optional<Id> team;  ///< may be provisional
  std::vector<std::string> tags;
  Millis created_at = 0;
  std::vector<domain::history::Event> events;
  std::vector<std::string> bodies;    ///< per event: a message's body
  std::vector<std::string> comments;  ///< per event: a survey answer's comment
  domain::history::Replayed replayed;
};

/// What a written batch reports.
struct BatchResult {
  int imported = 0;
  std::map<Id, Id> created;    ///< provisional -> real ids of the people this batch created
  std::vector<Id> ticket_ids;  ///< per line of the batch: its new ticket, or 0 when skipped
  std::vector<std::pair<int, std::string>> skipped;  ///< line, external_id already present
};

/// Writes a batch of replayed tickets in the caller's transaction with prepared statements:
/// customers, tickets, tags, messages, events, surveys and KPI facts, and one search row per
/// ticket, after creating the `pending` people. A line whose external_id exists already is skipped
/// and reported. Each ticket gets the SLA of the policies in force (`policy.sla`; IMPORT.md). No
/// job is queued and no mail is sent. Runs on the writer.
BatchResult write_batch(Tx& tx, const Directory& people, const Directory::Pending& pending,
                        const std::vector<ImportTicket>& batch, Millis now,
                        const TicketPolicy& policy);

}  // namespace hd::store::history
