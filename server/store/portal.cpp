#include "store/portal.hpp"

#include <SQLiteCpp/Statement.h>

#include "store/sql_values.hpp"

namespace hd::store {
namespace {

constexpr const char* kSweepLinks = "DELETE FROM customer_links WHERE expires_at <= ?";
constexpr const char* kInsertLink =
    "INSERT INTO customer_links(token_hash, customer_id, created_at, expires_at) "
    "VALUES (?, ?, ?, ?)";
constexpr const char* kFindLink =
    "SELECT c.id, c.email, c.name, c.organization, c.surveys_opt_out, c.created_at, "
    "c.updated_at FROM customer_links l JOIN customers c ON c.id = l.customer_id "
    "WHERE l.token_hash = ? AND l.expires_at > ?";
constexpr const char* kSweepSessions = "DELETE FROM customer_sessions WHERE expires_at <= ?";
constexpr const char* kInsertSession =
    "INSERT INTO customer_sessions(token_hash, csrf_hash, customer_id, created_at, expires_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kFindSession =
    "SELECT c.id, c.email, c.name, c.organization, c.surveys_opt_out, c.created_at, "
    "c.updated_at, s.csrf_hash FROM customer_sessions s JOIN customers c ON c.id = s.customer_id "
    "WHERE s.token_hash = ? AND s.expires_at > ?";
constexpr const char* kDeleteSession = "DELETE FROM customer_sessions WHERE token_hash = ?";
constexpr const char* kFindByEmail =
    "SELECT c.id, c.email, c.name, c.organization, c.surveys_opt_out, c.created_at, "
    "c.updated_at FROM customers c WHERE c.email = ?";

CustomerRecord read_customer(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),  s.getColumn(1).getString(),   s.getColumn(2).getString(),
          s.getColumn(3).getString(), s.getColumn(4).getInt() != 0, s.getColumn(5).getInt64(),
          s.getColumn(6).getInt64()};
}

}  // namespace

void create_customer_link(Tx& tx, Id customer_id, const std::string& token_hash, Millis now,
                          Millis expires_at) {
  auto& sweep = tx.connection().statement(kSweepLinks);
  sweep.bind(1, now);
  sweep.exec();
  auto& s = tx.connection().statement(kInsertLink);
  bind_blob(s, 1, token_hash);
  s.bind(2, customer_id);
  s.bind(3, now);
  s.bind(4, expires_at);
  s.exec();
}

std::optional<CustomerRecord> customer_for_link(Connection& db, const std::string& token_hash,
                                                Millis now) {
  auto& s = db.statement(kFindLink);
  bind_blob(s, 1, token_hash);
  s.bind(2, now);
  if (!s.executeStep()) return std::nullopt;
  return read_customer(s);
}

void create_customer_session(Tx& tx, Id customer_id, const std::string& token_hash,
                             const std::string& csrf_hash, Millis now, Millis expires_at) {
  auto& sweep = tx.connection().statement(kSweepSessions);
  sweep.bind(1, now);
  sweep.exec();
  auto& s = tx.connection().statement(kInsertSession);
  bind_blob(s, 1, token_hash);
  bind_blob(s, 2, csrf_hash);
  s.bind(3, customer_id);
  s.bind(4, now);
  s.bind(5, expires_at);
  s.exec();
}

std::optional<CustomerSession> find_customer_session(Connection& db, const std::string& token_hash,
                                                     Millis now) {
  auto& s = db.statement(kFindSession);
  bind_blob(s, 1, token_hash);
  s.bind(2, now);
  if (!s.executeStep()) return std::nullopt;
  CustomerSession session{read_customer(s), {}};
  const auto csrf = s.getColumn(7);
  session.csrf_hash.assign(static_cast<const char*>(csrf.getBlob()), csrf.getBytes());
  return session;
}

void delete_customer_session(Tx& tx, const std::string& token_hash) {
  auto& s = tx.connection().statement(kDeleteSession);
  bind_blob(s, 1, token_hash);
  s.exec();
}

std::optional<CustomerRecord> find_customer_by_email(Connection& db, const std::string& email) {
  auto& s = db.statement(kFindByEmail);
  s.bind(1, email);
  if (!s.executeStep()) return std::nullopt;
  return read_customer(s);
}

}  // namespace hd::store
