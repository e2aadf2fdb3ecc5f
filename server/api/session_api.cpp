// Logging in and out, the current user, and API tokens.
#include <boost/asio/post.hpp>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/routes.hpp"
#include "api/text_rules.hpp"
#include "store/auth_store.hpp"
#include "store/people.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
using domain::Role;

struct LoginResult {
  std::optional<store::UserRecord> user;
  bool password_ok = false;
};

std::string session_cookie(const Services* s, const std::string& value, domain::Millis max_age_ms) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + value +
      "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_ms / 1000);
  if (s->auth.secure_cookie) cookie += "; Secure";
  return cookie;
}

[[noreturn]] void too_many(domain::Millis wait_ms) {
  http::Problem problem(429, "too_many_attempts",
                        "Too many failed logins. Try again in " +
                            std::to_string((wait_ms + 999) / 1000) + " seconds.");
  problem.headers.emplace_back("Retry-After", std::to_string((wait_ms + 999) / 1000));
  throw problem;
}

// A hash of a random password, made once: an unknown or inactive account's login verifies
// against it, so that it costs the same time as a known one and timing tells nothing.
const std::string& stand_in_hash() {
  static const std::string hash = hash_password(random_secret());
  return hash;
}

boost::asio::awaitable<http::Response> login(Services* s, http::Context ctx) {
  JsonInput in(ctx.request);
  const std::string email = normalize_email(in.required_text("email", 3, 254));
  const std::string password = in.required_text("password", 1, 1024);
  in.finish();
  const auto now = s->clock.now_ms();
  const auto& a = s->auth;
  // One account however its address is typed; counted before the slow hash (see LoginLimiter).
  const std::string account_key = "account:" + email;
  const std::string address_key = "address:" + ctx.remote_address;
  if (const auto wait =
          s->limiter.acquire(account_key, a.max_failures_per_account, a.failure_window_ms, now))
    too_many(wait);
  if (const auto wait =
          s->limiter.acquire(address_key, a.max_failures_per_address, a.failure_window_ms, now)) {
    s->limiter.release(account_key);
    too_many(wait);
  }

  // Argon2 is deliberately slow: verify on a reader thread, never on an I/O thread.
  auto check_password = [email, password](store::Connection& db) {
    LoginResult r;
    r.user = store::find_user_by_email(db, email);
    const bool usable = r.user && r.user->active;
    const bool match = verify_password(usable ? r.user->password_hash : stand_in_hash(), password);
    r.password_ok = usable && match;
    return r;
  };
  auto result = co_await s->db.read(std::move(check_password));
  if (!result.password_ok)
    throw http::Problem(401, "invalid_credentials", "The email or password is wrong.");
  s->limiter.release(address_key);
  s->limiter.forget(account_key);
  const std::string token = random_secret();
  const std::string csrf = random_secret();
  const store::Id user_id = result.user->id;
  auto start_session = [token_hash = hash_secret(token), csrf_hash = hash_secret(csrf), user_id,
                        now, ttl = a.session_ttl_ms](store::Tx& tx) {
    store::create_session(tx, token_hash, csrf_hash, user_id, now, now + ttl);
    return 0;
  };
  co_await write(s, std::move(start_session));
  auto res = reply(ctx, bh::status::ok, {{"user", user_json(*result.user)}, {"csrf_token", csrf}});
  res.set(bh::field::set_cookie, session_cookie(s, token, a.session_ttl_ms));
  co_return res;
}

boost::asio::awaitable<http::Response> logout(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  if (auto cookie = cookie_value(ctx.request, kSessionCookie)) {
    auto end_session = [hash = hash_secret(*cookie)](store::Tx& tx) {
      store::delete_session(tx, hash);
      return 0;
    };
    co_await write(s, std::move(end_session));
    s->credentials.forget_all();
  }
  http::Response res{bh::status::no_content, ctx.request.version()};
  res.keep_alive(ctx.request.keep_alive());
  res.set(bh::field::set_cookie, session_cookie(s, "", 0));
  res.prepare_payload();
  co_return res;
}

boost::asio::awaitable<http::Response> me(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto load_user = [id = who.user_id](store::Connection& db) { return store::find_user(db, id); };
  auto user = co_await s->db.read(std::move(load_user));
  if (!user) throw http::Problem(401, "unauthenticated", "The account no longer exists.");
  auto body = user_json(*user);
  if (who.token_id) {
    body["token_id"] = *who.token_id;
    body["role"] = domain::to_string(who.role);
  }
  co_return reply(ctx, bh::status::ok, body);
}

boost::asio::awaitable<http::Response> list_tokens(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  auto load_tokens = [](store::Connection& db) { return store::list_tokens(db); };
  auto tokens = co_await s->db.read(std::move(load_tokens));
  boost::json::array items;
  for (const auto& t : tokens) items.push_back(token_json(t));
  co_return reply(ctx, bh::status::ok, {{"items", std::move(items)}});
}

boost::asio::awaitable<http::Response> create_token(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::admin);
  JsonInput in(ctx.request);
  const std::string name = in.required_text("name", 1, 100);
  const auto role = in.choice("role", domain::parse_role).value_or(Role::agent);
  in.finish();
  const std::string secret = random_secret();
  auto insert_token = [name, role, hash = hash_secret(secret), by = who.user_id,
                       now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_token(tx, name, role, hash, by, now);
  };
  auto token = co_await write(s, std::move(insert_token));
  auto body = token_json(token);
  body["token"] = secret;  // shown once: only its hash is stored
  co_return created(ctx, "/api/v1/tokens/" + std::to_string(token.id), body);
}

boost::asio::awaitable<http::Response> revoke_token(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  auto revoke = [id, now = s->clock.now_ms()](store::Tx& tx) {
    store::revoke_token(tx, id, now);
    return 0;
  };
  co_await write(s, std::move(revoke));
  s->credentials.forget_all();
  http::Response res{bh::status::no_content, ctx.request.version()};
  res.keep_alive(ctx.request.keep_alive());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_session_routes(http::Router& router, Services& services) {
  route(router, bh::verb::post, "/api/v1/session", services, login);
  route(router, bh::verb::delete_, "/api/v1/session", services, logout);
  route(router, bh::verb::get, "/api/v1/me", services, me);
  route(router, bh::verb::get, "/api/v1/tokens", services, list_tokens);
  route(router, bh::verb::post, "/api/v1/tokens", services, create_token);
  route(router, bh::verb::delete_, "/api/v1/tokens/{id}", services, revoke_token);
}

}  // namespace hd::api
