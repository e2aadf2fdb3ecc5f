#include "api/json_writer.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

using namespace hd::api;

TEST_CASE("json writer: commas between members and items, nested containers, empty ones") {
  JsonWriter out;
  out.begin_object();
  out.key("a");
  out.number(1);
  out.key("list");
  out.begin_array();
  out.begin_object();
  out.end_object();
  out.begin_array();
  out.end_array();
  out.number(std::optional<std::int64_t>{});
  out.boolean(false);
  out.plain_string("open");
  out.end_array();
  out.key("b");
  out.number(std::numeric_limits<std::int64_t>::min());
  out.key("at");
  out.plain_string("2026-11-23T16:21:47.123Z");
  out.end_object();
  const std::string text = out.take();
  CHECK(
      text ==
      R"({"a":1,"list":[{},[],null,false,"open"],"b":-9223372036854775808,"at":"2026-11-23T16:21:47.123Z"})");
  CHECK(boost::json::parse(text).is_object());
}

TEST_CASE("json writer: strings are escaped as Boost.JSON escapes them, however long") {
  const std::string tricky = "quote \" backslash \\ newline \n tab \t nul " + std::string(1, '\0') +
                             " control \x01 unicode é ✓ </script>";
  // Long enough that the escaped text needs more than one read of the serializer.
  const std::string escapes(5000, '\x02');
  for (const std::string& s : {tricky, escapes, std::string()}) {
    JsonWriter out;
    out.begin_array();
    out.string(s);
    out.string("after");
    out.end_array();
    const std::string text = out.take();
    CHECK(text == "[" + boost::json::serialize(boost::json::string_view(s)) + ",\"after\"]");
    CHECK(boost::json::parse(text).as_array()[0].as_string() == s);
  }
}

TEST_CASE("json writer: doubles are written as Boost.JSON writes them, absent ones as null") {
  for (const double d : {0.0, -0.0, 86.2, 900.0, 1e-7, 1.0 / 3.0, 123456789.125, -2.5e300}) {
    JsonWriter out;
    out.begin_object();
    out.real("v", d);
    out.real("none", std::optional<double>{});
    out.end_object();
    const std::string text = out.take();
    CHECK(text == "{\"v\":" + boost::json::serialize(boost::json::value(d)) + ",\"none\":null}");
    CHECK(boost::json::parse(text).at("v").as_double() == d);
  }
}

TEST_CASE("json writer: grows from the smallest room, and is empty and reusable once taken") {
  JsonWriter out(1);
  std::string expected = "[";
  out.begin_array();
  for (int i = 0; i < 1000; ++i) {
    out.begin_object();
    out.key("a_member_name_longer_than_the_first_room_of_sixty_four_bytes_" + std::to_string(i));
    out.number(-i);
    out.end_object();
    expected += (i ? ",{\"" : "{\"") + std::string("a_member_name_longer_than_the_first_room_of_") +
                "sixty_four_bytes_" + std::to_string(i) + "\":" + std::to_string(-i) + "}";
  }
  out.end_array();
  CHECK(out.take() == expected + "]");
  CHECK(out.take().empty());
  out.begin_array();
  out.null();
  out.boolean(true);
  out.end_array();
  CHECK(out.take() == "[null,true]");
}
