#pragma once

#include <vector>

#include "domain/calendar.hpp"
#include "domain/ticket_life.hpp"
#include "store/records.hpp"

namespace hd::store {

/// Rebuilds a ticket's TicketLife from its append-only event log alone, through the same domain
/// functions live writes use. KPIS.md requires every figure to be recomputable from the events;
/// tests compare this with the life stored on the ticket.
/// REQUIRES: `events` are one ticket's, in id order, starting with its "created" event.
domain::TicketLife replay_life(const std::vector<EventRecord>& events,
                               const domain::Calendar& calendar);

}  // namespace hd::store
