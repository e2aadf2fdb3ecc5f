#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"

namespace hd::api {

/// Counts attempts per key (an account, an address, a form's e-mail) in a fixed window, so that
/// password guessing and form flooding are slowed down. An attempt is counted when it starts,
/// before any slow work (the password hash), so that a parallel burst can't slip past the limit
/// while the first attempts are still being checked. In memory: a restart forgives, which is
/// acceptable for this purpose.
/// Thread contract: all members are safe from any thread (guarded by mutex_).
class LoginLimiter {
 public:
  /// Counts one attempt for `key` if fewer than `max_attempts` were counted in the current
  /// window and answers 0; otherwise counts nothing and answers the milliseconds until the
  /// window ends.
  domain::Millis acquire(const std::string& key, int max_attempts, domain::Millis window,
                         domain::Millis now);
  /// Takes back one attempt counted by acquire() (an attempt that turned out fine).
  void release(const std::string& key);
  /// Forgets every attempt of `key` (a successful login forgives the account).
  void forget(const std::string& key);

 private:
  struct Window {
    domain::Millis started_at = 0;
    int attempts = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace hd::api
