#include "store/events.hpp"

#include <SQLiteCpp/Statement.h>

#include <boost/json/serialize.hpp>

#include "store/sql_values.hpp"

namespace hd::store {
namespace {

constexpr const char* kInsertEvent =
    "INSERT INTO ticket_events(ticket_id, type, actor_kind, actor_user_id, at, data) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kListEvents =
    "SELECT id, ticket_id, type, actor_kind, actor_user_id, at, data FROM ticket_events "
    "WHERE ticket_id = ? ORDER BY id";

}  // namespace

void append_event(Tx& tx, Id ticket_id, domain::EventType type, const Actor& actor, Millis at,
                  const boost::json::object& data) {
  auto& s = tx.connection().statement(kInsertEvent);
  s.bind(1, ticket_id);
  bind_text(s, 2, domain::to_string(type));
  bind_text(s, 3, domain::to_string(actor.kind));
  bind_optional(s, 4, actor.user_id);
  s.bind(5, at);
  s.bind(6, boost::json::serialize(data));
  s.exec();
}

EventRecord read_event(SQLite::Statement& s) {
  EventRecord e;
  e.id = s.getColumn(0).getInt64();
  e.ticket_id = s.getColumn(1).getInt64();
  e.type = *domain::parse_event_type(s.getColumn(2).getString());
  e.actor_kind = *domain::parse_actor_kind(s.getColumn(3).getString());
  e.actor_user_id = optional_id(s.getColumn(4));
  e.at = s.getColumn(5).getInt64();
  e.data = s.getColumn(6).getString();
  return e;
}

std::vector<EventRecord> list_events(Connection& db, Id ticket_id) {
  auto& s = db.statement(kListEvents);
  s.bind(1, ticket_id);
  std::vector<EventRecord> events;
  while (s.executeStep()) events.push_back(read_event(s));
  return events;
}

}  // namespace hd::store
