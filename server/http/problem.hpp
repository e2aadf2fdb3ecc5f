#pragma once

#include <boost/json/object.hpp>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "http/types.hpp"

namespace hd::http {

/// The one error a handler throws to answer a client error (or a deliberate 5xx such as 503).
/// The router turns it into application/problem+json (RFC 9457). `detail` is shown to the
/// client, so it must say what to fix and never carry internals.
struct Problem : std::exception {
  unsigned status;
  std::string code;           ///< stable, machine-readable: "not_found", "illegal_transition", ...
  std::string detail;         ///< human-readable
  boost::json::object extra;  ///< more members, e.g. "allowed" or "errors"
  std::vector<std::pair<std::string, std::string>> headers;  ///< e.g. Retry-After

  Problem(unsigned http_status, std::string error_code, std::string message,
          boost::json::object members = {})
      : status(http_status),
        code(std::move(error_code)),
        detail(std::move(message)),
        extra(std::move(members)) {}
  const char* what() const noexcept override { return detail.c_str(); }
};

/// Builds the problem+json response for `problem`.
Response problem_response(const Problem& problem, unsigned http_version, bool keep_alive,
                          std::string_view request_id);

/// A JSON response with the given status; the body is serialized here.
Response json_response(const Request& request, beast_http::status status,
                       const boost::json::value& body);
/// The same with `body` already written as JSON text.
Response json_response(const Request& request, beast_http::status status, std::string body);

}  // namespace hd::http
