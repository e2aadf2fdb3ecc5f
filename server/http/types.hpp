#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hd::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// What a handler leaves in its Context to keep the connection after its response headers
/// (server-sent events): the session writes the headers only, then awaits this with the
/// connection's stream on the connection's strand, and closes the connection when it returns.
using StreamContinuation = std::function<boost::asio::awaitable<void>(boost::beast::tcp_stream&)>;

/// Everything a handler gets for one request. Owned by the handler's coroutine frame.
struct Context {
  Request request;
  boost::urls::url url;  ///< the parsed target: path and query parameters
  std::vector<std::pair<std::string, std::string>> path_params;  ///< from `{name}` segments
  std::string request_id;
  std::string remote_address;
  /// Where a handler may leave a StreamContinuation; null when the caller can't stream (tests).
  StreamContinuation* keep_stream = nullptr;

  /// The value of path parameter `name`; REQUIRES: the route pattern declares it.
  const std::string& param(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(Context)>;

/// What the router reports about each answered request, for the access log and metrics.
struct Completed {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  ///< the pattern, e.g. /api/v1/tickets/{id}: bounded label values
  unsigned status;
  std::size_t bytes;
  std::chrono::microseconds duration;
  std::string_view remote_address;
};

/// Limits of the session (docs/ARCHITECTURE.md): each one configurable.
struct HttpOptions {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds shutdown_grace{10'000};
  /// Paths (exact, without query) whose bodies may be larger than body_limit, with their own
  /// limit: raw mail is bigger than any JSON request.
  std::vector<std::pair<std::string, std::size_t>> body_limit_by_path;
};

}  // namespace hd::http
