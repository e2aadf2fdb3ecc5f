#include "api/credential_cache.hpp"

namespace hd::api {

namespace {
constexpr std::size_t kMaxEntries = 10'000;
}

std::optional<KnownCredential> CredentialCache::find(const std::string& hash, domain::Millis now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(hash);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.cached_until || now >= it->second.credential.valid_until) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.credential;
}

void CredentialCache::remember(const std::string& hash, KnownCredential credential,
                               domain::Millis now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();  // bounded memory; refilled on demand
  entries_[hash] = {std::move(credential), now + lifetime_ms_};
}

void CredentialCache::forget_all() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace hd::api
