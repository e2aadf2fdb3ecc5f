#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/router.hpp"
#include "http/types.hpp"

namespace hd::http {

/// The HTTP/1.1 listener and its sessions: one C++20 coroutine per connection, each on its own
/// strand, with the limits of HttpOptions. Thread contract: construct, listen() and start() on
/// one thread before the io_context runs; shutdown() runs as a coroutine on the io_context.
/// The router must outlive the server.
class Server {
 public:
  using ErrorSink = std::function<void(std::string_view what)>;

  Server(boost::asio::io_context& ioc, const Router& router, HttpOptions options,
         ErrorSink on_error);

  /// Binds and listens; throws boost::system::system_error when the address can't be used.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);

  /// Starts accepting connections.
  void start();

  /// Graceful stop: close the listener and every idle keep-alive connection at once, read and
  /// answer each request whose first byte has arrived (up to the grace period; their answers
  /// close the connection), then return. Whatever is left is dropped by the caller stopping
  /// the io_context afterwards.
  boost::asio::awaitable<void> shutdown();

  /// Open connections right now.
  std::size_t connections() const { return connections_.load(); }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);
  void close_idle();

  // Registers a session's stream as idle (waiting for a request) for as long as it lives.
  class IdleGuard {
   public:
    IdleGuard(Server& server, boost::beast::tcp_stream& stream);
    ~IdleGuard();
    IdleGuard(const IdleGuard&) = delete;
    IdleGuard& operator=(const IdleGuard&) = delete;

   private:
    Server& server_;
    boost::beast::tcp_stream& stream_;
  };

  boost::asio::io_context& ioc_;
  const Router& router_;
  HttpOptions options_;
  ErrorSink on_error_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::mutex idle_mutex_;  // guards idle_
  /// Sessions waiting for their next request, with their strands.
  std::unordered_map<boost::beast::tcp_stream*, boost::asio::any_io_executor> idle_;
};

}  // namespace hd::http
