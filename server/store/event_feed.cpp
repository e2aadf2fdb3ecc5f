#include "store/event_feed.hpp"

#include "store/events.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace {

constexpr const char* kEventsAfter =
    "SELECT e.id, e.ticket_id, e.type, e.actor_kind, e.actor_user_id, e.at, e.data, t.subject, "
    "t.status, t.priority, t.assignee_id, t.team_id, t.version, t.updated_at "
    "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
    "WHERE e.id > ? ORDER BY e.id LIMIT ?";

constexpr const char* kLastEventId = "SELECT COALESCE(MAX(id), 0) FROM ticket_events";

}  // namespace

std::vector<FeedEvent> list_events_after(Connection& db, Id after, int limit) {
  auto& s = db.statement(kEventsAfter);
  s.bind(1, after);
  s.bind(2, limit);
  std::vector<FeedEvent> events;
  while (s.executeStep()) {
    FeedEvent f;
    f.event = read_event(s);
    f.subject = s.getColumn(7).getString();
    f.status = *domain::parse_status(s.getColumn(8).getString());
    f.priority = *domain::parse_priority(s.getColumn(9).getString());
    f.assignee_id = optional_id(s.getColumn(10));
    f.team_id = optional_id(s.getColumn(11));
    f.version = s.getColumn(12).getInt64();
    f.updated_at = s.getColumn(13).getInt64();
    events.push_back(std::move(f));
  }
  return events;
}

Id last_event_id(Connection& db) {
  auto& s = db.statement(kLastEventId);
  s.executeStep();
  return s.getColumn(0).getInt64();
}

}  // namespace hd::store
