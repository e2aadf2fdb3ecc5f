#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/connection.hpp"
#include "store/records.hpp"

namespace hd::store {

/// A ticket event as the live feed sends it: the event, and its ticket as it is now.
struct FeedEvent {
  EventRecord event;
  std::string subject;
  domain::Status status = domain::Status::open;
  domain::Priority priority = domain::Priority::normal;
  std::optional<Id> assignee_id, team_id;
  std::int64_t version = 0;
  Millis updated_at = 0;
};

/// Events with an id above `after`, oldest first, at most `limit`. Event ids grow in commit
/// order (one writer), so a reader never sees a smaller id appear later.
std::vector<FeedEvent> list_events_after(Connection& db, Id after, int limit);

/// The newest event's id (0 when there is none).
Id last_event_id(Connection& db);

}  // namespace hd::store
