// GET /api/v1/tickets/{id}/sla: why a ticket is due when it is.
#include <boost/json/parse.hpp>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "api/sla_representation.hpp"
#include "domain/sla_clock.hpp"
#include "store/events.hpp"
#include "store/sla_store.hpp"
#include "store/ticket_sla.hpp"
#include "store/tickets.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Millis;
using domain::Role;

/// Everything the explanation is made of, read in one go on a reader thread.
struct SlaView {
  std::optional<store::TicketRecord> ticket;
  std::vector<store::EventRecord> events;
  std::shared_ptr<const store::SlaBook> book;
  std::optional<store::CalendarRecord> calendar;
};

json::value instant(const std::optional<Millis>& t) {
  return t ? json::value(format_time(*t)) : json::value(nullptr);
}

json::object explain_target(const domain::TargetClock& clock, std::optional<int> minutes,
                            Millis now, const domain::Calendar& calendar, const char* starts) {
  json::object o;
  const auto use = domain::target_use(clock, minutes, now, calendar);
  const bool overdue = clock.running() && *clock.due_at < now;
  o["target_minutes"] = minutes ? json::value(*minutes) : json::value(nullptr);
  o["starts"] = starts;
  o["due_at"] = instant(clock.due_at);
  o["paused_left_ms"] = clock.paused() ? json::value(*clock.left_ms) : json::value(nullptr);
  o["outcome"] = clock.outcome ? json::value(domain::to_string(*clock.outcome))
                               : (overdue ? json::value("breached") : json::value(nullptr));
  o["decided_at"] = clock.decided_at ? instant(clock.decided_at)
                                     : (overdue ? instant(clock.due_at) : json::value(nullptr));
  o["business_minutes_used"] = minutes ? json::value(use.used_ms / 60'000) : json::value(nullptr);
  o["business_minutes_left"] = minutes ? json::value(use.left_ms / 60'000) : json::value(nullptr);
  return o;
}

boost::asio::awaitable<http::Response> explain(Services* s, http::Context ctx) {
  co_await authorize(*s, ctx, Role::agent);
  const auto id = path_id(ctx);
  if (!s->policy.sla) throw http::Problem(404, "not_found", "SLA is not enabled.");
  auto load = [id, catalog = s->policy.sla](store::Connection& db) {
    SlaView view;
    view.ticket = store::find_ticket(db, id);
    if (!view.ticket) return view;
    view.events = store::list_events(db, id);
    view.book = catalog->current(db);
    if (view.ticket->sla_policy_id)
      if (const auto* p = view.book->policy(*view.ticket->sla_policy_id))
        view.calendar = store::find_calendar(db, p->calendar_id);
    return view;
  };
  const auto view = co_await s->db.read(std::move(load));
  if (!view.ticket) throw not_found("Ticket", id);
  const auto& t = *view.ticket;
  const Millis now = s->clock.now_ms();

  const domain::SlaPolicy* policy = t.sla_policy_id ? view.book->policy(*t.sla_policy_id) : nullptr;
  const auto applied = view.book->apply(store::ticket_facts(t));
  const domain::AlwaysOpenCalendar wall;
  const domain::Calendar* calendar = &wall;
  if (policy) {
    const auto found = view.book->calendars.find(policy->calendar_id);
    if (found != view.book->calendars.end()) calendar = found->second.get();
  }

  json::object policy_json_value;
  if (policy) {
    policy_json_value = {
        {"id", policy->id},
        {"name", policy->name},
        {"applied_version",
         t.sla_policy_version ? json::value(*t.sla_policy_version) : json::value(nullptr)},
        {"current_version", policy->version},
        {"is_default", policy->is_default}};
  }
  const bool current = applied.match.policy && policy && applied.match.policy->id == policy->id &&
                       t.sla_policy_version == policy->version;
  std::string why = applied.match.reason;
  if (!current)
    why += applied.match.policy ? " (now \"" + applied.match.policy->name +
                                      "\"; the ticket's clock is being recomputed for it)"
                                : "";

  // Paused intervals: the ticket's stretches in `pending`, from the event log.
  json::array paused;
  std::optional<Millis> pause_start;
  for (const auto& e : view.events) {
    if (e.type != domain::EventType::status) continue;
    const auto data = json::parse(e.data).as_object();
    const std::string to(data.at("to").as_string());
    const std::string from(data.at("from").as_string());
    if (to == "pending" && !pause_start) pause_start = e.at;
    if (from == "pending" && to != "pending" && pause_start) {
      paused.push_back(json::object{{"from", format_time(*pause_start)},
                                    {"to", format_time(e.at)},
                                    {"business_ms", calendar->elapsed(*pause_start, e.at)}});
      pause_start.reset();
    }
  }
  if (pause_start)
    paused.push_back(json::object{
        {"from", format_time(*pause_start)},
        {"to", nullptr},
        {"business_ms", calendar->elapsed(*pause_start, std::max(now, *pause_start))}});

  const auto status = t.life.status;
  const char* clock_state = status == domain::Status::open      ? "running"
                            : status == domain::Status::pending ? "paused"
                                                                : "stopped";
  const domain::SlaTargets none;
  const auto& targets = policy ? policy->targets : none;
  json::object calendar_value;
  if (view.calendar)
    calendar_value = {{"id", view.calendar->id},
                      {"name", view.calendar->name},
                      {"time_zone", view.calendar->spec.time_zone},
                      {"version", view.calendar->version}};
  json::object body{
      {"ticket_id", t.id},
      {"status", domain::to_string(status)},
      {"clock", clock_state},
      {"rules",
       {{"open", "runs"},
        {"pending", "pauses; the business time left carries over"},
        {"resolved", "stops"},
        {"follow_up", "stops"},
        {"closed", "stops"},
        {"met_by",
         "a public agent reply meets first response and next reply; an internal note "
         "does not; the first resolution meets resolution"}}},
      {"policy", policy ? json::value(std::move(policy_json_value)) : json::value(nullptr)},
      {"matched_because", why},
      {"calendar", view.calendar ? json::value(std::move(calendar_value)) : json::value(nullptr)},
      {"now", format_time(now)},
      {"next_due_at", instant(t.sla.next_due_at())},
      {"targets",
       {{"first_response", explain_target(t.sla.first_response, targets.first_response, now,
                                          *calendar, "when the ticket is created")},
        {"next_reply", explain_target(t.sla.next_reply, targets.next_reply, now, *calendar,
                                      "with each customer message that follows an agent reply")},
        {"resolution", explain_target(t.sla.resolution, targets.resolution, now, *calendar,
                                      "when the ticket is created")}}},
      {"paused_intervals", std::move(paused)},
      {"business", ticket_sla_json(t, &targets, now).at("business")}};
  co_return reply(ctx, bh::status::ok, body);
}

}  // namespace

void add_ticket_sla_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/tickets/{id}/sla", services, explain);
}

}  // namespace hd::api
