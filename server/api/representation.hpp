#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "api/json_writer.hpp"
#include "api/time_format.hpp"
#include "domain/calendar.hpp"
#include "domain/sla_policy.hpp"
#include "store/auth_store.hpp"
#include "store/people.hpp"
#include "store/records.hpp"

namespace hd::api {

// The JSON shapes of docs/API.md, in one place (times as time_format.hpp writes them).

/// JSON text the server stored earlier (event data, job payloads); null if it can't be read,
/// so that one bad row never makes a whole list fail.
boost::json::value stored_json(std::string_view text);

/// A time as format_time() writes it, or null.
void write_time(JsonWriter& out, const std::optional<domain::Millis>& t);
/// The member `name` with such a time.
void write_time(JsonWriter& out, std::string_view name, const std::optional<domain::Millis>& t);

/// A ticket, its customer, times and SLA state. Written as text (see JsonWriter); ticket_json()
/// reads that text back for the answers that embed a ticket in a larger object.
void write_ticket(JsonWriter& out, const store::TicketRecord& t, domain::Millis now,
                  const domain::Calendar& calendar, const domain::SlaTargets* sla_targets);
boost::json::object ticket_json(const store::TicketRecord& t, domain::Millis now,
                                const domain::Calendar& calendar,
                                const domain::SlaTargets* sla_targets = nullptr);
boost::json::object message_json(const store::MessageRecord& m);
boost::json::object event_json(const store::EventRecord& e);
boost::json::object user_json(const store::UserRecord& u);
boost::json::object team_json(const store::TeamRecord& t);
// A customer address that bounces, `{"since", "reason"}`, or null when mail reaches it.
boost::json::value bouncing_json(const std::optional<store::Bouncing>& bouncing);
void write_customer(JsonWriter& out, const store::CustomerRecord& c);
boost::json::object customer_json(const store::CustomerRecord& c);
boost::json::object token_json(const store::TokenRecord& t);

}  // namespace hd::api
