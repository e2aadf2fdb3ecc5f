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

json::value stored_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value(nullptr) : value;
}

json::object ticket_json(const store::TicketRecord& t, Millis now, const domain::Calendar& calendar,
                         json::storage_ptr storage, const domain::SlaTargets* sla_targets) {
  const auto& life = t.life;
  const auto figures = domain::figures_at(life, now, calendar);
  json::array tags(t.tags.begin(), t.tags.end(), storage);
  return json::object(
      {
          {"id", t.id},
          {"subject", t.subject},
          {"status", domain::to_string(life.status)},
          {"priority", domain::to_string(t.priority)},
          {"channel", domain::to_string(t.channel)},
          {"customer", customer_json(t.customer, storage)},
          {"team_id", optional_value(t.team_id)},
          {"assignee_id", optional_value(t.assignee_id)},
          {"tags", std::move(tags)},
          {"linked_ticket_id", optional_value(t.linked_ticket_id)},
          {"version", t.version},
          {"created_at", format_time(t.created_at)},
          {"updated_at", format_time(t.updated_at)},
          {"times",
           {{"first_response_at", optional_time(life.first_response_at)},
            {"first_response_ms", optional_value(figures.first_response_ms)},
            {"first_resolved_at", optional_time(life.first_resolved_at)},
            {"first_resolution_ms", optional_value(figures.first_resolution_ms)},
            {"resolved_at", optional_time(life.resolved_at)},
            {"full_resolution_ms", optional_value(figures.full_resolution_ms)},
            {"requester_wait_ms", figures.requester_wait_ms},
            {"on_hold_ms", figures.on_hold_ms},
            {"reopen_count", life.reopen_count},
            {"public_reply_count", life.public_reply_count},
            {"one_touch", figures.one_touch},
            {"awaiting_reply_since", optional_time(life.awaiting_reply_since)}}},
          {"sla", ticket_sla_json(t, sla_targets, now, storage)},
          {"message_count", t.message_count},
      },
      storage);
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

json::object customer_json(const store::CustomerRecord& c, json::storage_ptr storage) {
  return json::object({{"id", c.id},
                       {"email", c.email},
                       {"name", c.name},
                       {"organization", c.organization},
                       {"surveys_opt_out", c.surveys_opt_out},
                       {"created_at", format_time(c.created_at)}},
                      storage);
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
