#include "store/history_export.hpp"

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>
#include <map>

#include "domain/clock.hpp"
#include "store/records.hpp"
#include "store/sql_values.hpp"

namespace hd::store::history {
namespace {
namespace json = boost::json;

constexpr const char* kTickets =
    "SELECT t.id, t.external_id, t.subject, t.priority, t.channel, t.created_at, c.email, c.name, "
    "c.organization, tm.name, (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM "
    "ticket_tags WHERE ticket_id = t.id ORDER BY tag)) FROM tickets t "
    "JOIN customers c ON c.id = t.customer_id LEFT JOIN teams tm ON tm.id = t.team_id "
    "WHERE t.id > ? ORDER BY t.id LIMIT 1000";
constexpr const char* kEvents =
    "SELECT e.ticket_id, e.type, e.actor_kind, u.email, e.at, e.data, m.body, m.internal, "
    "m.author_kind, mu.email, au.email FROM ticket_events e "
    "LEFT JOIN users u ON u.id = e.actor_user_id "
    "LEFT JOIN messages m ON e.type = 'message' AND m.id = json_extract(e.data, '$.message_id') "
    "LEFT JOIN users mu ON mu.id = m.author_user_id "
    "LEFT JOIN users au ON e.type = 'assigned' AND au.id = json_extract(e.data, '$.assignee_id') "
    "WHERE e.ticket_id BETWEEN ? AND ? ORDER BY e.ticket_id, e.id";

std::string iso(domain::Millis t) {
  // RFC 3339 UTC with milliseconds, computed without the api layer's formatter.
  using namespace std::chrono;
  const auto tp = sys_time<milliseconds>{milliseconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  std::string s(buf);
  const auto ms = hms.subseconds().count();
  if (ms) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(ms));
    s.insert(s.size() - 1, frac);
  }
  return s;
}

struct Ticket {
  json::object head;
  json::array events;
  bool after_answer = false;  ///< the last event was a survey answer: its move is implied
};

}  // namespace

long export_history(Connection& db, const std::function<void(std::string_view)>& line) {
  long written = 0;
  Id after = 0;
  for (;;) {
    std::map<Id, Ticket> tickets;
    auto& t = db.statement(kTickets);
    t.bind(1, after);
    while (t.executeStep()) {
      const Id id = t.getColumn(0).getInt64();
      json::object head;
      head["external_id"] =
          t.getColumn(1).isNull() ? "helpdesk-" + std::to_string(id) : t.getColumn(1).getString();
      head["subject"] = t.getColumn(2).getString();
      json::object customer{{"email", t.getColumn(6).getString()},
                            {"name", t.getColumn(7).getString()}};
      if (const std::string org = t.getColumn(8).getString(); !org.empty())
        customer["organization"] = org;
      head["customer"] = std::move(customer);
      head["priority"] = t.getColumn(3).getString();
      head["channel"] = t.getColumn(4).getString();
      if (!t.getColumn(9).isNull()) head["team"] = t.getColumn(9).getString();
      json::array tags;
      const std::string joined = t.getColumn(10).isNull() ? "" : t.getColumn(10).getString();
      for (std::size_t start = 0; start < joined.size();) {
        const auto end = std::min(joined.find('\x1f', start), joined.size());
        tags.emplace_back(joined.substr(start, end - start));
        start = end + 1;
      }
      if (!tags.empty()) head["tags"] = std::move(tags);
      head["created_at"] = iso(t.getColumn(5).getInt64());
      tickets[id].head = std::move(head);
    }
    t.reset();
    if (tickets.empty()) break;
    auto& e = db.statement(kEvents);
    e.bind(1, tickets.begin()->first);
    e.bind(2, tickets.rbegin()->first);
    while (e.executeStep()) {
      auto it = tickets.find(e.getColumn(0).getInt64());
      if (it == tickets.end()) continue;
      Ticket& ticket = it->second;
      const std::string type = e.getColumn(1).getString();
      const std::string actor = e.getColumn(2).getString();
      const std::string actor_email = e.getColumn(3).isNull() ? "" : e.getColumn(3).getString();
      const std::string at = iso(e.getColumn(4).getInt64());
      const json::object data = json::parse(e.getColumn(5).getString()).as_object();
      const bool after_answer = std::exchange(ticket.after_answer, false);
      if (type == "message") {
        if (e.getColumn(6).isNull()) continue;
        const std::string author_kind = e.getColumn(8).getString();
        if (author_kind == "system") continue;  // automatic messages are not history
        json::object m{{"at", at},
                       {"type", "message"},
                       {"author", author_kind == "customer" ? std::string("customer")
                                                            : e.getColumn(9).getString()},
                       {"body", e.getColumn(6).getString()}};
        if (e.getColumn(7).getInt()) m["internal"] = true;
        ticket.events.push_back(std::move(m));
      } else if (type == "assigned") {
        ticket.events.push_back(json::object{
            {"at", at},
            {"type", "assign"},
            {"agent",
             e.getColumn(10).isNull() ? json::value() : json::value(e.getColumn(10).getString())}});
      } else if (type == "survey_answered") {
        json::object a{{"at", at}, {"type", "survey_answer"}};
        for (const char* k : {"csat", "nps", "ces", "resolved", "comment"})
          if (const auto* v = data.if_contains(k)) a[k] = *v;
        ticket.events.push_back(std::move(a));
        ticket.after_answer = true;
      } else if (type == "status") {
        const std::string from(data.at("from").as_string()), to(data.at("to").as_string());
        const auto* cause = data.if_contains("cause");
        if (cause && cause->as_string() == "customer_message") continue;  // the message moved it
        if (actor == "system" && after_answer) {
          // The answer moved it: say so when the move differs from what "resolved" implies.
          auto& answer = ticket.events.back().as_object();
          const bool resolved = answer.if_contains("resolved") && answer.at("resolved").as_bool();
          if ((to == "open") != !resolved) answer["reopen"] = to == "open";
          continue;
        }
        if (actor == "system" && from == "resolved" && to == "follow_up") {
          ticket.events.push_back(json::object{{"at", at}, {"type", "survey_sent"}});
          continue;
        }
        ticket.events.push_back(
            json::object{{"at", at},
                         {"type", "status"},
                         {"to", to},
                         {"by", actor == "system" ? std::string("system") : actor_email}});
      }
    }
    e.reset();
    for (auto& [id, ticket] : tickets) {
      ticket.head["events"] = std::move(ticket.events);
      line(json::serialize(ticket.head));
      ++written;
      after = id;
    }
  }
  return written;
}

}  // namespace hd::store::history
