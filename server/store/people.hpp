#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// Users (staff), teams and customers. Reads take any connection; writes the writer's Tx and
// throw domain::Refusal (conflict on a duplicate email or name, not_found on a missing id).

std::optional<UserRecord> find_user(Connection& db, Id id);
std::optional<UserRecord> find_user_by_email(Connection& db, const std::string& email);
std::vector<UserRecord> list_users(Connection& db);

struct UserChange {
  std::optional<std::string> name;
  std::optional<domain::Role> role;
  std::optional<std::optional<Id>> team_id;
  std::optional<bool> active;
  std::optional<std::string> password_hash;
};
UserRecord create_user(Tx& tx, const UserRecord& user, Millis now);
UserRecord update_user(Tx& tx, Id id, const UserChange& change, Millis now);

std::optional<TeamRecord> find_team(Connection& db, Id id);
std::vector<TeamRecord> list_teams(Connection& db);
/// Refuses (invalid_argument on field team_id) a team id that does not exist.
void require_team(Connection& db, const std::optional<Id>& team_id);
TeamRecord create_team(Tx& tx, const std::string& name, Millis now);
TeamRecord update_team(Tx& tx, Id id, std::optional<std::string> name, std::optional<bool> active);

/// Inserts the customer or, for a known email, fills in a name or organisation given now.
CustomerRecord upsert_customer(Tx& tx, const std::string& email, const std::string& name,
                               const std::string& organization, Millis now);
std::optional<CustomerRecord> find_customer(Connection& db, Id id);
/// Customers by name/email/organisation substring, by id after `after_id`.
std::vector<CustomerRecord> list_customers(Connection& db, const std::optional<std::string>& text,
                                           Id after_id, int limit);
CustomerRecord create_customer(Tx& tx, const CustomerRecord& customer, Millis now);
struct CustomerChange {
  std::optional<std::string> name, organization;
  std::optional<bool> surveys_opt_out;
};
CustomerRecord update_customer(Tx& tx, Id id, const CustomerChange& change, Millis now);

/// Marks the customer with this address as bouncing; false when no customer has it.
bool mark_bouncing(Tx& tx, const std::string& address, const std::string& reason, Millis now);
/// Clears the mark (the address wrote to us, so it works again).
void clear_bouncing(Tx& tx, const std::string& address, Millis now);
/// When the customer's address bounced and why, if it does.
struct Bouncing {
  Millis since = 0;
  std::string reason;
};
std::optional<Bouncing> customer_bouncing(Connection& db, Id customer_id);

}  // namespace hd::store
