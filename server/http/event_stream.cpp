#include "http/event_stream.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace hd::http {
namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string sse_frame(std::uint64_t id, std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(data.size() + event.size() + 32);
  if (id > 0) (out += "id: ") += std::to_string(id) += '\n';
  if (!event.empty()) ((out += "event: ") += event) += '\n';
  for (std::size_t start = 0;;) {
    const auto end = data.find('\n', start);
    ((out += "data: ") += data.substr(start, end - start)) += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out += '\n';
  return out;
}

std::string sse_comment(std::string_view text) {
  return ": " + std::string(text) + "\n\n";
}

Subscriber::Subscriber(asio::any_io_executor executor, std::uint64_t audience, std::size_t limit)
    : executor_(executor), audience_(audience), limit_(limit), timer_(executor) {}

bool Subscriber::push(std::shared_ptr<const std::string> frame) {
  bool dropped_now = false;
  {
    std::lock_guard lock(mutex_);
    if (dropped_ || closed_) return false;
    if (queue_.size() >= limit_) {
      dropped_ = dropped_now = true;
      queue_.clear();
    } else {
      queue_.push_back(std::move(frame));
      if (queue_.size() > 1) return false;  // the writer was already woken for the first one
    }
  }
  wake();
  return dropped_now;
}

bool Subscriber::gone() {
  std::lock_guard lock(mutex_);
  return dropped_ || closed_;
}

void Subscriber::ended() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
}

void Subscriber::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  wake();
}

void Subscriber::wake() {
  // The timer belongs to the connection's strand: cancel it there.
  asio::post(executor_, [self = shared_from_this()] { self->timer_.cancel(); });
}

std::pair<std::shared_ptr<Subscriber>, std::uint64_t> Broadcaster::subscribe(
    asio::any_io_executor executor, std::uint64_t audience) {
  auto subscriber = std::make_shared<Subscriber>(executor, audience, options_.queue_limit);
  std::lock_guard lock(mutex_);
  subscribers_.push_back(subscriber);
  return {subscriber, last_id_};
}

void Broadcaster::unsubscribe(const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, subscriber);
}

void Broadcaster::publish(std::uint64_t id, std::string frame,
                          std::optional<std::uint64_t> audience) {
  std::vector<std::pair<std::string, std::optional<std::uint64_t>>> one;
  one.emplace_back(std::move(frame), audience);
  publish_batch(id, std::move(one));
}

void Broadcaster::publish_batch(
    std::uint64_t id, std::vector<std::pair<std::string, std::optional<std::uint64_t>>> frames) {
  std::vector<std::pair<std::shared_ptr<const std::string>, std::optional<std::uint64_t>>> shared;
  shared.reserve(frames.size());
  for (auto& [frame, audience] : frames)
    shared.emplace_back(std::make_shared<const std::string>(std::move(frame)), audience);
  // Under the lock, so that a client subscribing now gets either all of these or none, and the
  // position it is told matches.
  std::lock_guard lock(mutex_);
  forget_gone();
  for (const auto& subscriber : subscribers_)
    for (const auto& [frame, audience] : shared)
      if ((!audience || *audience == subscriber->audience()) && subscriber->push(frame)) ++dropped_;
  if (id > 0) last_id_ = std::max(last_id_, id);
}

void Broadcaster::start_at(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  last_id_ = std::max(last_id_, id);
}

bool Broadcaster::advance_if_idle(std::uint64_t id) {
  // Under the lock: a client subscribing after this is told the new position.
  std::lock_guard lock(mutex_);
  forget_gone();
  if (!subscribers_.empty()) return false;
  last_id_ = std::max(last_id_, id);
  return true;
}

void Broadcaster::forget_gone() {
  // A client dropped or closed is gone for good (also one whose stream never started).
  std::erase_if(subscribers_, [](const auto& s) { return s->gone(); });
}

std::uint64_t Broadcaster::last_id() const {
  std::lock_guard lock(mutex_);
  return last_id_;
}

std::size_t Broadcaster::size() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(subscribers_.begin(), subscribers_.end(),
                                                [](const auto& s) { return !s->gone(); }));
}

std::uint64_t Broadcaster::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void Broadcaster::close_all() {
  std::lock_guard lock(mutex_);
  for (const auto& subscriber : subscribers_) subscriber->close();
}

namespace {

// Marks the subscriber closed however the stream ends; the broadcaster forgets it at its next
// publish. (Not unsubscribe(): at shutdown this frame may be destroyed after the broadcaster.)
struct CloseOnExit {
  std::shared_ptr<Subscriber> subscriber;
  ~CloseOnExit() { subscriber->ended(); }
};

}  // namespace

asio::awaitable<void> Broadcaster::stream(boost::beast::tcp_stream& stream,
                                          std::shared_ptr<Subscriber> subscriber,
                                          std::vector<std::string> first) {
  const CloseOnExit leave{subscriber};
  const EventStreamOptions options = options_;
  std::string out;
  for (auto& frame : first) out += frame;
  for (;;) {
    {
      std::lock_guard lock(subscriber->mutex_);
      if (subscriber->dropped_ || subscriber->closed_) break;
      for (const auto& frame : subscriber->queue_) out += *frame;
      subscriber->queue_.clear();
    }
    if (out.empty()) {
      subscriber->timer_.expires_after(options.heartbeat);
      auto [ec] = co_await subscriber->timer_.async_wait(kTuple);
      if (ec != asio::error::operation_aborted)
        out = sse_comment("heartbeat");
      else
        continue;
    }
    stream.expires_after(options.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), kTuple);
    if (ec == boost::beast::error::timeout) {
      std::lock_guard lock(mutex_);
      ++dropped_;  // the client stopped reading: a slow client, like one with a full queue
    }
    if (ec) break;
    out.clear();
  }
}

Response event_stream_response(const Request& request) {
  Response res{beast_http::status::ok, request.version()};
  res.set(beast_http::field::content_type, "text/event-stream; charset=utf-8");
  res.set(beast_http::field::cache_control, "no-cache, no-store");
  res.set("X-Accel-Buffering", "no");  // nginx: don't buffer this response
  res.keep_alive(false);
  return res;
}

}  // namespace hd::http
