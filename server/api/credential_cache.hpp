#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"
#include "domain/vocabulary.hpp"
#include "store/records.hpp"

namespace hd::api {

/// Who a credential (session cookie or API token, by its hash) belongs to, as last read.
struct KnownCredential {
  store::Id user_id = 0;
  domain::Role role = domain::Role::agent;
  std::optional<store::Id> token_id;
  std::string csrf_hash;           ///< sessions only
  domain::Millis valid_until = 0;  ///< a session's own expiry
};

/// Remembers recently verified credentials for a few seconds so that a request does not pay a
/// database read to authenticate. Anything that ends a credential in this process (logout,
/// token revocation, a user's deactivation or password change) calls forget_all(); the short
/// lifetime bounds staleness from changes made by other processes (the CLI).
/// Thread contract: safe from any thread (guarded by mutex_).
class CredentialCache {
 public:
  explicit CredentialCache(domain::Millis lifetime_ms = 10'000) : lifetime_ms_(lifetime_ms) {}

  std::optional<KnownCredential> find(const std::string& hash, domain::Millis now);
  void remember(const std::string& hash, KnownCredential credential, domain::Millis now);
  void forget_all();

 private:
  struct Entry {
    KnownCredential credential;
    domain::Millis cached_until;
  };
  domain::Millis lifetime_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace hd::api
