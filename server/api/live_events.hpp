#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/presence.hpp"
#include "domain/clock.hpp"
#include "http/event_stream.hpp"
#include "store/database.hpp"
#include "store/event_feed.hpp"

namespace hd::api {

/// The live side of the workspace: after each commit it reads the new ticket events (by id,
/// from ticket_events) and fans them out to every connected agent through the Broadcaster,
/// with the notifications that concern one agent sent only to that agent's streams; it also
/// holds who is viewing which ticket. Event ids are the stored events' ids, so a client resumes
/// from its Last-Event-ID by reading the same table.
/// Thread contract: notify_commit() from any thread (the writer's); start() once before the
/// io_context runs; the rest from anywhere. Must outlive the io_context's run.
class LiveEvents {
 public:
  LiveEvents(store::Database& db, const domain::Clock& clock,
             http::EventStreamOptions options = {});

  /// Starts the pump on `ioc` at the newest stored event (read now, blocking). `on_error` gets
  /// an exception that ended the pump (a bug).
  void start(boost::asio::io_context& ioc, std::function<void(std::string_view)> on_error);

  /// After a commit: wakes the pump. Never blocks (runs on the writer thread).
  void notify_commit();

  /// Ends the pump and every open stream (graceful stop).
  void stop();

  http::Broadcaster& broadcaster() { return broadcaster_; }
  Presence& presence() { return presence_; }

  /// Publishes the presence of `ticket_id` to everyone (no event id: nothing to resume).
  void publish_presence(store::Id ticket_id);

  /// The frames for one event: the event for all, then any notification for its one agent.
  static std::vector<std::pair<std::string, std::optional<std::uint64_t>>> frames_of(
      const store::FeedEvent& event);

  /// How many events a stream replays on resume at most; beyond it the client gets `reset`.
  static constexpr int kReplayLimit = 1000;

 private:
  boost::asio::awaitable<void> pump();

  store::Database& db_;
  const domain::Clock& clock_;
  http::Broadcaster broadcaster_;
  Presence presence_;
  std::optional<boost::asio::strand<boost::asio::io_context::executor_type>> strand_;
  std::optional<boost::asio::steady_timer> wake_;  ///< used on strand_ only
  std::atomic<bool> pending_{false};
  std::atomic<bool> stopping_{false};
};

/// An event as the API shows it on the stream and in the polling answer.
boost::json::object feed_event_json(const store::FeedEvent& event);

/// The notifications an event means for agents: (each agent's user id, the JSON).
std::vector<std::pair<store::Id, boost::json::object>> notifications_of(
    const store::FeedEvent& event);

/// The presence of a ticket as the API shows it.
boost::json::object presence_json(store::Id ticket_id,
                                  const std::vector<Presence::Viewer>& viewers);

}  // namespace hd::api
