// The durable job queue as admins see it: what failed for good, and a way to try again.
#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "store/jobs_store.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;

json::object job_json(const store::JobRecord& j) {
  return {{"id", j.id},
          {"kind", j.kind},
          {"state", j.state},
          {"payload", stored_json(j.payload)},
          {"run_at", format_time(j.run_at)},
          {"attempts", j.attempts},
          {"last_error", j.last_error.empty() ? json::value() : json::value(j.last_error)},
          {"created_at", format_time(j.created_at)},
          {"updated_at", format_time(j.updated_at)}};
}

boost::asio::awaitable<http::Response> list_jobs(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, domain::Role::admin);
  QueryInput in(ctx.url);
  const auto state = in.text("state", 20).value_or("");
  if (!state.empty() && state != "queued" && state != "running" && state != "done" &&
      state != "dead" && state != "cancelled")
    in.fail("state", "must be one of queued, running, done, dead, cancelled");
  in.finish();
  auto load = [state](store::Connection& db) { return store::list_jobs(db, state, 200); };
  const auto jobs = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(jobs, job_json));
}

boost::asio::awaitable<http::Response> retry_job(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, domain::Role::admin);
  const auto id = path_id(ctx);
  auto retry = [id, now = s->clock.now_ms()](store::Tx& tx) {
    return store::retry_job(tx, id, now);
  };
  const auto job = co_await write(s, std::move(retry));
  co_return reply(ctx, bh::status::ok, job_json(job));
}

}  // namespace

void add_job_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/jobs", services, list_jobs);
  route(router, bh::verb::post, "/api/v1/jobs/{id}/retry", services, retry_job);
}

}  // namespace hd::api
