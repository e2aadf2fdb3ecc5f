#include "store/auth_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "domain/refusal.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace {

constexpr const char* kInsertSession =
    "INSERT INTO sessions(token_hash, csrf_hash, user_id, created_at, expires_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kFindSession =
    "SELECT s.id, s.csrf_hash, s.expires_at, u.id, u.email, u.name, u.role, u.team_id, "
    "u.active, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE token_hash = ?";
constexpr const char* kDeleteExpiredSessions = "DELETE FROM sessions WHERE expires_at <= ?";

constexpr const char* kInsertToken =
    "INSERT INTO api_tokens(name, token_hash, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kFindToken =
    "SELECT t.id, t.name, t.role, t.created_by, t.created_at, t.revoked_at FROM api_tokens t "
    "JOIN users u ON u.id = t.created_by WHERE t.token_hash = ? AND t.revoked_at IS NULL "
    "AND u.active = 1";
constexpr const char* kListTokens =
    "SELECT id, name, role, created_by, created_at, revoked_at FROM api_tokens ORDER BY id";
constexpr const char* kRevokeToken =
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

TokenRecord read_token(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),
          s.getColumn(1).getString(),
          *domain::parse_role(s.getColumn(2).getString()),
          s.getColumn(3).getInt64(),
          s.getColumn(4).getInt64(),
          optional_id(s.getColumn(5))};
}

}  // namespace

void create_session(Tx& tx, const std::string& token_hash, const std::string& csrf_hash, Id user_id,
                    Millis now, Millis expires_at) {
  // Expired sessions are swept whenever someone logs in: no separate job needed.
  auto& sweep = tx.connection().statement(kDeleteExpiredSessions);
  sweep.bind(1, now);
  sweep.exec();
  auto& s = tx.connection().statement(kInsertSession);
  bind_blob(s, 1, token_hash);
  bind_blob(s, 2, csrf_hash);
  s.bind(3, user_id);
  s.bind(4, now);
  s.bind(5, expires_at);
  s.exec();
}

std::optional<SessionRecord> find_session(Connection& db, const std::string& token_hash,
                                          Millis now) {
  auto& s = db.statement(kFindSession);
  bind_blob(s, 1, token_hash);
  s.bind(2, now);
  if (!s.executeStep()) return std::nullopt;
  SessionRecord r;
  r.id = s.getColumn(0).getInt64();
  const auto csrf = s.getColumn(1);
  r.csrf_hash.assign(static_cast<const char*>(csrf.getBlob()), csrf.getBytes());
  r.expires_at = s.getColumn(2).getInt64();
  r.user.id = s.getColumn(3).getInt64();
  r.user.email = s.getColumn(4).getString();
  r.user.name = s.getColumn(5).getString();
  r.user.role = *domain::parse_role(s.getColumn(6).getString());
  r.user.team_id = optional_id(s.getColumn(7));
  r.user.active = s.getColumn(8).getInt() != 0;
  r.user.created_at = s.getColumn(9).getInt64();
  return r;
}

void delete_session(Tx& tx, const std::string& token_hash) {
  auto& s = tx.connection().statement(kDeleteSession);
  bind_blob(s, 1, token_hash);
  s.exec();
}

TokenRecord create_token(Tx& tx, const std::string& name, domain::Role role,
                         const std::string& token_hash, Id created_by, Millis now) {
  auto& s = tx.connection().statement(kInsertToken);
  s.bind(1, name);
  bind_blob(s, 2, token_hash);
  bind_text(s, 3, domain::to_string(role));
  s.bind(4, created_by);
  s.bind(5, now);
  s.exec();
  return {tx.connection().last_insert_id(), name, role, created_by, now, std::nullopt};
}

std::optional<TokenRecord> find_token(Connection& db, const std::string& token_hash) {
  auto& s = db.statement(kFindToken);
  bind_blob(s, 1, token_hash);
  if (!s.executeStep()) return std::nullopt;
  return read_token(s);
}

std::vector<TokenRecord> list_tokens(Connection& db) {
  auto& s = db.statement(kListTokens);
  std::vector<TokenRecord> tokens;
  while (s.executeStep()) tokens.push_back(read_token(s));
  return tokens;
}

void revoke_token(Tx& tx, Id id, Millis now) {
  auto& s = tx.connection().statement(kRevokeToken);
  s.bind(1, now);
  s.bind(2, id);
  s.exec();
  if (tx.connection().changes() == 0)
    throw domain::Refusal(domain::errc::not_found,
                          "Token " + std::to_string(id) + " does not exist or is revoked.");
}

}  // namespace hd::store
