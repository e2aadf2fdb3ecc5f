#include "api/time_format.hpp"

#include <doctest/doctest.h>

using namespace hd::api;

TEST_CASE("time_format: RFC 3339 round trip") {
  CHECK(format_time(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_time(1'795'450'907'123) == "2026-11-23T16:21:47.123Z");
  CHECK(parse_time("2026-11-23T16:21:47.123Z") == 1'795'450'907'123);
  CHECK(parse_time("2026-11-23T17:21:47.123+01:00") == 1'795'450'907'123);
  CHECK(parse_time("2026-11-23T16:21:47Z") == 1'795'450'907'000);
  CHECK_FALSE(parse_time("2026-11-23"));
  CHECK_FALSE(parse_time("2026-11-23T16:21:47"));
  CHECK_FALSE(parse_time("yesterday"));
}

TEST_CASE("time_format: impossible times are refused, not wrapped") {
  CHECK(parse_time("2026-11-23t16:21:47.5z") == 1'795'450'907'500);
  CHECK(parse_time("2026-11-23T16:21:47.123456789Z") == 1'795'450'907'123);
  CHECK(parse_time("2026-11-23T15:21:47.123-01:00") == 1'795'450'907'123);
  for (const char* bad :
       {"2026-11-23T16:21:47+99:00", "2026-11-23T16:21:47+24:00", "2026-11-23T16:21:47+01:60",
        "2026-11-23T16:21:47+0100", "99999-11-23T16:21:47Z", "0000-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T16:60:00Z", "2026-11-23T16:21:61Z", "2026-11-23T16:21:47.Z",
        "2026-11-23T16:21:47.1234567890Z", "2026-11-23T16:21:47Zjunk", "-2026-11-23T16:21:47Z",
        "2026-11-23 16:21:47Z", "+2026-11-23T16:21:47Z",
        // What the fuzzer found undefined behaviour on (tests/fuzz/corpus/rfc3339_time).
        "2026-11-23T16:21:47.5-A9:30", "1970-01-01TUUUUU00:00:00Z", "2026-02-01T00:001=F)",
        // Offsets that carry the instant out of the years RFC 3339 can write.
        "9999-12-31T23:59:18.99-23:00", "0001-01-01T00:30:00+01:00"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_time(bad));
  }
}
