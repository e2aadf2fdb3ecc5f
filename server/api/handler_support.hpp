#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "api/page_layout.hpp"
#include "api/path_id.hpp"
#include "api/refusal_problem.hpp"
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

/// `fn` as a public HTML page: a Problem it throws is answered with problem_page().
template <RouteFn fn>
boost::asio::awaitable<http::Response> as_page(Services* s, http::Context ctx) {
  const unsigned version = ctx.request.version();
  const bool keep_alive = ctx.request.keep_alive();
  try {
    co_return co_await fn(s, std::move(ctx));
  } catch (const http::Problem& problem) {
    co_return problem_page(version, keep_alive, problem);
  }
}

/// Adds the HTML page route `fn` (see as_page) to the router with `services` bound.
template <RouteFn fn>
void page_route(http::Router& router, http::beast_http::verb method, std::string pattern,
                Services& services) {
  route(router, method, std::move(pattern), services, &as_page<fn>);
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

/// The 404 answer for a resource that does not exist, e.g. "Ticket 7 does not exist."
inline http::Problem not_found(std::string_view what, store::Id id) {
  return http::Problem(404, "not_found",
                       std::string(what) + " " + std::to_string(id) + " does not exist.");
}

/// Runs the read `find` (returning an optional record) and answers 404 (see not_found) when it
/// finds nothing.
template <class Find>
auto read_found(Services* s, Find find, std::string what, store::Id id) -> boost::asio::awaitable<
    typename std::invoke_result_t<Find&, store::Connection&>::value_type> {
  auto found = co_await s->db.read(std::move(find));
  if (!found) throw not_found(what, id);
  co_return std::move(*found);
}

/// A JSON answer to the request in `ctx`.
inline http::Response reply(const http::Context& ctx, http::beast_http::status status,
                            const boost::json::value& body) {
  return http::json_response(ctx.request, status, body);
}

/// A 201 answer with the created resource's `Location`.
inline http::Response created(const http::Context& ctx, const std::string& location,
                              const boost::json::value& body) {
  auto res = reply(ctx, http::beast_http::status::created, body);
  res.set(http::beast_http::field::location, location);
  return res;
}

/// `{"items": [...]}`, each item written by `to_json`: the answer of every unpaged list.
template <class Items, class ToJson>
boost::json::object items_json(const Items& items, ToJson to_json) {
  boost::json::array array;
  for (const auto& item : items) array.push_back(to_json(item));
  return {{"items", std::move(array)}};
}

/// The `ETag` of a versioned resource.
inline std::string etag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

}  // namespace hd::api
