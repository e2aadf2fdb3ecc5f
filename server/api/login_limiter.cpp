#include "api/login_limiter.hpp"

namespace hd::api {

domain::Millis LoginLimiter::wait_for(const std::string& key, int max_failures,
                                      domain::Millis window, domain::Millis now) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end() || now >= it->second.started_at + window) return 0;
  if (it->second.failures < max_failures) return 0;
  return it->second.started_at + window - now;
}

void LoginLimiter::record_failure(const std::string& key, domain::Millis window,
                                  domain::Millis now) {
  std::lock_guard lock(mutex_);
  auto& w = windows_[key];
  if (now >= w.started_at + window) w = {now, 0};
  ++w.failures;
  // Keep memory bounded under a flood of distinct keys: drop windows that have ended.
  if (windows_.size() > 100'000)
    std::erase_if(windows_, [&](const auto& kv) { return now >= kv.second.started_at + window; });
}

void LoginLimiter::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

}  // namespace hd::api
