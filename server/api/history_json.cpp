#include "api/history_json.hpp"

#include <boost/json/parse.hpp>

#include "api/json_input.hpp"
#include "api/representation.hpp"

namespace hd::api::history {
namespace {
namespace json = boost::json;
using domain::history::Event;

struct Refuse {
  std::string field, message;
};

const json::value* member(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

std::string text(const json::object& o, std::string_view key, const std::string& path,
                 std::size_t max, bool required) {
  const auto* v = member(o, key);
  if (!v || v->is_null()) {
    if (required) throw Refuse{path + std::string(key), "is required"};
    return {};
  }
  if (!v->is_string()) throw Refuse{path + std::string(key), "must be a string"};
  std::string s(v->as_string());
  if (char_count(s) > max)
    throw Refuse{path + std::string(key), "must be at most " + std::to_string(max) + " characters"};
  if (required && s.empty()) throw Refuse{path + std::string(key), "must not be empty"};
  return s;
}

domain::Millis instant(const json::object& o, std::string_view key, const std::string& path) {
  const std::string s = text(o, key, path, 64, true);
  const auto t = parse_time(s);
  if (!t)
    throw Refuse{path + std::string(key), "must be an RFC 3339 time such as 2026-03-02T09:14:05Z"};
  return *t;
}

std::optional<int> small_int(const json::object& o, std::string_view key, const std::string& path,
                             int lo, int hi, bool required) {
  const auto* v = member(o, key);
  if (!v || v->is_null()) {
    if (required) throw Refuse{path + std::string(key), "is required"};
    return std::nullopt;
  }
  if (!v->is_int64() && !v->is_uint64())
    throw Refuse{path + std::string(key), "must be a whole number"};
  const auto n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  if (n < lo || n > hi)
    throw Refuse{path + std::string(key),
                 "must be from " + std::to_string(lo) + " to " + std::to_string(hi)};
  return static_cast<int>(n);
}

std::optional<bool> flag(const json::object& o, std::string_view key, const std::string& path) {
  const auto* v = member(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) throw Refuse{path + std::string(key), "must be true or false"};
  return v->as_bool();
}

void only(const json::object& o, std::initializer_list<std::string_view> known,
          const std::string& path) {
  for (const auto& [key, value] : o)
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      throw Refuse{path + std::string(key), "is not a known field"};
}

// "customer", "system" or an agent's email.
void person(const json::object& o, std::string_view key, const std::string& path,
            store::history::Directory& people, Event& e, bool system_allowed) {
  const std::string who = text(o, key, path, 254, true);
  if (who == "customer") {
    e.actor = domain::ActorKind::customer;
  } else if (who == "system" && system_allowed) {
    e.actor = domain::ActorKind::system;
  } else if (looks_like_email(who)) {
    e.actor = domain::ActorKind::agent;
    e.agent_id = people.agent(who);
  } else {
    throw Refuse{path + std::string(key), system_allowed
                                              ? "must be customer, system or an agent's email"
                                              : "must be customer or an agent's email"};
  }
}

void parse_event(const json::object& o, const std::string& path, store::history::Directory& people,
                 store::history::ImportTicket& t) {
  Event e;
  e.at = instant(o, "at", path);
  const std::string type = text(o, "type", path, 20, true);
  std::string body, comment;
  if (type == "message") {
    only(o, {"at", "type", "author", "body", "internal"}, path);
    e.type = Event::Type::message;
    person(o, "author", path, people, e, false);
    body = text(o, "body", path, 100'000, false);
    e.internal = flag(o, "internal", path).value_or(false);
    if (e.internal && e.actor != domain::ActorKind::agent)
      throw Refuse{path + "internal", "only an agent's message can be internal"};
  } else if (type == "assign") {
    only(o, {"at", "type", "agent"}, path);
    e.type = Event::Type::assign;
    const auto* agent = member(o, "agent");
    if (agent && !agent->is_null()) {
      person(o, "agent", path, people, e, false);
      if (e.actor != domain::ActorKind::agent)
        throw Refuse{path + "agent", "must be an agent's email (or null to unassign)"};
    }
  } else if (type == "status") {
    only(o, {"at", "type", "to", "by"}, path);
    e.type = Event::Type::status;
    const auto to = domain::parse_status(text(o, "to", path, 20, true));
    if (!to) throw Refuse{path + "to", "must be open, pending, resolved, follow_up or closed"};
    e.to = *to;
    person(o, "by", path, people, e, true);
    if (e.actor == domain::ActorKind::customer)
      throw Refuse{path + "by",
                   "must be an agent's email or system (a customer moves a ticket "
                   "by writing a message)"};
  } else if (type == "survey_sent") {
    only(o, {"at", "type"}, path);
    e.type = Event::Type::survey_sent;
  } else if (type == "survey_answer") {
    only(o, {"at", "type", "csat", "nps", "ces", "resolved", "reopen", "comment"}, path);
    e.type = Event::Type::survey_answer;
    e.csat = *small_int(o, "csat", path, 1, 5, true);
    e.nps = small_int(o, "nps", path, 0, 10, false);
    e.ces = small_int(o, "ces", path, 1, 7, false);
    const auto resolved = flag(o, "resolved", path);
    if (!resolved) throw Refuse{path + "resolved", "is required: true or false"};
    e.resolved = *resolved;
    e.reopen = flag(o, "reopen", path);
    comment = text(o, "comment", path, 5000, false);
  } else {
    throw Refuse{path + "type", "must be message, assign, status, survey_sent or survey_answer"};
  }
  t.events.push_back(e);
  t.bodies.push_back(std::move(body));
  t.comments.push_back(std::move(comment));
}

}  // namespace

std::optional<LineError> parse_ticket(std::string_view line_text, int line,
                                      store::history::Directory& people,
                                      const domain::Calendar& business,
                                      store::history::ImportTicket& t) {
  t = {};
  t.line = line;
  boost::system::error_code ec;
  const json::value root = json::parse(line_text, ec);
  if (ec) return LineError{line, "", "is not valid JSON (" + ec.message() + ")"};
  if (!root.is_object()) return LineError{line, "", "must be a JSON object"};
  const auto& o = root.as_object();
  try {
    only(o,
         {"external_id", "subject", "customer", "priority", "channel", "team", "tags", "created_at",
          "events"},
         "");
    t.external_id = text(o, "external_id", "", 200, false);
    t.subject = text(o, "subject", "", 200, true);
    const auto* customer = member(o, "customer");
    if (!customer || !customer->is_object())
      throw Refuse{"customer", "is required: an object with email, name, organization"};
    const auto& c = customer->as_object();
    only(c, {"email", "name", "organization"}, "customer.");
    t.customer_email = text(c, "email", "customer.", 254, true);
    if (!looks_like_email(t.customer_email))
      throw Refuse{"customer.email", "must be an email address"};
    t.customer_name = text(c, "name", "customer.", 200, false);
    t.organization = text(c, "organization", "customer.", 200, false);
    const auto priority = domain::parse_priority(text(o, "priority", "", 20, true));
    if (!priority) throw Refuse{"priority", "must be low, normal, high or urgent"};
    t.priority = *priority;
    const auto channel = domain::parse_channel(text(o, "channel", "", 20, true));
    if (!channel) throw Refuse{"channel", "must be email, web, phone, chat or api"};
    t.channel = *channel;
    if (const std::string team = text(o, "team", "", 100, false); !team.empty())
      t.team = people.team(team);
    if (const auto* tags = member(o, "tags"); tags && !tags->is_null()) {
      if (!tags->is_array()) throw Refuse{"tags", "must be an array of strings"};
      for (std::size_t i = 0; i < tags->as_array().size(); ++i) {
        const auto& tag = tags->as_array()[i];
        const std::string field = "tags[" + std::to_string(i) + "]";
        if (!tag.is_string() || tag.as_string().empty() || tag.as_string().size() > 64 ||
            tag.as_string().find('\x1f') != json::string::npos)
          throw Refuse{field, "must be a tag of 1 to 64 characters"};
        t.tags.emplace_back(tag.as_string());
      }
      std::sort(t.tags.begin(), t.tags.end());
      t.tags.erase(std::unique(t.tags.begin(), t.tags.end()), t.tags.end());
    }
    t.created_at = instant(o, "created_at", "");
    const auto* events = member(o, "events");
    if (!events || !events->is_array()) throw Refuse{"events", "is required: an array"};
    for (std::size_t i = 0; i < events->as_array().size(); ++i) {
      const auto& e = events->as_array()[i];
      const std::string path = "events[" + std::to_string(i) + "].";
      if (!e.is_object()) throw Refuse{"events[" + std::to_string(i) + "]", "must be an object"};
      parse_event(e.as_object(), path, people, t);
    }
  } catch (const Refuse& r) {
    return LineError{line, r.field, r.message};
  }
  auto replayed = domain::history::replay(t.created_at, t.events, business);
  if (replayed.refused) {
    const auto& r = *replayed.refused;
    const std::string field =
        r.event_index ? "events[" + std::to_string(*r.event_index) + "]." + r.field : r.field;
    return LineError{line, field, r.message};
  }
  t.replayed = std::move(*replayed.ticket);
  return std::nullopt;
}

}  // namespace hd::api::history
