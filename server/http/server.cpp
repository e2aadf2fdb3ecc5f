#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <optional>
#include <tuple>
#include <vector>

#include "http/problem.hpp"

namespace hd::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Counts a value up for as long as the guard lives.
class CountGuard {
 public:
  explicit CountGuard(std::atomic<std::size_t>& count) : count_(count) { ++count_; }
  ~CountGuard() { --count_; }
  CountGuard(const CountGuard&) = delete;
  CountGuard& operator=(const CountGuard&) = delete;

 private:
  std::atomic<std::size_t>& count_;
};

// The status to answer a request that could not be read, or 0 to just close.
unsigned status_for_read_error(const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) return 431;
  if (ec == beast_http::error::body_limit) return 413;
  if (ec == beast::error::timeout) return 408;
  if (ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category())
    return 400;
  return 0;
}

// RFC 9112 §6.3: when the last transfer coding of a request is not chunked, its length can't
// be known; reading on would take the body for the next request (request smuggling behind a
// proxy), so such a request is refused and the connection closed.
bool has_unframed_body(const Request& header) {
  bool present = false;
  std::string_view last;
  const auto [first, end] = header.equal_range(beast_http::field::transfer_encoding);
  for (auto field = first; field != end; ++field) {
    present = true;
    for (const auto& coding : beast_http::token_list{field->value()}) last = coding;
  }
  return present && !beast::iequals(last, "chunked");
}

Problem problem_for_status(unsigned status) {
  switch (status) {
    case 431:
      return {431, "header_too_large", "The request headers are larger than allowed."};
    case 413:
      return {413, "body_too_large", "The request body is larger than allowed."};
    case 408:
      return {408, "request_timeout", "The request was not received in time."};
    case 503:
      return {503, "too_many_connections", "The server is at its connection limit."};
    default:
      return {400, "malformed_request", "The request is not valid HTTP/1.1."};
  }
}

}  // namespace

Server::Server(asio::io_context& ioc, const Router& router, HttpOptions options, ErrorSink on_error)
    : ioc_(ioc),
      router_(router),
      options_(options),
      on_error_(std::move(on_error)),
      acceptor_(asio::make_strand(ioc)) {}

tcp::endpoint Server::listen(const std::string& host, unsigned short port) {
  const tcp::endpoint endpoint{asio::ip::make_address(host), port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  return acceptor_.local_endpoint();
}

void Server::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), [this](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      on_error_(std::string("accept loop ended: ") + ex.what());
    }
  });
}

asio::awaitable<void> Server::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kTuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) continue;  // e.g. the peer reset before we accepted: nothing to answer
    auto on_done = [this](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        on_error_(std::string("session ended: ") + ex.what());
      }
    };
    auto executor = socket.get_executor();
    if (connections_.load() >= options_.max_connections)
      asio::co_spawn(executor, refuse(std::move(socket)), on_done);
    else
      asio::co_spawn(executor, session(std::move(socket)), on_done);
  }
}

asio::awaitable<void> Server::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const std::string request_id = next_request_id();
  Response res = problem_response(problem_for_status(503), 11, false, request_id);
  res.set("X-Request-Id", request_id);
  stream.expires_after(std::chrono::seconds(1));
  co_await beast_http::async_write(stream, res, kTuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> Server::session(tcp::socket socket) {
  CountGuard open(connections_);
  boost::system::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  const std::string remote = peer.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  // The read timeout cancels the read instead of closing the socket (tcp_stream's own timeout
  // closes it), so that the client still gets its 408. Handlers run on the session's strand.
  asio::steady_timer read_deadline(stream.get_executor());
  bool reading = false, timed_out = false;

  for (;;) {
    // Between requests only the idle timeout applies, and a graceful stop closes the connection
    // at once: registered first, then checked, so that shutdown() sees it or it sees shutdown().
    if (buffer.size() == 0) {
      IdleGuard idle(*this, stream);
      if (stopping_.load()) break;
      stream.expires_after(options_.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    // From its first byte on, a request is in flight: a graceful stop reads it to the end and
    // answers it (within shutdown_grace) instead of cutting it off.
    std::optional<CountGuard> busy;
    busy.emplace(in_flight_);
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(options_.body_limit);
    stream.expires_never();
    reading = true;
    read_deadline.expires_after(options_.read_timeout);
    read_deadline.async_wait([&stream, &reading, &timed_out](boost::system::error_code ec) {
      if (ec || !reading) return;  // cancelled, or the read finished first
      timed_out = true;
      boost::system::error_code ignore;
      stream.socket().cancel(ignore);
    });
    auto [ec, n] = co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
    if (!ec && !options_.body_limit_by_path.empty()) {
      const auto target = parser.get().target();
      const auto path = target.substr(0, target.find('?'));
      for (const auto& [limited, limit] : options_.body_limit_by_path)
        if (path == limited) parser.body_limit(limit);
    }
    unsigned refusal = 0;
    if (!ec && has_unframed_body(parser.get())) refusal = 400;
    if (!ec && !refusal && !parser.is_done())
      std::tie(ec, n) = co_await beast_http::async_read(stream, buffer, parser, kTuple);
    reading = false;
    read_deadline.cancel();
    if (ec) refusal = timed_out ? 408 : status_for_read_error(ec);
    if (ec || refusal) {
      if (refusal) {
        const std::string request_id = next_request_id();
        Response res = problem_response(problem_for_status(refusal), 11, false, request_id);
        res.set("X-Request-Id", request_id);
        stream.expires_after(std::chrono::seconds(5));
        co_await beast_http::async_write(stream, res, kTuple);
      }
      break;
    }
    StreamContinuation keep_stream;
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    const bool head = request.method() == beast_http::verb::head;
    Response res = co_await router_.dispatch(std::move(request), remote, &keep_stream);
    stream.expires_after(options_.read_timeout);
    if (keep_stream && !head && res.result() == beast_http::status::ok) {
      // A stream: the headers now, the body for as long as the handler writes it. Not counted
      // in flight: like an idle connection, it doesn't hold up a graceful stop.
      res.keep_alive(false);
      beast_http::response_serializer<beast_http::string_body> serializer{res};
      auto [header_ec, header_n] =
          co_await beast_http::async_write_header(stream, serializer, kTuple);
      if (header_ec) break;
      busy.reset();
      co_await keep_stream(stream);
      break;
    }
    res.keep_alive(keep_alive && !stopping_.load());
    boost::system::error_code write_ec;
    if (head) {
      // The GET answer's headers, its Content-Length included, and no body (RFC 9110 §9.3.2).
      beast_http::response_serializer<beast_http::string_body> serializer{res};
      std::tie(write_ec, n) = co_await beast_http::async_write_header(stream, serializer, kTuple);
    } else {
      std::tie(write_ec, n) = co_await beast_http::async_write(stream, res, kTuple);
    }
    if (write_ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

Server::IdleGuard::IdleGuard(Server& server, beast::tcp_stream& stream)
    : server_(server), stream_(stream) {
  std::lock_guard lock(server_.idle_mutex_);
  server_.idle_.emplace(&stream_, stream_.get_executor());
}

Server::IdleGuard::~IdleGuard() {
  std::lock_guard lock(server_.idle_mutex_);
  server_.idle_.erase(&stream_);
}

void Server::close_idle() {
  std::vector<std::pair<beast::tcp_stream*, asio::any_io_executor>> idle;
  {
    std::lock_guard lock(idle_mutex_);
    idle.assign(idle_.begin(), idle_.end());
  }
  for (const auto& [stream, executor] : idle) {
    // On the session's strand, and only if it is still idle: then its stream is alive.
    // (Captured by name: clang 14 can't capture a structured binding.)
    asio::post(executor, [this, session_stream = stream] {
      std::lock_guard lock(idle_mutex_);
      if (!idle_.contains(session_stream)) return;
      boost::system::error_code ignored;
      session_stream->socket().cancel(ignored);
    });
  }
}

asio::awaitable<void> Server::shutdown() {
  stopping_.store(true);
  close_idle();
  co_await asio::dispatch(acceptor_.get_executor(), asio::use_awaitable);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  asio::steady_timer timer(ioc_);
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
}

}  // namespace hd::http
