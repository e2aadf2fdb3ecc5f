#include "http/problem.hpp"

#include <boost/json/serialize.hpp>

namespace hd::http {

Response problem_response(const Problem& problem, unsigned http_version, bool keep_alive,
                          std::string_view request_id) {
  boost::json::object body = problem.extra;
  body["type"] = "https://helpdesk.dev/problems/" + problem.code;
  body["title"] =
      std::string(beast_http::obsolete_reason(beast_http::int_to_status(problem.status)));
  body["status"] = problem.status;
  body["code"] = problem.code;
  body["detail"] = problem.detail;
  body["request_id"] = request_id;
  Response res{beast_http::int_to_status(problem.status), http_version};
  res.set(beast_http::field::content_type, "application/problem+json");
  res.keep_alive(keep_alive);
  for (const auto& [name, value] : problem.headers) res.set(name, value);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Request& request, beast_http::status status,
                       const boost::json::value& body) {
  return json_response(request, status, boost::json::serialize(body));
}

Response json_response(const Request& request, beast_http::status status, std::string body) {
  Response res{status, request.version()};
  res.set(beast_http::field::content_type, "application/json");
  res.keep_alive(request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace hd::http
