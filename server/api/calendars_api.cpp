// Business calendars: CRUD for admins, reads and the due/duration preview for all staff.
#include <boost/url/url_view.hpp>
#include <charconv>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/routes.hpp"
#include "api/sla_representation.hpp"
#include "store/job_kinds.hpp"
#include "store/sla_store.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Millis;
using domain::Role;

/// The longest span the preview computes over: bounds the work one request can ask for.
constexpr Millis kMaxPreviewSpan = 20LL * 366 * 86'400'000;
constexpr std::int64_t kMaxPreviewMinutes = 10LL * 366 * 1440;

[[noreturn]] void bad_query(const std::string& name, const std::string& what) {
  throw http::Problem(400, "invalid_query", "Query parameter '" + name + "' " + what + ".",
                      {{"errors", json::array{json::object{{"field", name}, {"message", what}}}}});
}

/// Checks the whole spec with the domain rules and reports every problem through `in`.
std::shared_ptr<const domain::BusinessCalendar> validate(JsonInput& in,
                                                         const domain::CalendarSpec& spec) {
  auto built = domain::BusinessCalendar::build(spec);
  for (const auto& p : built.problems) in.fail(p.field, p.message);
  return built.calendar;
}

std::optional<std::int64_t> if_match(const http::Context& ctx) {
  auto header = ctx.request[bh::field::if_match];
  if (header.empty()) return std::nullopt;
  if (header.starts_with("W/")) header.remove_prefix(2);
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"')
    header = header.substr(1, header.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (ec != std::errc{} || end != header.data() + header.size())
    throw http::Problem(412, "version_mismatch", "If-Match is not an ETag of this calendar.");
  return version;
}

void queue_recompute(store::Tx& tx, const std::string& what, Millis now) {
  store::enqueue(tx, store::SlaRecompute{what}, now, now);
}

boost::asio::awaitable<store::CalendarRecord> load_calendar(Services* s, store::Id id) {
  auto find = [id](store::Connection& db) { return store::find_calendar(db, id); };
  co_return co_await read_found(s, std::move(find), "Calendar", id);
}

http::Response calendar_reply(const http::Context& ctx, bh::status status,
                              const store::CalendarRecord& c) {
  auto res = reply(ctx, status, calendar_json(c));
  res.set(bh::field::etag, etag(c.version));
  return res;
}

boost::asio::awaitable<http::Response> list_calendars(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  auto load = [](store::Connection& db) { return store::list_calendars(db); };
  auto calendars = co_await s->db.read(std::move(load));
  co_return reply(ctx, bh::status::ok, items_json(calendars, calendar_json));
}

boost::asio::awaitable<http::Response> get_calendar(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto calendar = co_await load_calendar(s, path_id(ctx));
  co_return calendar_reply(ctx, bh::status::ok, calendar);
}

boost::asio::awaitable<http::Response> create_calendar(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  JsonInput in(ctx.request);
  const auto name = in.required_text("name", 1, 100);
  domain::CalendarSpec spec;
  spec.time_zone = in.required_text("time_zone", 1, 100);
  if (!in.root().contains("hours")) in.fail("hours", "is required");
  read_calendar_parts(in, spec);
  if (!spec.time_zone.empty()) validate(in, spec);
  in.finish();
  auto insert = [name, spec, now = s->clock.now_ms()](store::Tx& tx) {
    return store::create_calendar(tx, name, spec, now);
  };
  auto saved = co_await write(s, std::move(insert));
  auto res = calendar_reply(ctx, bh::status::created, saved);
  res.set(bh::field::location, "/api/v1/calendars/" + std::to_string(saved.id));
  co_return res;
}

boost::asio::awaitable<http::Response> update_calendar(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  const auto expected = if_match(ctx);
  auto current = co_await load_calendar(s, id);
  JsonInput in(ctx.request);
  const auto name = in.text("name", 1, 100).value_or(current.name);
  auto spec = current.spec;
  if (auto zone = in.text("time_zone", 1, 100)) spec.time_zone = *zone;
  read_calendar_parts(in, spec);
  validate(in, spec);
  in.finish();
  auto change = [id, version = expected.value_or(current.version), name, spec,
                 now = s->clock.now_ms()](store::Tx& tx) {
    auto saved = store::update_calendar(tx, id, version, name, spec, now);
    queue_recompute(tx, "calendar:" + std::to_string(id) + ":" + std::to_string(saved.version),
                    now);
    return saved;
  };
  auto saved = co_await write(s, std::move(change));
  co_return calendar_reply(ctx, bh::status::ok, saved);
}

boost::asio::awaitable<http::Response> delete_calendar(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::admin);
  const auto id = path_id(ctx);
  auto remove = [id](store::Tx& tx) {
    store::delete_calendar(tx, id);
    return true;
  };
  co_await write(s, std::move(remove));
  co_return http::Response{bh::status::no_content, ctx.request.version()};
}

/// The calendar of a preview request, built.
boost::asio::awaitable<std::shared_ptr<const domain::BusinessCalendar>> built_calendar(
    Services* s, store::Id id) {
  const auto record = co_await load_calendar(s, id);
  auto built = domain::BusinessCalendar::build(record.spec);
  if (!built.calendar)
    throw http::Problem(409, "conflict",
                        "Calendar " + std::to_string(id) + " no longer validates: " +
                            built.problems.front().field + " " + built.problems.front().message);
  co_return built.calendar;
}

Millis time_param(const boost::urls::params_view& params, const char* name) {
  const auto found = params.find(name);
  if (found == params.end()) bad_query(name, "is required (an RFC 3339 time)");
  const auto t = parse_time(std::string((*found).value));
  if (!t) bad_query(name, "must be an RFC 3339 time such as 2026-11-23T16:00:00Z");
  return *t;
}

void only_params(const boost::urls::params_view& params,
                 std::initializer_list<std::string_view> known) {
  for (const auto& p : params)
    if (std::find(known.begin(), known.end(), std::string_view(p.key)) == known.end())
      bad_query(p.key, "is not a known parameter");
}

boost::asio::awaitable<http::Response> preview_due(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  const auto params = boost::urls::url_view(ctx.url).params();
  only_params(params, {"from", "minutes"});
  const Millis from = time_param(params, "from");
  const auto found = params.find("minutes");
  if (found == params.end()) bad_query("minutes", "is required (business minutes)");
  const std::string text = (*found).value;
  std::int64_t minutes = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
  if (ec != std::errc{} || end != text.data() + text.size() || minutes < 0 ||
      minutes > kMaxPreviewMinutes)
    bad_query("minutes", "must be a whole number from 0 to " + std::to_string(kMaxPreviewMinutes));
  const auto calendar = co_await built_calendar(s, id);
  const Millis due = calendar->advance(from, minutes * 60'000);
  co_return reply(ctx, bh::status::ok, {{"due_at", format_time(due)}});
}

boost::asio::awaitable<http::Response> preview_duration(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  const auto params = boost::urls::url_view(ctx.url).params();
  only_params(params, {"from", "to"});
  const Millis from = time_param(params, "from");
  const Millis to = time_param(params, "to");
  if (to < from) bad_query("to", "must not be before from");
  if (to - from > kMaxPreviewSpan) bad_query("to", "must be at most 20 years after from");
  const auto calendar = co_await built_calendar(s, id);
  co_return reply(ctx, bh::status::ok,
                  {{"business_ms", calendar->elapsed(from, to)}, {"calendar_ms", to - from}});
}

}  // namespace

void add_calendar_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/calendars", services, list_calendars);
  route(router, bh::verb::post, "/api/v1/calendars", services, create_calendar);
  route(router, bh::verb::get, "/api/v1/calendars/{id}", services, get_calendar);
  route(router, bh::verb::patch, "/api/v1/calendars/{id}", services, update_calendar);
  route(router, bh::verb::delete_, "/api/v1/calendars/{id}", services, delete_calendar);
  route(router, bh::verb::get, "/api/v1/calendars/{id}/due", services, preview_due);
  route(router, bh::verb::get, "/api/v1/calendars/{id}/duration", services, preview_duration);
}

}  // namespace hd::api
