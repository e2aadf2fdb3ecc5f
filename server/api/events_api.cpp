// The live feed of ticket changes for the agents' app: a server-sent event stream, and the same
// events by polling for clients behind proxies that buffer streams.
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/live_events.hpp"
#include "api/query_input.hpp"
#include "api/routes.hpp"
#include "store/event_feed.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;
using domain::Role;

LiveEvents& live_of(Services* s) {
  if (!s->live) throw http::Problem(503, "unavailable", "Live events are not available here.");
  return *s->live;
}

struct FeedQuery {
  std::optional<store::Id> after;
  int limit = 200;
};

// `after` and `limit`; anything else is refused so that a typo doesn't go unnoticed.
FeedQuery parse_feed_query(const http::Context& ctx, bool allow_limit) {
  FeedQuery q;
  QueryInput in(ctx.url);
  q.after = in.integer("after", 0, INT64_MAX);
  if (allow_limit) q.limit = static_cast<int>(in.integer("limit", 1, 1000).value_or(q.limit));
  in.finish();
  return q;
}

// The stream's own continuation: a free coroutine taking everything by value (STYLE.md).
boost::asio::awaitable<void> stream_events(LiveEvents* live,
                                           std::shared_ptr<http::Subscriber> subscriber,
                                           std::vector<std::string> first,
                                           boost::beast::tcp_stream* stream) {
  co_await live->broadcaster().stream(*stream, std::move(subscriber), std::move(first));
}

boost::asio::awaitable<http::Response> events_stream(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  auto& live = live_of(s);
  auto query = parse_feed_query(ctx, false);
  if (const auto header = ctx.request["Last-Event-ID"]; !header.empty()) {
    const auto v = QueryInput::parse_integer(header, 0, INT64_MAX);
    if (!v) throw http::Problem(400, "invalid_request", "Last-Event-ID must be an event id.");
    query.after = *v;  // the browser's reconnect wins over the URL it first opened
  }
  if (!ctx.keep_stream)
    throw http::Problem(503, "unavailable", "This connection can't carry an event stream.");

  // Subscribe first, so that nothing published from here on is missed; then catch up from the
  // table up to the position the subscription starts at.
  const auto executor = co_await boost::asio::this_coro::executor;
  auto [subscriber, position] =
      live.broadcaster().subscribe(executor, static_cast<std::uint64_t>(who.user_id));
  std::vector<std::string> first;
  first.push_back("retry: 3000\n\n");
  first.push_back(
      http::sse_frame(0, "hello", json::serialize(json::object{{"last_event_id", position}})));
  if (query.after && static_cast<std::uint64_t>(*query.after) < position) {
    const auto after = *query.after;
    auto read = [after](store::Connection& c) {
      return store::list_events_after(c, after, LiveEvents::kReplayLimit + 1);
    };
    std::vector<store::FeedEvent> missed;
    try {
      missed = co_await s->db.read(std::move(read));
    } catch (...) {
      live.broadcaster().unsubscribe(subscriber);
      throw;
    }
    std::erase_if(missed, [position](const store::FeedEvent& f) {
      return static_cast<std::uint64_t>(f.event.id) > position;
    });
    if (static_cast<int>(missed.size()) > LiveEvents::kReplayLimit) {
      first.push_back(
          http::sse_frame(0, "reset", json::serialize(json::object{{"last_event_id", position}})));
    } else {
      for (const auto& f : missed)
        for (auto& [frame, audience] : LiveEvents::frames_of(f))
          if (!audience || *audience == static_cast<std::uint64_t>(who.user_id))
            first.push_back(std::move(frame));
    }
  } else if (query.after && static_cast<std::uint64_t>(*query.after) > position) {
    // An id this server never gave out (another database): start over from here.
    first.push_back(
        http::sse_frame(0, "reset", json::serialize(json::object{{"last_event_id", position}})));
  }
  auto* stream_slot = ctx.keep_stream;
  LiveEvents* l = &live;
  *stream_slot = [l, subscriber, first](boost::beast::tcp_stream& stream) {
    return stream_events(l, subscriber, first, &stream);
  };
  co_return http::event_stream_response(ctx.request);
}

boost::asio::awaitable<http::Response> events_poll(Services* s, http::Context ctx) {
  const auto who = co_await authorize(*s, ctx, Role::agent);
  const auto query = parse_feed_query(ctx, true);
  json::array items, notifications;
  store::Id last = 0;
  bool more = false;
  if (!query.after) {
    auto newest = [](store::Connection& c) { return store::last_event_id(c); };
    last = co_await s->db.read(std::move(newest));
  } else {
    auto read = [after = *query.after, limit = query.limit](store::Connection& c) {
      return store::list_events_after(c, after, limit + 1);
    };
    auto events = co_await s->db.read(std::move(read));
    more = static_cast<int>(events.size()) > query.limit;
    if (more) events.pop_back();
    last = events.empty() ? *query.after : events.back().event.id;
    for (const auto& f : events) {
      items.push_back(feed_event_json(f));
      for (auto& [user, n] : notifications_of(f))
        if (user == who.user_id) notifications.push_back(std::move(n));
    }
  }
  co_return reply(ctx, bh::status::ok,
                  {{"items", std::move(items)},
                   {"notifications", std::move(notifications)},
                   {"last_event_id", last},
                   {"more", more}});
}

}  // namespace

void add_event_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/events/stream", services, events_stream);
  route(router, bh::verb::get, "/api/v1/events", services, events_poll);
}

}  // namespace hd::api
