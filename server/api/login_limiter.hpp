#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"

namespace hd::api {

/// Counts failed logins per key (an account or an address) in a fixed window, so that password
/// guessing is slowed down. In memory: a restart forgives, which is acceptable for this purpose.
/// Thread contract: all members are safe from any thread (guarded by mutex_).
class LoginLimiter {
 public:
  /// Milliseconds until `key` may try again, or 0 when it may try now.
  domain::Millis wait_for(const std::string& key, int max_failures, domain::Millis window,
                          domain::Millis now);
  void record_failure(const std::string& key, domain::Millis window, domain::Millis now);
  void forget(const std::string& key);

 private:
  struct Window {
    domain::Millis started_at = 0;
    int failures = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace hd::api
