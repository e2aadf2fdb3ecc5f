#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "api/services.hpp"
#include "domain/vocabulary.hpp"
#include "http/types.hpp"
#include "security/secrets.hpp"
#include "store/records.hpp"

namespace hd::api {

/// The authenticated caller of a request.
struct Principal {
  store::Id user_id = 0;  ///< the user, or for a token the admin who created it
  domain::Role role = domain::Role::agent;
  std::optional<store::Id> token_id;  ///< set when authenticated by an API token

  store::Actor actor() const { return {domain::ActorKind::agent, user_id, role}; }
};

/// Authenticates the request (session cookie or bearer token) and requires at least `need`.
/// Cookie-authenticated unsafe methods must carry the session's X-CSRF-Token.
/// Throws http::Problem 401 (no or bad credentials), 403 (role too low, CSRF missing).
boost::asio::awaitable<Principal> authorize(Services& services, const http::Context& ctx,
                                            domain::Role need);

using security::hash_password;
using security::hash_secret;
using security::random_secret;
using security::verify_password;

/// The value of cookie `name` in the request's Cookie header, if present.
std::optional<std::string> cookie_value(const http::Request& request, std::string_view name);

inline constexpr const char* kSessionCookie = "hd_session";

}  // namespace hd::api
