#include "api/login_limiter.hpp"

namespace hd::api {

domain::Millis LoginLimiter::acquire(const std::string& key, int max_attempts,
                                     domain::Millis window, domain::Millis now) {
  std::lock_guard lock(mutex_);
  // Keep memory bounded under a flood of distinct keys: drop windows that have ended.
  if (windows_.size() > 100'000)
    std::erase_if(windows_, [&](const auto& kv) { return now >= kv.second.started_at + window; });
  auto& w = windows_[key];
  if (now >= w.started_at + window) w = {now, 0};
  if (w.attempts >= max_attempts) return w.started_at + window - now;
  ++w.attempts;
  return 0;
}

void LoginLimiter::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto it = windows_.find(key); it != windows_.end() && it->second.attempts > 0)
    --it->second.attempts;
}

void LoginLimiter::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

}  // namespace hd::api
