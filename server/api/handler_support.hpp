#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "api/representation.hpp"
#include "api/services.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace hd::api {

/// A route's coroutine: a free function taking its services by pointer and the context by
/// value (STYLE.md: coroutine parameters by value, no capturing lambda coroutines).
using RouteFn = boost::asio::awaitable<http::Response> (*)(Services*, http::Context);

/// Adds `fn` to the router with `services` bound.
inline void route(http::Router& router, http::beast_http::verb method, std::string pattern,
                  Services& services, RouteFn fn) {
  Services* s = &services;
  router.add(method, std::move(pattern),
             [s, fn](http::Context ctx) { return fn(s, std::move(ctx)); });
}

/// Runs a write and turns an expected refusal into its problem+json answer.
template <class Work>
auto write(Services* s, Work work)
    -> boost::asio::awaitable<std::invoke_result_t<Work&, store::Tx&>> {
  try {
    co_return co_await s->db.write(std::move(work));
  } catch (const domain::Refusal& refusal) {
    throw to_problem(refusal);
  }
}

/// A JSON answer to the request in `ctx`.
inline http::Response reply(const http::Context& ctx, http::beast_http::status status,
                            const boost::json::value& body) {
  return http::json_response(ctx.request, status, body);
}

/// The `ETag` of a versioned resource.
inline std::string etag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

}  // namespace hd::api
