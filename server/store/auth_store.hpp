#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// Sessions and API tokens. Only hashes of secrets are stored; the hashing is the caller's.

struct SessionRecord {
  Id id = 0;
  UserRecord user;
  std::string csrf_hash;
  Millis expires_at = 0;
};

struct TokenRecord {
  Id id = 0;
  std::string name;
  domain::Role role = domain::Role::agent;
  Id created_by = 0;
  Millis created_at = 0;
  std::optional<Millis> revoked_at;
};

void create_session(Tx& tx, const std::string& token_hash, const std::string& csrf_hash, Id user_id,
                    Millis now, Millis expires_at);
/// The live session with this token hash whose user is active, or nothing.
std::optional<SessionRecord> find_session(Connection& db, const std::string& token_hash,
                                          Millis now);
void delete_session(Tx& tx, const std::string& token_hash);

TokenRecord create_token(Tx& tx, const std::string& name, domain::Role role,
                         const std::string& token_hash, Id created_by, Millis now);
/// The unrevoked token with this hash, or nothing.
std::optional<TokenRecord> find_token(Connection& db, const std::string& token_hash);
std::vector<TokenRecord> list_tokens(Connection& db);
/// Revokes; refuses not_found for an unknown or already revoked id.
void revoke_token(Tx& tx, Id id, Millis now);

}  // namespace hd::store
