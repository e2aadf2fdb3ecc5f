#include "api/representation.hpp"

#include <date/date.h>

#include <boost/json/parse.hpp>
#include <charconv>
#include <cstdio>
#include <sstream>

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

std::string format_time(Millis t) {
  // date's calendar arithmetic with fixed-width digits written directly: formatting through
  // iostreams or printf made times the largest cost of a ticket list page.
  using namespace std::chrono;
  const date::sys_time<milliseconds> tp{milliseconds{t}};
  const auto day = date::floor<date::days>(tp);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> time{tp - day};
  std::string text = "0000-00-00T00:00:00.000Z";
  auto put = [&text](std::size_t at, long long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, int(ymd.year()), 4);
  put(5, unsigned(ymd.month()), 2);
  put(8, unsigned(ymd.day()), 2);
  put(11, time.hours().count(), 2);
  put(14, time.minutes().count(), 2);
  put(17, time.seconds().count(), 2);
  put(20, time.subseconds().count(), 3);
  return text;
}

std::optional<Millis> parse_time(std::string_view text) {
  for (const char* format : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in{std::string(text)};
    date::sys_time<std::chrono::milliseconds> tp;
    in >> date::parse(format, tp);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof())
      return tp.time_since_epoch().count();
  }
  return std::nullopt;
}

json::object ticket_json(const store::TicketRecord& t, Millis now, const domain::Calendar& calendar,
                         json::storage_ptr storage) {
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
          {"sla",
           {{"policy_id", optional_value(t.sla_policy_id)},
            {"first_response_due_at", optional_time(t.first_response_due_at)},
            {"next_reply_due_at", optional_time(t.next_reply_due_at)},
            {"resolution_due_at", optional_time(t.resolution_due_at)}}},
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
          {"type", e.type},
          {"actor",
           {{"kind", domain::to_string(e.actor_kind)}, {"id", optional_value(e.actor_user_id)}}},
          {"at", format_time(e.at)},
          {"data", json::parse(e.data)}};
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

json::object token_json(const store::TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", domain::to_string(t.role)},
          {"created_by", t.created_by},
          {"created_at", format_time(t.created_at)},
          {"revoked_at", optional_time(t.revoked_at)}};
}

http::Problem to_problem(const domain::Refusal& refusal) {
  using domain::errc;
  json::object extra;
  if (!refusal.field.empty())
    extra["errors"] =
        json::array{json::object{{"field", refusal.field}, {"message", refusal.what()}}};
  switch (refusal.code) {
    case errc::not_found:
      return {404, "not_found", refusal.what()};
    case errc::illegal_transition: {
      json::array allowed;
      for (auto s : refusal.allowed) allowed.emplace_back(domain::to_string(s));
      return {409, "illegal_transition", refusal.what(), {{"allowed", std::move(allowed)}}};
    }
    case errc::conflict:
      return {409, "conflict", refusal.what(), std::move(extra)};
    case errc::version_mismatch:
      return {412, "version_mismatch", refusal.what()};
    case errc::forbidden:
      return {403, "forbidden", refusal.what()};
    case errc::unauthenticated:
      return {401, "unauthenticated", refusal.what()};
    case errc::rate_limited:
      return {429, "too_many_attempts", refusal.what()};
    case errc::gone:
      return {410, "gone", refusal.what()};
    case errc::invalid_argument:
    default:
      return {422, "invalid_request", refusal.what(), std::move(extra)};
  }
}

store::Id path_id(const http::Context& ctx) {
  const std::string& text = ctx.param("id");
  store::Id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    throw http::Problem(404, "not_found", "No resource with id '" + text + "'.");
  return id;
}

}  // namespace hd::api
