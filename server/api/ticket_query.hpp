#pragma once

#include "http/types.hpp"
#include "store/tickets.hpp"

namespace hd::api {

/// The filters of GET /api/v1/tickets from the request's query string (`assignee=me` is
/// `caller`; the `sla` filters are relative to `now`). Throws http::Problem 400 `invalid_query`
/// naming the parameter at fault.
store::TicketQuery parse_ticket_query(const http::Context& ctx, store::Id caller,
                                      domain::Millis now = 0);

}  // namespace hd::api
