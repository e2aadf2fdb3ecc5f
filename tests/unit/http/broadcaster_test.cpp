#include "http/event_stream.hpp"

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>

using hd::http::Broadcaster;

TEST_CASE("broadcaster: with nobody connected only the position moves on") {
  boost::asio::io_context io;
  Broadcaster broadcaster;
  broadcaster.start_at(10);
  CHECK(broadcaster.advance_if_idle(25));
  CHECK(broadcaster.last_id() == 25);
  CHECK(broadcaster.advance_if_idle(20));  // never backwards
  CHECK(broadcaster.last_id() == 25);
  // A client connecting now starts after the events nobody was sent.
  auto [subscriber, position] = broadcaster.subscribe(io.get_executor(), 1);
  CHECK(position == 25);
}

TEST_CASE("broadcaster: a connected client keeps the position where its frames start") {
  boost::asio::io_context io;
  Broadcaster broadcaster;
  broadcaster.start_at(10);
  auto [subscriber, position] = broadcaster.subscribe(io.get_executor(), 1);
  REQUIRE(position == 10);
  // Events 11..25 must reach it as frames: nothing is skipped behind its back.
  CHECK_FALSE(broadcaster.advance_if_idle(25));
  CHECK(broadcaster.last_id() == 10);
  // Once it has gone, nobody is left to send them to.
  subscriber->close();
  CHECK(broadcaster.advance_if_idle(25));
  CHECK(broadcaster.last_id() == 25);
  CHECK(broadcaster.size() == 0);
}
