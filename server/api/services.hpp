#pragma once

#include "api/credential_cache.hpp"
#include "api/login_limiter.hpp"
#include "api/metrics.hpp"
#include "domain/clock.hpp"
#include "domain/satisfaction.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {
class MailIntake;
}

namespace hd::api {

class LiveEvents;

/// [auth] settings.
struct AuthOptions {
  domain::Millis session_ttl_ms = 12LL * 3600 * 1000;
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  domain::Millis failure_window_ms = 15LL * 60 * 1000;
  bool secure_cookie = false;  ///< set the Secure flag (serve behind TLS)
};

/// What every handler may use. Owned by app/, outlives the router and every request.
struct Services {
  store::Database& db;
  const domain::Clock& clock;
  store::TicketPolicy policy;
  AuthOptions auth;
  LoginLimiter& limiter;
  Metrics& metrics;
  CredentialCache& credentials;
  domain::SurveySettings survey;
  LiveEvents* live = nullptr;  ///< the event stream and presence; null in command-line tools
  jobs::MailIntake* mail_intake = nullptr;  ///< inbound mail; null where not wired (routes)
};

}  // namespace hd::api
