#include "api/live_events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/representation.hpp"

namespace hd::api {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr int kReadBatch = 500;
constexpr auto kSweepEvery = std::chrono::seconds(5);

json::value optional_json(const std::optional<store::Id>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

}  // namespace

json::object feed_event_json(const store::FeedEvent& f) {
  json::object event = event_json(f.event);
  event["ticket"] = json::object{{"subject", f.subject},
                                 {"status", domain::to_string(f.status)},
                                 {"priority", domain::to_string(f.priority)},
                                 {"assignee_id", optional_json(f.assignee_id)},
                                 {"team_id", optional_json(f.team_id)},
                                 {"version", f.version},
                                 {"updated_at", format_time(f.updated_at)}};
  return event;
}

std::vector<std::pair<store::Id, json::object>> notifications_of(const store::FeedEvent& f) {
  const auto& e = f.event;
  // Nobody is told about what they did themselves.
  auto by = [&](store::Id user) {
    return e.actor_kind == domain::ActorKind::agent && e.actor_user_id == user;
  };
  auto note = [&](std::string_view kind, std::string reason) {
    return json::object{{"kind", kind},         {"ticket_id", e.ticket_id},
                        {"event_id", e.id},     {"at", format_time(e.at)},
                        {"subject", f.subject}, {"reason", std::move(reason)}};
  };
  using domain::EventType;
  std::vector<std::pair<store::Id, json::object>> out;
  if (e.type != EventType::assigned && e.type != EventType::status &&
      e.type != EventType::sla_warning && e.type != EventType::sla_breach)
    return out;
  const json::value data = stored_json(e.data);
  if (!data.is_object()) return out;
  const auto& d = data.as_object();
  auto text = [&](const char* key) {
    const auto* v = d.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (e.type == EventType::sla_warning || e.type == EventType::sla_breach) {
    // The watch recorded whom it tells: the assignee and the team's supervisors.
    const auto* notify = d.if_contains("notify");
    if (!notify || !notify->is_array()) return out;
    for (const auto& user : notify->as_array())
      if (user.is_int64())
        out.emplace_back(user.as_int64(), note(to_string(e.type), text("target")));
    return out;
  }
  if (e.type == EventType::assigned) {
    const auto* assignee = d.if_contains("assignee_id");
    if (assignee && assignee->is_int64() && !by(assignee->as_int64()))
      out.emplace_back(assignee->as_int64(), note("assigned", text("cause")));
    return out;
  }
  const auto* reopen = d.if_contains("reopen");
  if (!reopen || !reopen->is_bool() || !reopen->as_bool() || !f.assignee_id || by(*f.assignee_id))
    return out;
  std::string reason = text("note");
  if (reason.empty()) reason = text("cause");
  out.emplace_back(*f.assignee_id, note("reopened", std::move(reason)));
  return out;
}

json::object presence_json(store::Id ticket_id, const std::vector<Presence::Viewer>& viewers) {
  json::array items;
  for (const auto& v : viewers)
    items.push_back(json::object{{"user_id", v.user_id},
                                 {"name", v.name},
                                 {"replying", v.replying},
                                 {"since", format_time(v.since)}});
  return {{"ticket_id", ticket_id}, {"viewers", std::move(items)}};
}

LiveEvents::LiveEvents(store::Database& db, const domain::Clock& clock,
                       http::EventStreamOptions options)
    : db_(db), clock_(clock), broadcaster_(options) {}

std::vector<std::pair<std::string, std::optional<std::uint64_t>>> LiveEvents::frames_of(
    const store::FeedEvent& f) {
  std::vector<std::pair<std::string, std::optional<std::uint64_t>>> frames;
  const auto id = static_cast<std::uint64_t>(f.event.id);
  frames.emplace_back(http::sse_frame(id, "ticket", json::serialize(feed_event_json(f))),
                      std::nullopt);
  for (const auto& [user, n] : notifications_of(f))
    frames.emplace_back(http::sse_frame(id, "notification", json::serialize(n)),
                        static_cast<std::uint64_t>(user));
  return frames;
}

void LiveEvents::start(asio::io_context& ioc, std::function<void(std::string_view)> on_error) {
  auto newest = [](store::Connection& c) { return store::last_event_id(c); };
  broadcaster_.start_at(static_cast<std::uint64_t>(db_.read_blocking(newest)));
  strand_.emplace(asio::make_strand(ioc));
  wake_.emplace(*strand_);
  asio::co_spawn(*strand_, pump(), [on_error](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      on_error(std::string("live events stopped: ") + ex.what());
    }
  });
}

void LiveEvents::notify_commit() {
  if (!strand_ || pending_.exchange(true)) return;  // a wake-up is already on its way
  asio::post(*strand_, [this] { wake_->cancel(); });
}

void LiveEvents::stop() {
  stopping_ = true;
  broadcaster_.close_all();
  if (strand_) asio::post(*strand_, [this] { wake_->cancel(); });
}

void LiveEvents::publish_presence(store::Id ticket_id) {
  broadcaster_.publish(
      0, http::sse_frame(0, "presence",
                         json::serialize(presence_json(ticket_id, presence_.viewers(ticket_id)))));
}

asio::awaitable<void> LiveEvents::pump() {
  auto next_sweep = std::chrono::steady_clock::now() + kSweepEvery;
  while (!stopping_) {
    if (!pending_.load()) {
      wake_->expires_at(next_sweep);
      co_await wake_->async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (stopping_) break;
    if (std::chrono::steady_clock::now() >= next_sweep) {
      for (const auto ticket_id : presence_.sweep(clock_.now_ms())) publish_presence(ticket_id);
      next_sweep = std::chrono::steady_clock::now() + kSweepEvery;
    }
    if (!pending_.exchange(false)) continue;
    std::vector<store::FeedEvent> events;
    try {
      // Nobody listening: only the position moves on. Reading and framing every event for no
      // one was 14% of the instructions a create cost the server (callgrind, 64 connections);
      // a client connecting later catches up from the database.
      if (broadcaster_.size() == 0) {
        auto newest = [](store::Connection& c) { return store::last_event_id(c); };
        const auto id = co_await db_.read(std::move(newest));
        if (broadcaster_.advance_if_idle(static_cast<std::uint64_t>(id))) continue;
      }
      const auto after = static_cast<store::Id>(broadcaster_.last_id());
      auto read = [after](store::Connection& c) {
        return store::list_events_after(c, after, kReadBatch);
      };
      events = co_await db_.read(std::move(read));
    } catch (const std::exception&) {
      pending_ = true;  // the database is busy or going away: try again at the next wake-up
      continue;
    }
    if (events.empty()) continue;
    std::vector<std::pair<std::string, std::optional<std::uint64_t>>> frames;
    for (const auto& f : events)
      for (auto& frame : frames_of(f)) frames.push_back(std::move(frame));
    broadcaster_.publish_batch(static_cast<std::uint64_t>(events.back().event.id),
                               std::move(frames));
    if (static_cast<int>(events.size()) == kReadBatch) pending_ = true;  // more to read
  }
}

}  // namespace hd::api
