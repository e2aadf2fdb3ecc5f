#pragma once

#include <SQLiteCpp/Statement.h>
#include <boost/json/object.hpp>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// The owner of `ticket_events`, the append-only history of every ticket: every other module
// records an event through append_event and never writes the table itself.

/// Appends one event of `ticket_id`. Runs on the writer thread, inside the caller's write.
void append_event(Tx& tx, Id ticket_id, domain::EventType type, const Actor& actor, Millis at,
                  const boost::json::object& data);

/// The event in the first seven columns of `s`'s current row, selected in this order:
/// `id, ticket_id, type, actor_kind, actor_user_id, at, data` (as every reader of the table does).
EventRecord read_event(SQLite::Statement& s);

/// The events of a ticket, oldest first. Any connection.
std::vector<EventRecord> list_events(Connection& db, Id ticket_id);

}  // namespace hd::store
