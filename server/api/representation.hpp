#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "domain/calendar.hpp"
#include "domain/refusal.hpp"
#include "http/problem.hpp"
#include "store/auth_store.hpp"
#include "store/records.hpp"

namespace hd::api {

// The JSON shapes of docs/API.md, in one place.

/// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T16:21:47.123Z.
std::string format_time(domain::Millis t);
/// Parses RFC 3339 (Z or an offset); nullopt when the text is not one.
std::optional<domain::Millis> parse_time(std::string_view text);

/// `storage` lets a list build all its tickets in one arena (see list_tickets).
boost::json::object ticket_json(const store::TicketRecord& t, domain::Millis now,
                                const domain::Calendar& calendar,
                                boost::json::storage_ptr storage = {});
boost::json::object message_json(const store::MessageRecord& m);
boost::json::object event_json(const store::EventRecord& e);
boost::json::object user_json(const store::UserRecord& u);
boost::json::object team_json(const store::TeamRecord& t);
boost::json::object customer_json(const store::CustomerRecord& c,
                                  boost::json::storage_ptr storage = {});
boost::json::object token_json(const store::TokenRecord& t);

/// The one mapping of an expected refusal to its HTTP answer.
http::Problem to_problem(const domain::Refusal& refusal);

/// A path parameter `{id}` as a positive id; anything else is a 404 (no such resource).
store::Id path_id(const http::Context& ctx);

}  // namespace hd::api
