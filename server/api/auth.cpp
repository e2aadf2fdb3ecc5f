#include "api/auth.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/problem.hpp"
#include "store/auth_store.hpp"
#include "store/people.hpp"

namespace hd::api {
namespace {

bool is_unsafe(http::beast_http::verb method) {
  using http::beast_http::verb;
  return method != verb::get && method != verb::head && method != verb::options;
}

[[noreturn]] void unauthenticated() {
  throw http::Problem(401, "unauthenticated",
                      "Log in (POST /api/v1/session) or send an API token as "
                      "'Authorization: Bearer <token>'.");
}

}  // namespace

std::optional<std::string> cookie_value(const http::Request& request, std::string_view name) {
  const auto header = request[http::beast_http::field::cookie];
  std::size_t pos = 0;
  while (pos < header.size()) {
    const auto end = std::min(header.find(';', pos), header.size());
    auto pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

namespace {

// Reads who owns a credential from the database, as a cacheable record; nullopt when unknown.
boost::asio::awaitable<std::optional<KnownCredential>> look_up(Services& services, std::string hash,
                                                               bool is_token, domain::Millis now) {
  if (is_token) {
    struct Found {
      std::optional<store::TokenRecord> token;
      std::optional<store::UserRecord> creator;
    };
    auto find = [hash](store::Connection& db) {
      Found f{store::find_token(db, hash), std::nullopt};
      if (f.token) f.creator = store::find_user(db, f.token->created_by);
      return f;
    };
    const auto found = co_await services.db.read(std::move(find));
    // A token can never do more than its creator can do now: a demoted creator's tokens are
    // demoted with them, and a deactivated creator's tokens are dead.
    if (!found.token || !found.creator || !found.creator->active) co_return std::nullopt;
    const auto role = std::min(found.token->role, found.creator->role);
    co_return KnownCredential{found.token->created_by, role, found.token->id, {}, INT64_MAX};
  }
  auto find = [hash, now](store::Connection& db) { return store::find_session(db, hash, now); };
  const auto session = co_await services.db.read(std::move(find));
  if (!session) co_return std::nullopt;
  co_return KnownCredential{session->user.id, session->user.role, std::nullopt, session->csrf_hash,
                            session->expires_at};
}

}  // namespace

boost::asio::awaitable<Principal> authorize(Services& services, const http::Context& ctx,
                                            domain::Role need) {
  const auto& request = ctx.request;
  const auto authorization = request[http::beast_http::field::authorization];
  std::string hash;
  const bool is_token = !authorization.empty();
  if (is_token) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!authorization.starts_with(kBearer)) unauthenticated();
    hash = hash_secret(authorization.substr(kBearer.size()));
  } else if (auto cookie = cookie_value(request, kSessionCookie)) {
    hash = hash_secret(*cookie);
  } else {
    unauthenticated();
  }
  const auto now = services.clock.now_ms();
  auto known = services.credentials.find(hash, now);
  if (!known) {
    known = co_await look_up(services, hash, is_token, now);
    if (!known) unauthenticated();
    services.credentials.remember(hash, *known, now);
  }
  if (!is_token && is_unsafe(request.method())) {
    const auto csrf = request["X-CSRF-Token"];
    if (csrf.empty() || hash_secret(csrf) != known->csrf_hash)
      throw http::Problem(403, "csrf_missing",
                          "Send the csrf_token from the login response as X-CSRF-Token.");
  }
  const Principal principal{known->user_id, known->role, known->token_id};
  if (!domain::role_at_least(principal.role, need))
    throw http::Problem(403, "forbidden",
                        "This needs the " + std::string(domain::to_string(need)) + " role.");
  co_return principal;
}

}  // namespace hd::api
