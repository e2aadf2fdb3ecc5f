#include "store/people.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "domain/refusal.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
using domain::errc;
using domain::Refusal;

namespace {

constexpr const char* kFindUser =
    "SELECT id, email, name, role, team_id, active, created_at, COALESCE(password_hash, '') "
    "FROM users WHERE id = ?";
constexpr const char* kFindUserByEmail =
    "SELECT id, email, name, role, team_id, active, created_at, COALESCE(password_hash, '') "
    "FROM users WHERE email = ?";
constexpr const char* kListUsers =
    "SELECT id, email, name, role, team_id, active, created_at, COALESCE(password_hash, '') "
    "FROM users ORDER BY id";
constexpr const char* kInsertUser =
    "INSERT INTO users(email, name, role, password_hash, team_id, active, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateUser =
    "UPDATE users SET name = ?, role = ?, team_id = ?, active = ?, password_hash = ?, "
    "updated_at = ? WHERE id = ?";
constexpr const char* kEndUserSessions = "DELETE FROM sessions WHERE user_id = ?";

constexpr const char* kFindTeam = "SELECT id, name, active, created_at FROM teams WHERE id = ?";
constexpr const char* kListTeams = "SELECT id, name, active, created_at FROM teams ORDER BY name";
constexpr const char* kInsertTeam = "INSERT INTO teams(name, created_at) VALUES (?, ?)";
constexpr const char* kUpdateTeam = "UPDATE teams SET name = ?, active = ? WHERE id = ?";

constexpr const char* kMarkBouncing =
    "UPDATE customers SET bouncing_since = COALESCE(bouncing_since, ?), bounce_reason = ?, "
    "updated_at = ? WHERE email = ?";
constexpr const char* kClearBouncing =
    "UPDATE customers SET bouncing_since = NULL, bounce_reason = NULL, updated_at = ? "
    "WHERE email = ? AND bouncing_since IS NOT NULL";
constexpr const char* kCustomerBouncing =
    "SELECT bouncing_since, COALESCE(bounce_reason, '') FROM customers "
    "WHERE id = ? AND bouncing_since IS NOT NULL";
constexpr const char* kUpsertCustomer =
    "INSERT INTO customers(email, name, organization, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(email) DO UPDATE SET "
    "name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE name END, "
    "organization = CASE WHEN excluded.organization <> '' THEN excluded.organization "
    "ELSE organization END, updated_at = excluded.updated_at";
constexpr const char* kFindCustomerByEmail =
    "SELECT id, email, name, organization, surveys_opt_out, created_at, updated_at "
    "FROM customers WHERE email = ?";
constexpr const char* kFindCustomer =
    "SELECT id, email, name, organization, surveys_opt_out, created_at, updated_at "
    "FROM customers WHERE id = ?";
constexpr const char* kListCustomers =
    "SELECT id, email, name, organization, surveys_opt_out, created_at, updated_at "
    "FROM customers WHERE id > :after AND (:text IS NULL OR instr(lower(email), lower(:text)) > 0 "
    "OR instr(lower(name), lower(:text)) > 0 OR instr(lower(organization), lower(:text)) > 0) "
    "ORDER BY id LIMIT :limit";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers(email, name, organization, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kUpdateCustomer =
    "UPDATE customers SET name = ?, organization = ?, surveys_opt_out = ?, updated_at = ? "
    "WHERE id = ?";

UserRecord read_user(SQLite::Statement& s) {
  UserRecord u;
  u.id = s.getColumn(0).getInt64();
  u.email = s.getColumn(1).getString();
  u.name = s.getColumn(2).getString();
  u.role = *domain::parse_role(s.getColumn(3).getString());
  u.team_id = optional_id(s.getColumn(4));
  u.active = s.getColumn(5).getInt() != 0;
  u.created_at = s.getColumn(6).getInt64();
  u.password_hash = s.getColumn(7).getString();
  return u;
}

TeamRecord read_team(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getInt() != 0,
          s.getColumn(3).getInt64()};
}

CustomerRecord read_customer(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),  s.getColumn(1).getString(),   s.getColumn(2).getString(),
          s.getColumn(3).getString(), s.getColumn(4).getInt() != 0, s.getColumn(5).getInt64(),
          s.getColumn(6).getInt64()};
}

// Runs an INSERT/UPDATE, turning a UNIQUE violation into a conflict the client can fix.
void exec_unique(SQLite::Statement& s, const std::string& what, const char* field) {
  try {
    s.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw Refusal(errc::conflict, what + " already exists.", field);
    throw;
  }
}

}  // namespace

std::optional<UserRecord> find_user(Connection& db, Id id) {
  auto& s = db.statement(kFindUser);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_user(s);
}

std::optional<UserRecord> find_user_by_email(Connection& db, const std::string& email) {
  auto& s = db.statement(kFindUserByEmail);
  s.bind(1, email);
  if (!s.executeStep()) return std::nullopt;
  return read_user(s);
}

std::vector<UserRecord> list_users(Connection& db) {
  auto& s = db.statement(kListUsers);
  std::vector<UserRecord> users;
  while (s.executeStep()) users.push_back(read_user(s));
  return users;
}

UserRecord create_user(Tx& tx, const UserRecord& user, Millis now) {
  require_team(tx.connection(), user.team_id);
  auto& s = tx.connection().statement(kInsertUser);
  s.bind(1, user.email);
  s.bind(2, user.name);
  bind_text(s, 3, domain::to_string(user.role));
  s.bind(4, user.password_hash);
  bind_optional(s, 5, user.team_id);
  s.bind(6, user.active ? 1 : 0);
  s.bind(7, now);
  s.bind(8, now);
  exec_unique(s, "A user with the email " + user.email, "email");
  return *find_user(tx.connection(), tx.connection().last_insert_id());
}

UserRecord update_user(Tx& tx, Id id, const UserChange& change, Millis now) {
  auto user = find_user(tx.connection(), id);
  if (!user) throw Refusal(errc::not_found, "User " + std::to_string(id) + " does not exist.");
  if (change.team_id) require_team(tx.connection(), *change.team_id);
  if (change.name) user->name = *change.name;
  if (change.role) user->role = *change.role;
  if (change.team_id) user->team_id = *change.team_id;
  if (change.active) user->active = *change.active;
  if (change.password_hash) user->password_hash = *change.password_hash;
  auto& s = tx.connection().statement(kUpdateUser);
  s.bind(1, user->name);
  bind_text(s, 2, domain::to_string(user->role));
  bind_optional(s, 3, user->team_id);
  s.bind(4, user->active ? 1 : 0);
  s.bind(5, user->password_hash);
  s.bind(6, now);
  s.bind(7, id);
  s.exec();
  // A deactivated user or a changed password ends every open session of that user.
  if (!user->active || change.password_hash) {
    auto& end = tx.connection().statement(kEndUserSessions);
    end.bind(1, id);
    end.exec();
  }
  return *user;
}

void require_team(Connection& db, const std::optional<Id>& team_id) {
  if (team_id && !find_team(db, *team_id))
    throw Refusal(errc::invalid_argument, "Team " + std::to_string(*team_id) + " does not exist.",
                  "team_id");
}

std::optional<TeamRecord> find_team(Connection& db, Id id) {
  auto& s = db.statement(kFindTeam);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_team(s);
}

std::vector<TeamRecord> list_teams(Connection& db) {
  auto& s = db.statement(kListTeams);
  std::vector<TeamRecord> teams;
  while (s.executeStep()) teams.push_back(read_team(s));
  return teams;
}

TeamRecord create_team(Tx& tx, const std::string& name, Millis now) {
  auto& s = tx.connection().statement(kInsertTeam);
  s.bind(1, name);
  s.bind(2, now);
  exec_unique(s, "A team named " + name, "name");
  return *find_team(tx.connection(), tx.connection().last_insert_id());
}

TeamRecord update_team(Tx& tx, Id id, std::optional<std::string> name, std::optional<bool> active) {
  auto team = find_team(tx.connection(), id);
  if (!team) throw Refusal(errc::not_found, "Team " + std::to_string(id) + " does not exist.");
  if (name) team->name = *name;
  if (active) team->active = *active;
  auto& s = tx.connection().statement(kUpdateTeam);
  s.bind(1, team->name);
  s.bind(2, team->active ? 1 : 0);
  s.bind(3, id);
  exec_unique(s, "A team named " + team->name, "name");
  return *team;
}

CustomerRecord upsert_customer(Tx& tx, const std::string& email, const std::string& name,
                               const std::string& organization, Millis now) {
  auto& db = tx.connection();
  // Read first: a known customer whose details are unchanged is only read (rewriting the row on
  // every ticket moved its update time for nothing and cost a page write per ticket), and an
  // upsert's RETURNING buffers its row in a temporary b-tree built for each statement.
  auto& known = db.statement(kFindCustomerByEmail);
  known.bind(1, email);
  if (known.executeStep()) {
    auto customer = read_customer(known);
    const bool renamed = !name.empty() && name != customer.name;
    const bool moved = !organization.empty() && organization != customer.organization;
    if (!renamed && !moved) return customer;
  }
  auto& upsert = db.statement(kUpsertCustomer);
  upsert.bind(1, email);
  upsert.bind(2, name);
  upsert.bind(3, organization);
  upsert.bind(4, now);
  upsert.exec();
  auto& written = db.statement(kFindCustomerByEmail);
  written.bind(1, email);
  written.executeStep();
  return read_customer(written);
}

std::optional<CustomerRecord> find_customer(Connection& db, Id id) {
  auto& s = db.statement(kFindCustomer);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_customer(s);
}

std::vector<CustomerRecord> list_customers(Connection& db, const std::optional<std::string>& text,
                                           Id after_id, int limit) {
  auto& s = db.statement(kListCustomers);
  s.bind(":after", after_id);
  bind_optional(s, ":text", text);
  s.bind(":limit", limit);
  std::vector<CustomerRecord> customers;
  while (s.executeStep()) customers.push_back(read_customer(s));
  return customers;
}

CustomerRecord create_customer(Tx& tx, const CustomerRecord& c, Millis now) {
  auto& s = tx.connection().statement(kInsertCustomer);
  s.bind(1, c.email);
  s.bind(2, c.name);
  s.bind(3, c.organization);
  s.bind(4, now);
  s.bind(5, now);
  exec_unique(s, "A customer with the email " + c.email, "email");
  return *find_customer(tx.connection(), tx.connection().last_insert_id());
}

CustomerRecord update_customer(Tx& tx, Id id, const CustomerChange& change, Millis now) {
  auto c = find_customer(tx.connection(), id);
  if (!c) throw Refusal(errc::not_found, "Customer " + std::to_string(id) + " does not exist.");
  if (change.name) c->name = *change.name;
  if (change.organization) c->organization = *change.organization;
  if (change.surveys_opt_out) c->surveys_opt_out = *change.surveys_opt_out;
  auto& s = tx.connection().statement(kUpdateCustomer);
  s.bind(1, c->name);
  s.bind(2, c->organization);
  s.bind(3, c->surveys_opt_out ? 1 : 0);
  s.bind(4, now);
  s.bind(5, id);
  s.exec();
  c->updated_at = now;
  return *c;
}

bool mark_bouncing(Tx& tx, const std::string& address, const std::string& reason, Millis now) {
  auto& s = tx.connection().statement(kMarkBouncing);
  s.bind(1, now);
  s.bind(2, reason);
  s.bind(3, now);
  s.bind(4, address);
  return s.exec() > 0;
}

void clear_bouncing(Tx& tx, const std::string& address, Millis now) {
  auto& s = tx.connection().statement(kClearBouncing);
  s.bind(1, now);
  s.bind(2, address);
  s.exec();
}

std::optional<Bouncing> customer_bouncing(Connection& db, Id customer_id) {
  auto& s = db.statement(kCustomerBouncing);
  s.bind(1, customer_id);
  if (!s.executeStep()) return std::nullopt;
  return Bouncing{s.getColumn(0).getInt64(), s.getColumn(1).getString()};
}

}  // namespace hd::store
