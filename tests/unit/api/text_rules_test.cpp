#include "api/text_rules.hpp"

#include <doctest/doctest.h>

using namespace hd::api;
using namespace std::string_literals;

TEST_CASE("text_rules: one standard for every text input") {
  CHECK_FALSE(text_problem("Printer on fire", 1, 250));
  CHECK_FALSE(text_problem("line one\nline two\ttabbed\r\n", 1, 250));
  CHECK_FALSE(text_problem("Grüße 😀", 1, 7));  // characters, not bytes
  CHECK(text_problem("Grüße 😀", 1, 6));
  CHECK(text_problem("", 1, 10));
  CHECK(text_problem("\xff\xfe", 0, 10) == "must be valid UTF-8 text");
  CHECK(text_problem("\xc0\xaf", 0, 10));      // overlong '/'
  CHECK(text_problem("\xed\xa0\x80", 0, 10));  // a surrogate
  CHECK(text_problem("a\0b"s, 0, 10) == "must not contain control characters");
  CHECK(text_problem("\x1b[31m", 0, 10));
  CHECK(text_problem("del\x7f", 0, 10));
}

TEST_CASE("text_rules: e-mail addresses compare trimmed and case-folded") {
  CHECK(normalize_email("  Ann@Example.COM \t") == "ann@example.com");
  CHECK(normalize_email("ann@example.com") == "ann@example.com");
  CHECK(normalize_email("   ").empty());
  CHECK(looks_like_email("ann@example.com"));
  CHECK_FALSE(looks_like_email("ann@example"));
  CHECK_FALSE(looks_like_email("ann\0x@example.com"s));
  CHECK_FALSE(looks_like_email("a b@example.com"));
}
