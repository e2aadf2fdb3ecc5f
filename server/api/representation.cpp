#include "api/representation.hpp"

#include "api/sla_representation.hpp"

#include <boost/json/parse.hpp>

namespace hd::api {
namespace json = boost::json;
using domain::Millis;

namespace {

json::value optional_value(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value optional_time(const std::optional<Millis>& t) {
  return t ? json::value(format_time(*t)) : json::value(nullptr);
}

}  // namespace

void write_time(JsonWriter& out, const std::optional<Millis>& t) {
  if (!t) return out.null();
  char text[kTimeTextSize];
  format_time_into(*t, text);
  out.plain_string({text, kTimeTextSize});
}

void write_time(JsonWriter& out, std::string_view name, const std::optional<Millis>& t) {
  out.key(name);
  write_time(out, t);
}

json::value stored_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value(nullptr) : value;
}

void write_ticket(JsonWriter& out, const store::TicketRecord& t, Millis now,
                  const domain::Calendar& calendar, const domain::SlaTargets* sla_targets) {
  const auto& life = t.life;
  const auto figures = domain::figures_at(life, now, calendar);
  out.begin_object();
  out.number("id", t.id);
  out.string("subject", t.subject);
  out.key("status");
  out.plain_string(domain::to_string(life.status));
  out.key("priority");
  out.plain_string(domain::to_string(t.priority));
  out.key("channel");
  out.plain_string(domain::to_string(t.channel));
  out.key("customer");
  write_customer(out, t.customer);
  out.number("team_id", t.team_id);
  out.number("assignee_id", t.assignee_id);
  out.key("tags");
  out.begin_array();
  for (const auto& tag : t.tags) out.string(tag);
  out.end_array();
  out.number("linked_ticket_id", t.linked_ticket_id);
  out.number("version", t.version);
  write_time(out, "created_at", t.created_at);
  write_time(out, "updated_at", t.updated_at);
  out.key("times");
  out.begin_object();
  write_time(out, "first_response_at", life.first_response_at);
  out.number("first_response_ms", figures.first_response_ms);
  write_time(out, "first_resolved_at", life.first_resolved_at);
  out.number("first_resolution_ms", figures.first_resolution_ms);
  write_time(out, "resolved_at", life.resolved_at);
  out.number("full_resolution_ms", figures.full_resolution_ms);
  out.number("requester_wait_ms", figures.requester_wait_ms);
  out.number("on_hold_ms", figures.on_hold_ms);
  out.number("reopen_count", life.reopen_count);
  out.number("public_reply_count", life.public_reply_count);
  out.boolean("one_touch", figures.one_touch);
  write_time(out, "awaiting_reply_since", life.awaiting_reply_since);
  out.end_object();
  out.key("sla");
  write_ticket_sla(out, t, sla_targets, now);
  out.number("message_count", t.message_count);
  out.end_object();
}

json::object ticket_json(const store::TicketRecord& t, Millis now, const domain::Calendar& calendar,
                         const domain::SlaTargets* sla_targets) {
  JsonWriter out;
  write_ticket(out, t, now, calendar, sla_targets);
  return json::parse(out.take()).as_object();
}

json::object message_json(const store::MessageRecord& m) {
  return {{"id", m.id},
          {"ticket_id", m.ticket_id},
          {"author",
           {{"kind", domain::to_string(m.author_kind)},
            {"id", optional_value(m.author_id)},
            {"name", m.author_name}}},
          {"internal", m.internal},
          {"body", m.body},
          {"created_at", format_time(m.created_at)}};
}

json::object event_json(const store::EventRecord& e) {
  return {{"id", e.id},
          {"ticket_id", e.ticket_id},
          {"type", domain::to_string(e.type)},
          {"actor",
           {{"kind", domain::to_string(e.actor_kind)}, {"id", optional_value(e.actor_user_id)}}},
          {"at", format_time(e.at)},
          {"data", stored_json(e.data)}};
}

json::object user_json(const store::UserRecord& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"role", domain::to_string(u.role)},
          {"team_id", optional_value(u.team_id)},
          {"active", u.active},
          {"created_at", format_time(u.created_at)}};
}

json::object team_json(const store::TeamRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"active", t.active},
          {"created_at", format_time(t.created_at)}};
}

void write_customer(JsonWriter& out, const store::CustomerRecord& c) {
  out.begin_object();
  out.number("id", c.id);
  out.string("email", c.email);
  out.string("name", c.name);
  out.string("organization", c.organization);
  out.boolean("surveys_opt_out", c.surveys_opt_out);
  write_time(out, "created_at", c.created_at);
  out.end_object();
}

json::object customer_json(const store::CustomerRecord& c) {
  JsonWriter out;
  write_customer(out, c);
  return json::parse(out.take()).as_object();
}

json::value bouncing_json(const std::optional<store::Bouncing>& bouncing) {
  if (!bouncing) return nullptr;
  return json::object{{"since", format_time(bouncing->since)}, {"reason", bouncing->reason}};
}

json::object token_json(const store::TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", domain::to_string(t.role)},
          {"created_by", t.created_by},
          {"created_at", format_time(t.created_at)},
          {"revoked_at", optional_time(t.revoked_at)}};
}

}  // namespace hd::api
