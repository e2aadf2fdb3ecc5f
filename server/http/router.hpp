#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace hd::http {

/// A new request id: a per-process random prefix and a counter, so unique and cheap.
/// Thread-safe.
std::string next_request_id();

/// Maps method + path pattern to a handler; gives every request an id, reports every answer to
/// an observer (access log, metrics) and turns errors into problem+json.
/// Thread contract: routes are added before serving starts; dispatch() is then safe from any
/// thread.
class Router {
 public:
  using Observer = std::function<void(const Completed&)>;

  /// Adds a route. `pattern` is a path whose `{name}` segments match any one segment.
  void add(beast_http::verb method, std::string pattern, Handler handler);

  /// Serves every GET and HEAD under `prefix` (which starts and ends with '/') that no route
  /// matches with `handler`; the path without its trailing slash is redirected to `prefix`.
  /// Other methods there get 405. At most one mount.
  void mount(std::string prefix, Handler handler);

  /// Called once per answered request, on the session's thread.
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  /// Every route as "METHOD /pattern", in the order added.
  std::vector<std::string> describe() const;

  /// Finds the handler, runs it, and answers: 404 for an unknown path, 405 with `Allow` for a
  /// known path with another method, problem+json for a thrown Problem, and a logged 500 without
  /// internals for anything else.
  /// `keep_stream`, when given, is where a streaming handler leaves its continuation.
  boost::asio::awaitable<Response> dispatch(Request request, std::string remote_address,
                                            StreamContinuation* keep_stream = nullptr) const;

  /// Called with the request id and message of an unexpected exception (answered 500).
  std::function<void(std::string_view request_id, std::string_view what)> on_unexpected;

 private:
  struct Route {
    beast_http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::string mount_prefix_;
  Handler mount_handler_;
  Observer observer_;
};

}  // namespace hd::http
