#include "api/routes.hpp"

namespace hd::api {

void add_routes(http::Router& router, Services& services) {
  add_system_routes(router, services);
  add_session_routes(router, services);
  add_ticket_routes(router, services);
  // Before people: /customers/at-risk must not be read as /customers/{id}.
  add_customer_risk_routes(router, services);
  add_people_routes(router, services);
  add_survey_routes(router, services);
  add_portal_routes(router, services);
  add_job_routes(router, services);
  add_event_routes(router, services);
  add_workspace_routes(router, services);
  add_calendar_routes(router, services);
  add_sla_policy_routes(router, services);
  add_ticket_sla_routes(router, services);
  add_mail_routes(router, services);
  add_kpi_routes(router, services);
  add_history_routes(router, services);
  add_review_routes(router, services);
  add_recognition_routes(router, services);
}

}  // namespace hd::api
