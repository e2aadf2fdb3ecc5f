// Operational endpoints: liveness, readiness, metrics and the API description.
#include "api/handler_support.hpp"
#include "api/live_events.hpp"
#include "api/routes.hpp"
#include "store/jobs_store.hpp"
#include "store/kpi_fact_cache.hpp"

namespace hd::api {

// The OpenAPI document, embedded at build time from server/api/openapi.json.
extern const char* const kOpenApiJson;

namespace {
namespace bh = http::beast_http;

boost::asio::awaitable<http::Response> healthz(Services*, http::Context ctx) {
  co_return reply(ctx, bh::status::ok, {{"status", "ok"}});
}

boost::asio::awaitable<http::Response> readyz(Services* s, http::Context ctx) {
  bool ready = false;
  try {
    auto check_schema = [](store::Connection& db) { return store::schema_is_current(db); };
    ready = co_await s->db.read(std::move(check_schema));
  } catch (const std::exception&) {
    ready = false;  // the database can't be read: not ready, and the answer says so
  }
  if (!ready) throw http::Problem(503, "not_ready", "The database is unreachable or not migrated.");
  co_return reply(ctx, bh::status::ok, {{"status", "ready"}});
}

boost::asio::awaitable<http::Response> metrics(Services* s, http::Context ctx) {
  auto count_jobs = [](store::Connection& db) { return store::count_queued_jobs(db); };
  auto queued = co_await s->db.read(std::move(count_jobs));
  if (s->live)
    s->metrics.set_event_streams(s->live->broadcaster().size(), s->live->broadcaster().dropped());
  http::Response res{bh::status::ok, ctx.request.version()};
  res.set(bh::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.keep_alive(ctx.request.keep_alive());
  res.body() = s->metrics.render(queued, s->db.kpi_fact_cache().bytes());
  res.prepare_payload();
  co_return res;
}

boost::asio::awaitable<http::Response> openapi(Services*, http::Context ctx) {
  http::Response res{bh::status::ok, ctx.request.version()};
  res.set(bh::field::content_type, "application/json");
  res.keep_alive(ctx.request.keep_alive());
  res.body() = kOpenApiJson;
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_system_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/healthz", services, healthz);
  route(router, bh::verb::get, "/readyz", services, readyz);
  route(router, bh::verb::get, "/metrics", services, metrics);
  route(router, bh::verb::get, "/api/v1/openapi.json", services, openapi);
}

}  // namespace hd::api
