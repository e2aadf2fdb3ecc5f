#include "http/router.hpp"

#include <atomic>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdio>
#include <random>

#include "http/problem.hpp"

namespace hd::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches decoded path segments against a pattern, collecting `{name}` values.
bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::vector<std::pair<std::string, std::string>>& params) {
  if (pattern.size() != path.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_param(pattern[i])) {
      if (path[i].empty()) return false;
      params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2), path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string next_request_id() {
  static const std::uint32_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%08x-%012llx", prefix,
                static_cast<unsigned long long>(counter.fetch_add(1) + 1));
  return buffer;
}

const std::string& Context::param(std::string_view name) const {
  for (const auto& [key, value] : path_params)
    if (key == name) return value;
  throw std::logic_error("route has no parameter " + std::string(name));
}

void Router::add(beast_http::verb method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back({method, std::move(pattern), std::move(segments), std::move(handler)});
}

void Router::mount(std::string prefix, Handler handler) {
  mount_prefix_ = std::move(prefix);
  mount_handler_ = std::move(handler);
}

std::vector<std::string> Router::describe() const {
  std::vector<std::string> lines;
  for (const auto& route : routes_)
    lines.push_back(std::string(beast_http::to_string(route.method)) + " " + route.pattern);
  return lines;
}

boost::asio::awaitable<Response> Router::dispatch(Request request, std::string remote_address,
                                                  StreamContinuation* keep_stream) const {
  const auto started = std::chrono::steady_clock::now();
  Context ctx;
  const std::string request_id = next_request_id();
  ctx.request_id = request_id;
  ctx.remote_address = remote_address;
  ctx.keep_stream = keep_stream;
  std::string_view route_label = "unmatched";
  const Route* found = nullptr;
  std::string allow;

  // The request moves into the handler's context; keep what the answer needs from it.
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  const beast_http::verb method = request.method();

  Response response;
  try {
    auto parsed = boost::urls::parse_origin_form(request.target());
    if (!parsed) throw Problem(400, "bad_target", "The request target is not a valid path.");
    ctx.url = *parsed;
    std::vector<std::string> path;
    for (auto segment : ctx.url.segments()) path.push_back(segment);
    if (ctx.url.path() == "/") path = {""};
    // HEAD is answered on every GET route: the GET handler runs and the session sends only
    // the headers (RFC 9110 §9.3.2). A route of its own for HEAD would take precedence.
    const Route* get_route = nullptr;
    std::vector<std::pair<std::string, std::string>> get_params;
    for (const auto& route : routes_) {
      if (!match(route.segments, path, ctx.path_params)) continue;
      if (route.method == method) {
        found = &route;
        break;
      }
      if (method == beast_http::verb::head && route.method == beast_http::verb::get && !get_route) {
        get_route = &route;
        get_params = ctx.path_params;
      }
      if (!allow.empty()) allow += ", ";
      allow += beast_http::to_string(route.method);
      if (route.method == beast_http::verb::get) allow += ", HEAD";
    }
    if (!found && get_route) {
      found = get_route;
      ctx.path_params = std::move(get_params);
    }
    if (!found && allow.empty() && mount_handler_) {
      const std::string_view target_path = ctx.url.encoded_path();
      const std::string_view bare =
          std::string_view(mount_prefix_).substr(0, mount_prefix_.size() - 1);
      const bool get_or_head = method == beast_http::verb::get || method == beast_http::verb::head;
      if (target_path == bare && get_or_head) {
        response = Response{beast_http::status::permanent_redirect, version};
        response.set(beast_http::field::location, mount_prefix_);
        response.keep_alive(keep_alive);
        response.prepare_payload();
        route_label = "mount";
      } else if (target_path.starts_with(mount_prefix_)) {
        if (!get_or_head) throw Problem(405, "method_not_allowed", "This path allows: GET, HEAD.");
        route_label = mount_prefix_;
        ctx.request = std::move(request);
        response = co_await mount_handler_(std::move(ctx));
      } else {
        throw Problem(404, "not_found", "No resource at this path.");
      }
    } else if (!found && allow.empty()) {
      throw Problem(404, "not_found", "No resource at this path.");
    } else {
      if (!found) throw Problem(405, "method_not_allowed", "This path allows: " + allow + ".");
      route_label = found->pattern;
      ctx.request = std::move(request);
      response = co_await found->handler(std::move(ctx));
    }
  } catch (const Problem& problem) {
    response = problem_response(problem, version, keep_alive, request_id);
    if (problem.status == 405)
      response.set(beast_http::field::allow, allow.empty() ? "GET, HEAD" : allow);
  } catch (const std::exception& e) {
    if (on_unexpected) on_unexpected(request_id, e.what());
    response = problem_response(Problem(500, "internal", "Something went wrong on our side."),
                                version, keep_alive, request_id);
  }
  response.set("X-Request-Id", request_id);
  if (observer_) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    observer_(Completed{request_id, beast_http::to_string(method), route_label,
                        response.result_int(), response.body().size(), elapsed, remote_address});
  }
  co_return response;
}

}  // namespace hd::http
