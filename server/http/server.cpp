#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

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

  while (!stopping_.load()) {
    // Between requests only the idle timeout applies; once a byte arrives, the read timeout.
    if (buffer.size() == 0) {
      stream.expires_after(options_.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser.body_limit(options_.body_limit);
    stream.expires_after(options_.read_timeout);
    auto [ec, n] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
    if (ec) {
      if (const unsigned status = status_for_read_error(ec)) {
        const std::string request_id = next_request_id();
        Response res = problem_response(problem_for_status(status), 11, false, request_id);
        res.set("X-Request-Id", request_id);
        stream.expires_after(std::chrono::seconds(5));
        co_await beast_http::async_write(stream, res, kTuple);
      }
      break;
    }
    CountGuard busy(in_flight_);
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    Response res = co_await router_.dispatch(std::move(request), remote);
    res.keep_alive(keep_alive && !stopping_.load());
    stream.expires_after(options_.read_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, res, kTuple);
    if (write_ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Server::shutdown() {
  stopping_.store(true);
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
