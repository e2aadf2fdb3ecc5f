#pragma once

#include <boost/json/object.hpp>

#include "api/json_input.hpp"
#include "api/json_writer.hpp"
#include "domain/business_calendar.hpp"
#include "domain/sla_policy.hpp"
#include "store/records.hpp"
#include "store/sla_store.hpp"

namespace hd::api {

// The JSON shapes of calendars, SLA policies and a ticket's SLA state (docs/API.md, "SLA").

boost::json::object calendar_json(const store::CalendarRecord& c);
boost::json::object policy_json(const store::PolicyRecord& p);
/// The ticket's `sla` object: policy, each target's minutes, due time, state and outcome.
/// `targets` are those of the ticket's policy (null when it has none).
void write_ticket_sla(JsonWriter& out, const store::TicketRecord& t,
                      const domain::SlaTargets* targets, domain::Millis now);
boost::json::object ticket_sla_json(const store::TicketRecord& t, const domain::SlaTargets* targets,
                                    domain::Millis now);

/// Reads `hours` and `holidays` of a calendar body into `spec` (absent ones stay as they are),
/// reporting type errors through `in`.
void read_calendar_parts(JsonInput& in, domain::CalendarSpec& spec);

}  // namespace hd::api
