// Customers at risk (supervisors and admins): whose recent experience predicts they may
// leave, with the reasons and the tickets behind them; and the outreach recorded on a customer.
#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "api/time_format.hpp"
#include "store/customer_risk.hpp"
#include "store/outreach.hpp"
#include "store/people.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
namespace risk = domain::risk;
using domain::Millis;
using domain::Role;

constexpr Millis kDay = 24LL * 3600 * 1000;
constexpr Millis kHour = 3600LL * 1000;
constexpr std::size_t kMaxEvidence = 20;  // ticket ids listed per reason (the count is exact)
constexpr std::size_t kMaxNote = 5000;

json::object outreach_json(const store::outreach::OutreachRecord& o) {
  return {{"id", o.id},
          {"customer_id", o.customer_id},
          {"note", o.note},
          {"outcome", store::outreach::to_string(o.outcome)},
          {"by", {{"id", o.created_by}, {"name", o.created_by_name}}},
          {"created_at", format_time(o.created_at)}};
}

struct Entry {
  risk::AtRisk risk;
  store::CustomerRecord customer;
  std::optional<store::outreach::OutreachRecord> last_outreach;
};
struct AtRiskPage {
  std::vector<Entry> entries;
  std::size_t total = 0;
};

AtRiskPage load_at_risk(store::Connection& db, Millis since, Millis now, Millis waiting_since,
                        int threshold, std::size_t limit) {
  const auto ranked =
      risk::rank_at_risk(store::risk::signals(db, since, now, waiting_since, threshold));
  AtRiskPage page;
  page.total = ranked.size();
  for (const auto& r : ranked) {
    if (page.entries.size() == limit) break;
    auto customer = store::find_customer(db, r.customer_id);
    if (!customer) continue;
    page.entries.push_back({r, std::move(*customer), store::outreach::last(db, r.customer_id)});
  }
  return page;
}

boost::asio::awaitable<http::Response> list_at_risk(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  QueryInput in(ctx.url);
  const auto days = in.integer("days", 1, 365).value_or(30);
  const auto waiting_hours = in.integer("waiting_hours", 1, 24 * 90).value_or(24);
  const auto limit = in.integer("limit", 1, 200).value_or(50);
  in.finish();
  const Millis now = s->clock.now_ms();
  const Millis since = now - days * kDay;
  auto load = [since, now, waiting_since = now - waiting_hours * kHour,
               threshold = s->survey.reopen_at_or_below,
               limit = static_cast<std::size_t>(limit)](store::Connection& db) {
    return load_at_risk(db, since, now, waiting_since, threshold, limit);
  };
  const auto page = co_await s->db.read_report(std::move(load));
  json::array items;
  for (const auto& e : page.entries) {
    json::array reasons;
    for (const auto& r : e.risk.reasons) {
      json::array tickets;
      for (std::size_t i = 0; i < r.ticket_ids.size() && i < kMaxEvidence; ++i)
        tickets.push_back(r.ticket_ids[i]);
      reasons.push_back(json::object{{"reason", risk::to_string(r.reason)},
                                     {"weight", risk::weight(r.reason)},
                                     {"count", r.ticket_ids.size()},
                                     {"ticket_ids", std::move(tickets)},
                                     {"last_at", format_time(r.last_at)}});
    }
    items.push_back(json::object{
        {"customer", customer_json(e.customer)},
        {"score", e.risk.score},
        {"last_signal_at", format_time(e.risk.last_at)},
        {"reasons", std::move(reasons)},
        {"last_outreach",
         e.last_outreach ? json::value(outreach_json(*e.last_outreach)) : json::value(nullptr)}});
  }
  co_return reply(ctx, bh::status::ok,
                  {{"days", days},
                   {"since", format_time(since)},
                   {"waiting_hours", waiting_hours},
                   {"weights",
                    {{"bad_rating", risk::weight(risk::Reason::bad_rating)},
                     {"reopen", risk::weight(risk::Reason::reopen)},
                     {"sla_breach", risk::weight(risk::Reason::sla_breach)},
                     {"long_wait", risk::weight(risk::Reason::long_wait)}}},
                   {"total", page.total},
                   {"items", std::move(items)}});
}

boost::asio::awaitable<http::Response> add_outreach(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::supervisor);
  const auto customer_id = path_id(ctx);
  JsonInput in(ctx.request);
  const auto note = in.required_text("note", 1, kMaxNote);
  const auto outcome = in.choice("outcome", store::outreach::parse_outcome);
  if (!in.root().contains("outcome"))
    in.fail("outcome", "is required: reached, no_answer, saved, lost");
  in.finish();
  auto insert = [customer_id, note, outcome = *outcome, by = who.user_id,
                 now = s->clock.now_ms()](store::Tx& tx) {
    return store::outreach::record(tx, customer_id, note, outcome, by, now);
  };
  const auto saved = co_await write(s, std::move(insert));
  co_return created(ctx, "/api/v1/customers/" + std::to_string(customer_id) + "/outreach",
                    outreach_json(saved));
}

struct OutreachPage {
  bool found = false;
  std::vector<store::outreach::OutreachRecord> items;
};

boost::asio::awaitable<http::Response> list_outreach(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::supervisor);
  const auto customer_id = path_id(ctx);
  QueryInput in(ctx.url);
  const int limit = static_cast<int>(in.integer("limit", 1, 200).value_or(50));
  const auto before = in.integer("before", 1, INT64_MAX);
  in.finish();
  auto load = [customer_id, limit, before](store::Connection& db) {
    OutreachPage page;
    page.found = store::find_customer(db, customer_id).has_value();
    if (page.found) page.items = store::outreach::list(db, customer_id, limit, before);
    return page;
  };
  const auto page = co_await s->db.read(std::move(load));
  if (!page.found) throw not_found("Customer", customer_id);
  json::array items;
  for (const auto& o : page.items) items.push_back(outreach_json(o));
  const bool more = static_cast<int>(page.items.size()) == limit;
  co_return reply(
      ctx, bh::status::ok,
      {{"items", std::move(items)},
       {"next_before", more ? json::value(page.items.back().id) : json::value(nullptr)}});
}

}  // namespace

void add_customer_risk_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/customers/at-risk", services, list_at_risk);
  route(router, bh::verb::get, "/api/v1/customers/{id}/outreach", services, list_outreach);
  route(router, bh::verb::post, "/api/v1/customers/{id}/outreach", services, add_outreach);
}

}  // namespace hd::api
