// The admin's history import: IMPORT.md's JSON Lines in the request body (docs/IMPORT.md).
// Large histories go through `helpdesk import`; this endpoint takes what fits in one body.
#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/history_json.hpp"
#include "api/routes.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;

constexpr int kBatch = 10'000;

boost::asio::awaitable<http::Response> post_import(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, domain::Role::admin);
  auto load = [](store::Connection& db) { return store::history::Directory(db); };
  auto people = std::make_shared<store::history::Directory>(co_await s->db.read(std::move(load)));
  const domain::AlwaysOpenCalendar business;
  const std::string& body = ctx.request.body();
  std::vector<std::vector<store::history::ImportTicket>> batches(1);
  json::array errors;
  int line_number = 0;
  for (std::size_t start = 0; start < body.size();) {
    const auto end = std::min(body.find('\n', start), body.size());
    const std::string_view line(body.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    store::history::ImportTicket t;
    if (auto error = history::parse_ticket(line, line_number, *people, business, t)) {
      if (errors.size() < 100)
        errors.push_back(
            {{"line", error->line}, {"field", error->field}, {"message", error->message}});
      continue;
    }
    if (static_cast<int>(batches.back().size()) == kBatch) batches.emplace_back();
    batches.back().push_back(std::move(t));
  }
  if (!errors.empty())
    throw http::Problem(400, "invalid_import",
                        "Some lines were refused; nothing was imported. Each error names the line "
                        "and the field.",
                        {{"errors", std::move(errors)}});
  // One body is one batch for the caller: all of it or nothing.
  auto pending = people->take_pending();
  auto all = std::make_shared<std::vector<store::history::ImportTicket>>();
  for (auto& b : batches)
    for (auto& t : b) all->push_back(std::move(t));
  auto work = [people, pending, all, now = s->clock.now_ms(), policy = s->policy](store::Tx& tx) {
    return store::history::write_batch(tx, *people, pending, *all, now, policy);
  };
  const auto result = co_await write(s, std::move(work));
  json::array skipped;
  for (const auto& [line, external_id] : result.skipped)
    skipped.push_back({{"line", line}, {"external_id", external_id}});
  co_return reply(ctx, bh::status::ok,
                  {{"imported", result.imported}, {"unchanged", std::move(skipped)}});
}

}  // namespace

void add_history_routes(http::Router& router, Services& services) {
  route(router, bh::verb::post, "/api/v1/imports", services, post_import);
}

}  // namespace hd::api
