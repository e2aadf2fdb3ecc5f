#pragma once

#include "api/services.hpp"
#include "http/router.hpp"

namespace hd::api {

/// Registers every route of API v1 and the operational endpoints.
void add_routes(http::Router& router, Services& services);

void add_system_routes(http::Router& router, Services& services);
void add_session_routes(http::Router& router, Services& services);
void add_ticket_routes(http::Router& router, Services& services);
void add_people_routes(http::Router& router, Services& services);
void add_survey_routes(http::Router& router, Services& services);
void add_portal_routes(http::Router& router, Services& services);
void add_job_routes(http::Router& router, Services& services);
void add_event_routes(http::Router& router, Services& services);
void add_workspace_routes(http::Router& router, Services& services);
void add_calendar_routes(http::Router& router, Services& services);
void add_sla_policy_routes(http::Router& router, Services& services);
void add_ticket_sla_routes(http::Router& router, Services& services);
void add_mail_routes(http::Router& router, Services& services);
void add_kpi_routes(http::Router& router, Services& services);
void add_history_routes(http::Router& router, Services& services);
void add_review_routes(http::Router& router, Services& services);
void add_customer_risk_routes(http::Router& router, Services& services);
void add_recognition_routes(http::Router& router, Services& services);

}  // namespace hd::api
