#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace hd::http {

/// One server-sent event as written on the wire (`id:`, `event:`, `data:` lines and the blank
/// line). `data` may span lines; each becomes its own `data:` line. An id of 0 writes no id
/// line (the client's Last-Event-ID stays where it was).
std::string sse_frame(std::uint64_t id, std::string_view event, std::string_view data);

/// A comment frame (`: text`), ignored by clients: heartbeats.
std::string sse_comment(std::string_view text);

/// Options of every event stream.
struct EventStreamOptions {
  std::size_t queue_limit = 1000;  ///< frames waiting for one client; beyond it, drop the client
  std::chrono::milliseconds heartbeat{15'000};
  std::chrono::milliseconds write_timeout{10'000};  ///< a write taking longer drops the client
};

/// One connected client of a Broadcaster: a bounded queue of frames the connection's coroutine
/// writes out. Frames are pushed from any thread; the connection waits on a timer bound to its
/// own executor (the session's strand). Guarded by mutex_.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(boost::asio::any_io_executor executor, std::uint64_t audience, std::size_t limit);

  /// Queues a frame; a full queue marks the subscriber dropped instead, and then this returns
  /// true (once). Thread-safe.
  bool push(std::shared_ptr<const std::string> frame);

  /// Ends the stream at the next wake-up (server shutdown). Thread-safe.
  void close();

  /// Marks the stream ended, without waking anyone (its writer is the caller). Thread-safe.
  void ended();

  /// Whether it was dropped or closed. Thread-safe.
  bool gone();

  /// The audience this client belongs to (e.g. a user id); 0 for none.
  std::uint64_t audience() const { return audience_; }

 private:
  friend class Broadcaster;
  void wake();

  boost::asio::any_io_executor executor_;
  std::uint64_t audience_;
  std::size_t limit_;
  boost::asio::steady_timer timer_;  ///< used only on executor_: its cancel() wakes the writer
  std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool dropped_ = false;
  bool closed_ = false;
};

/// Fans frames out to every subscriber without ever waiting on one: a client whose queue is
/// full is dropped (it reconnects with Last-Event-ID) and the others go on. Tracks the id of the
/// last frame published with an id, so that a new subscriber knows where its live frames start.
/// Thread contract: every member is thread-safe.
class Broadcaster {
 public:
  explicit Broadcaster(EventStreamOptions options = {}) : options_(options) {}

  /// Registers a client on `executor` (its connection's strand). Returns the subscriber and the
  /// id of the last frame published before it: every frame with a larger id reaches it.
  std::pair<std::shared_ptr<Subscriber>, std::uint64_t> subscribe(
      boost::asio::any_io_executor executor, std::uint64_t audience);

  /// Removes a client (its connection ended).
  void unsubscribe(const std::shared_ptr<Subscriber>& subscriber);

  /// Sends `frame` to every subscriber; when `audience` is set, only to those of that audience.
  /// `id` (> 0) advances last_id(); it must grow from call to call.
  void publish(std::uint64_t id, std::string frame, std::optional<std::uint64_t> audience = {});

  /// Sends several frames at once, each (frame, audience), then advances last_id() to `id`.
  void publish_batch(std::uint64_t id,
                     std::vector<std::pair<std::string, std::optional<std::uint64_t>>> frames);

  /// Sets the position before any frame is published (start-up: the newest stored event).
  void start_at(std::uint64_t id);

  /// Advances last_id() to `id` when no client is connected (no frame would reach anyone) and
  /// says whether it did; with a client connected, changes nothing.
  bool advance_if_idle(std::uint64_t id);

  /// The id of the newest frame published with an id.
  std::uint64_t last_id() const;

  /// Connected clients.
  std::size_t size() const;

  /// Clients dropped for not keeping up (a full queue or a write timing out), since start.
  std::uint64_t dropped() const;

  /// Ends every stream (shutdown).
  void close_all();

  const EventStreamOptions& options() const { return options_; }

  /// Writes `first` (the catch-up frames), then the subscriber's frames as they come, with a
  /// heartbeat comment after each quiet `heartbeat`, until the client goes away, falls behind
  /// or is closed; then unsubscribes it. Runs on the connection's strand (the subscriber's
  /// executor), after the response headers were sent. The broadcaster must outlive it.
  boost::asio::awaitable<void> stream(boost::beast::tcp_stream& stream,
                                      std::shared_ptr<Subscriber> subscriber,
                                      std::vector<std::string> first);

 private:
  void forget_gone();  ///< with mutex_ held

  EventStreamOptions options_;
  mutable std::mutex mutex_;  ///< guards subscribers_, last_id_, dropped_
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  std::uint64_t last_id_ = 0;
  std::uint64_t dropped_ = 0;
};

/// The response headers of an event stream (200, text/event-stream, no caching, no proxy
/// buffering, connection closes at the end).
Response event_stream_response(const Request& request);

}  // namespace hd::http
