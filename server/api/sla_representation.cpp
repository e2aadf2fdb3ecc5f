#include "api/sla_representation.hpp"

#include <boost/json/parse.hpp>

#include "api/representation.hpp"

namespace hd::api {
namespace json = boost::json;
using domain::Millis;

namespace {

/// What a target's clock is doing, in one word for the UI.
std::string_view target_state(const domain::TargetClock& c, std::optional<int> minutes,
                              Millis now) {
  if (c.outcome) return domain::to_string(*c.outcome);
  if (c.running()) return *c.due_at < now ? "breached" : "running";
  if (c.paused()) return "paused";
  return minutes ? "stopped" : "none";
}

void write_target(JsonWriter& out, const domain::TargetClock& c, std::optional<int> minutes,
                  Millis now) {
  const bool overdue = c.running() && *c.due_at < now;
  out.begin_object();
  out.number("target_minutes", minutes);
  write_time(out, "due_at", c.due_at);
  out.number("paused_left_ms", c.paused() ? c.left_ms : std::nullopt);
  out.key("state");
  out.plain_string(target_state(c, minutes, now));
  out.key("outcome");
  if (c.outcome)
    out.plain_string(domain::to_string(*c.outcome));
  else
    overdue ? out.plain_string("breached") : out.null();
  write_time(out, "decided_at", c.decided_at ? c.decided_at : (overdue ? c.due_at : std::nullopt));
  out.end_object();
}

}  // namespace

json::object calendar_json(const store::CalendarRecord& c) {
  json::object hours;
  for (std::size_t d = 0; d < 7; ++d) {
    json::array day;
    for (const auto& iv : c.spec.hours[d])
      day.push_back(json::array{iv.from.c_str(), iv.to.c_str()});
    hours[domain::kWeekdayKeys[d]] = std::move(day);
  }
  json::array holidays;
  for (const auto& h : c.spec.holidays) {
    json::object o{{"date", h.date}, {"yearly", h.yearly}, {"name", h.name}};
    o["from"] = h.from ? json::value(*h.from) : json::value(nullptr);
    o["to"] = h.to ? json::value(*h.to) : json::value(nullptr);
    holidays.push_back(std::move(o));
  }
  return {{"id", c.id},
          {"name", c.name},
          {"time_zone", c.spec.time_zone},
          {"hours", std::move(hours)},
          {"holidays", std::move(holidays)},
          {"is_default", c.is_default},
          {"version", c.version},
          {"created_at", format_time(c.created_at)},
          {"updated_at", format_time(c.updated_at)}};
}

json::object policy_json(const store::PolicyRecord& r) {
  const auto& p = r.policy;
  json::object conditions;
  json::array priorities, teams, channels, organizations;
  for (auto v : p.conditions.priorities) priorities.push_back(json::value(domain::to_string(v)));
  for (auto v : p.conditions.team_ids) teams.push_back(v);
  for (auto v : p.conditions.channels) channels.push_back(json::value(domain::to_string(v)));
  for (const auto& v : p.conditions.organizations) organizations.push_back(json::value(v));
  conditions["priority"] = std::move(priorities);
  conditions["team_id"] = std::move(teams);
  conditions["channel"] = std::move(channels);
  conditions["organization"] = std::move(organizations);
  auto minutes = [](const std::optional<int>& m) {
    return m ? json::value(*m) : json::value(nullptr);
  };
  auto id_or_null = [](const std::optional<std::int64_t>& id) {
    return id ? json::value(*id) : json::value(nullptr);
  };
  json::array escalations;
  for (const auto& step : p.escalations)
    escalations.push_back(json::object{
        {"when", step.when},
        {"target", step.target.empty() ? json::value(nullptr) : json::value(step.target)},
        {"priority",
         step.priority ? json::value(domain::to_string(*step.priority)) : json::value(nullptr)},
        {"team_id", id_or_null(step.team_id)},
        {"assignee_id", id_or_null(step.assignee_id)}});
  return {{"id", p.id},
          {"name", p.name},
          {"calendar_id", p.calendar_id},
          {"position", p.position},
          {"is_default", p.is_default},
          {"conditions", std::move(conditions)},
          {"targets",
           {{"first_response", minutes(p.targets.first_response)},
            {"next_reply", minutes(p.targets.next_reply)},
            {"resolution", minutes(p.targets.resolution)}}},
          {"escalations", std::move(escalations)},
          {"version", p.version},
          {"created_at", format_time(r.created_at)},
          {"updated_at", format_time(r.updated_at)}};
}

void write_ticket_sla(JsonWriter& out, const store::TicketRecord& t,
                      const domain::SlaTargets* targets, Millis now) {
  const auto& c = t.sla;
  const domain::SlaTargets none;
  const auto& tg = targets ? *targets : none;
  bool breached = false;
  for (const auto* target : {&c.first_response, &c.next_reply, &c.resolution})
    breached = breached || target->outcome == domain::SlaOutcome::breached ||
               (target->running() && *target->due_at < now);
  out.begin_object();
  out.number("policy_id", t.sla_policy_id);
  out.number("policy_version", t.sla_policy_version);
  write_time(out, "first_response_due_at", t.first_response_due_at);
  write_time(out, "next_reply_due_at", t.next_reply_due_at);
  write_time(out, "resolution_due_at", t.resolution_due_at);
  write_time(out, "next_due_at", c.next_due_at());
  out.boolean("breached", breached);
  out.key("first_response");
  write_target(out, c.first_response, tg.first_response, now);
  out.key("next_reply");
  write_target(out, c.next_reply, tg.next_reply, now);
  out.key("resolution");
  write_target(out, c.resolution, tg.resolution, now);
  out.key("business");
  out.begin_object();
  out.number("first_response_ms", c.business_first_response_ms);
  out.number("first_resolution_ms", c.business_first_resolution_ms);
  out.number("full_resolution_ms", c.business_full_resolution_ms);
  out.number("requester_wait_ms", c.business_wait_ms);
  out.number("on_hold_ms", c.business_hold_ms);
  out.end_object();
  out.end_object();
}

json::object ticket_sla_json(const store::TicketRecord& t, const domain::SlaTargets* targets,
                             Millis now) {
  JsonWriter out;
  write_ticket_sla(out, t, targets, now);
  return json::parse(out.take()).as_object();
}

void read_calendar_parts(JsonInput& in, domain::CalendarSpec& spec) {
  if (const auto* hours = in.object("hours")) {
    for (const auto& [key, value] : *hours) {
      const auto* known = std::find(domain::kWeekdayKeys.begin(), domain::kWeekdayKeys.end(),
                                    std::string_view(key));
      if (known == domain::kWeekdayKeys.end()) {
        in.fail("hours." + std::string(key),
                "is not a weekday: use mon, tue, wed, thu, fri, sat, sun");
        continue;
      }
      const auto day = static_cast<std::size_t>(known - domain::kWeekdayKeys.begin());
      const std::string field = "hours." + std::string(key);
      spec.hours[day].clear();
      if (!value.is_array()) {
        in.fail(field, "must be an array of [\"HH:MM\", \"HH:MM\"] intervals");
        continue;
      }
      const auto& list = value.as_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& iv = list[i];
        if (!iv.is_array() || iv.as_array().size() != 2 || !iv.as_array()[0].is_string() ||
            !iv.as_array()[1].is_string() || iv.as_array()[0].as_string().size() > 10 ||
            iv.as_array()[1].as_string().size() > 10) {
          in.fail(field + "[" + std::to_string(i) + "]",
                  "must be a pair of times [\"HH:MM\", \"HH:MM\"]");
          spec.hours[day].push_back({"00:00", "00:01"});  // keeps the next indices right
          continue;
        }
        spec.hours[day].push_back(
            {std::string(iv.as_array()[0].as_string()), std::string(iv.as_array()[1].as_string())});
      }
    }
  }
  if (const auto* holidays = in.array("holidays")) {
    spec.holidays.clear();
    if (holidays->size() > domain::kMaxHolidays)
      in.fail("holidays", "has more than " + std::to_string(domain::kMaxHolidays) + " entries");
    for (std::size_t i = 0; i < holidays->size() && i < domain::kMaxHolidays; ++i) {
      const std::string key = "holidays[" + std::to_string(i) + "]";
      const auto& item = (*holidays)[i];
      if (!item.is_object()) {
        in.fail(key, "must be an object with a date");
        spec.holidays.push_back({"2000-01-01", false, std::nullopt, std::nullopt, ""});
        continue;
      }
      domain::HolidaySpec h;
      bool ok = true;
      for (const auto& [name, value] : item.as_object()) {
        const std::string field = key + "." + std::string(name);
        auto text = [&](std::size_t max) -> std::optional<std::string> {
          if (!value.is_string() || value.as_string().size() > max) {
            in.fail(field, "must be a string of at most " + std::to_string(max) + " characters");
            ok = false;
            return std::nullopt;
          }
          return std::string(value.as_string());
        };
        if (name == "date") {
          h.date = text(10).value_or("");
        } else if (name == "from") {
          if (!value.is_null()) h.from = text(5);
        } else if (name == "to") {
          if (!value.is_null()) h.to = text(5);
        } else if (name == "name") {
          h.name = text(200).value_or("");
        } else if (name == "yearly") {
          if (!value.is_bool()) {
            in.fail(field, "must be true or false");
            ok = false;
          } else {
            h.yearly = value.as_bool();
          }
        } else {
          in.fail(field, "is not a known field");
          ok = false;
        }
      }
      if (!item.as_object().contains("date")) {
        in.fail(key + ".date", "is required");
        ok = false;
      }
      if (!ok) h = {"2000-01-01", false, std::nullopt, std::nullopt, ""};  // keeps indices
      spec.holidays.push_back(std::move(h));
    }
  }
}

}  // namespace hd::api
