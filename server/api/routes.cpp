#include "api/routes.hpp"

namespace hd::api {

void add_routes(http::Router& router, Services& services) {
  add_system_routes(router, services);
  add_session_routes(router, services);
  add_ticket_routes(router, services);
  add_people_routes(router, services);
  add_survey_routes(router, services);
  add_portal_routes(router, services);
  add_job_routes(router, services);
}

}  // namespace hd::api
