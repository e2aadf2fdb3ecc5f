// Fuzzes what any client can send: the input's bytes go, over a loopback connection, to a real
// hd::http::Server (Beast's parser with our limits, the session's checks, the router). The
// server must never crash or leak, never answer 500 (its handlers here cannot fail), and
// everything it sends back must be well-formed HTTP/1.x responses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "http/router.hpp"
#include "http/server.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using hd::http::Context;
using hd::http::Response;

asio::awaitable<Response> echo(Context ctx) {
  Response res{bh::status::ok, ctx.request.version()};
  res.set(bh::field::content_type, "text/plain");
  res.body() = ctx.param("id") + " " + std::to_string(ctx.request.body().size()) + " " +
               std::string(ctx.url.encoded_query());
  res.prepare_payload();
  co_return res;
}

asio::awaitable<Response> created(Context ctx) {
  Response res{bh::status::created, ctx.request.version()};
  res.body() = ctx.request.body();
  res.prepare_payload();
  co_return res;
}

/// One server for the whole run, on its own thread; deliberately never destroyed.
struct Fixture {
  asio::io_context ioc{1};
  hd::http::Router router;
  hd::http::Server* server = nullptr;
  sockaddr_in address{};
  std::thread thread;

  Fixture() {
    router.add(bh::verb::get, "/api/v1/things/{id}", echo);
    router.add(bh::verb::patch, "/api/v1/things/{id}", echo);
    router.add(bh::verb::post, "/api/v1/things", created);
    router.add(bh::verb::get, "/", echo_root);
    router.on_unexpected = [](std::string_view, std::string_view what) {
      std::fprintf(stderr, "router: unexpected exception: %.*s\n", static_cast<int>(what.size()),
                   what.data());
      std::abort();
    };
    hd::http::HttpOptions options;
    options.header_limit = 8 * 1024;
    options.body_limit = 64 * 1024;
    options.read_timeout = std::chrono::milliseconds(2000);
    options.idle_timeout = std::chrono::milliseconds(2000);
    options.max_connections = 64;
    server = new hd::http::Server(ioc, router, options, [](std::string_view what) {
      // An exception that escapes a session is a bug.
      std::fprintf(stderr, "server: %.*s\n", static_cast<int>(what.size()), what.data());
      std::abort();
    });
    const auto endpoint = server->listen("127.0.0.1", 0);
    server->start();
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    thread = std::thread([this] { ioc.run(); });
    thread.detach();
  }

  static asio::awaitable<Response> echo_root(Context ctx) {
    Response res{bh::status::ok, ctx.request.version()};
    res.prepare_payload();
    co_return res;
  }
};

Fixture& fixture() {
  static Fixture* f = new Fixture;
  return *f;
}

/// A connect() interrupted by a signal (libFuzzer's timers) goes on in the background: waits
/// for it, and says whether it succeeded.
bool connected_after_interrupt(int fd) {
  pollfd writable{fd, POLLOUT, 0};
  int ready;
  do {
    ready = ::poll(&writable, 1, 5000);
  } while (ready < 0 && errno == EINTR);
  int error = 0;
  socklen_t length = sizeof error;
  return ready == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

/// Sends `data`, half-closes, and returns everything the server answers until it closes.
std::string exchange(const sockaddr_in& address, const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  // Close with RST: millions of connections must not fill the port range with TIME_WAIT.
  const linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  const timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
      !(errno == EINTR && connected_after_interrupt(fd))) {
    std::perror("connect");
    std::abort();
  }
  std::size_t sent = 0;
  while (sent < size) {  // the server may answer (431, 413) and close before reading it all
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;  // libFuzzer's timer signals
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      std::fprintf(stderr, "the server neither answered nor closed within 5 s\n");
      std::abort();
    }
    if (n <= 0) break;  // closed (or reset after an error answer)
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

/// Checks the first response in `answer` (a HEAD request's has no body) and every status line
/// for a 500; aborts on anything malformed.
void check_answer(const std::string& answer, bool head) {
  if (answer.empty()) return;  // closed without a word: allowed for input that is not HTTP
  beast::flat_buffer buffer;
  auto input = buffer.prepare(answer.size());
  std::memcpy(input.data(), answer.data(), answer.size());
  buffer.commit(answer.size());
  bh::response_parser<bh::string_body> parser;
  parser.eager(true);
  parser.skip(head);
  parser.body_limit(16 * 1024 * 1024);
  beast::error_code ec;
  parser.put(buffer.data(), ec);
  if (ec == bh::error::need_more) parser.put_eof(ec);
  if (ec || !parser.is_done()) {
    std::fprintf(stderr, "malformed answer (%s):\n%s\n", ec.message().c_str(), answer.c_str());
    std::abort();
  }
  const auto status = parser.get().result_int();
  if (status < 200 || status > 599) {
    std::fprintf(stderr, "answered %u:\n%s\n", status, answer.c_str());
    std::abort();
  }
  for (const char* line : {"HTTP/1.1 500", "HTTP/1.0 500"}) {
    if (answer.find(line) != std::string::npos) {
      std::fprintf(stderr, "answered 500:\n%s\n", answer.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::signal(SIGPIPE, SIG_IGN);
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 96 * 1024) return -1;  // past the limits: nothing new to learn, only slower
  const bool head = size >= 5 && std::memcmp(data, "HEAD ", 5) == 0;
  check_answer(exchange(fixture().address, data, size), head);
  return 0;
}
