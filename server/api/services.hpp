#pragma once

#include "api/credential_cache.hpp"
#include "api/login_limiter.hpp"
#include "api/metrics.hpp"
#include "domain/clock.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::api {

/// [auth] settings.
struct AuthOptions {
  domain::Millis session_ttl_ms = 12LL * 3600 * 1000;
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  domain::Millis failure_window_ms = 15LL * 60 * 1000;
  bool secure_cookie = false;  ///< set the Secure flag (serve behind TLS)
};

/// [survey] settings the survey page and its API use.
struct SurveyOptions {
  int reopen_at_or_below = 2;
  bool ask_nps = true, ask_ces = true, ask_comment = true;
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
  SurveyOptions survey;
};

}  // namespace hd::api
