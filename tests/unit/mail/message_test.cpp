#include "mail/message.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace hd::mail {
namespace {

using namespace std::string_view_literals;

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

/// The encoded words of a header value, each checked for RFC 2047's form and length.
std::vector<std::string> decode_words(const std::string& value) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const auto start = value.find("=?UTF-8?B?", pos);
    REQUIRE(start != std::string::npos);
    const auto end = value.find("?=", start + 10);
    REQUIRE(end != std::string::npos);
    CHECK(end + 2 - start <= 75);
    words.push_back(base64_decode(value.substr(start + 10, end - start - 10)));
    pos = end + 2;
    if (pos < value.size()) {
      CHECK(value.substr(pos, 3) == "\r\n ");
      pos += 3;
    }
  }
  return words;
}

bool is_whole_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST_CASE("ticket message ids and the thread root") {
  CHECK(ticket_message_id(123, 7, "example.com") == "<ticket-123-7@example.com>");
  CHECK(ticket_thread_root(123, "example.com") == "<ticket-123@example.com>");
  CHECK(ticket_message_id(123, 7, "a.org") != ticket_message_id(123, 8, "a.org"));
}

TEST_CASE("the Message-ID domain is the from-address's domain") {
  CHECK(address_domain("Helpdesk <helpdesk@support.example.com>") == "support.example.com");
  CHECK(address_domain("help@example.org") == "example.org");
  CHECK(address_domain("\"Help, Desk\" <help@example.net>") == "example.net");
  CHECK(address_domain("no address here") == "localhost");
}

TEST_CASE("thread_into_ticket names the root first and answers the customer's mail") {
  Mail web;
  thread_into_ticket(web, 42, 3, "example.com");
  CHECK(web.message_id == "<ticket-42-3@example.com>");
  CHECK(web.in_reply_to == "<ticket-42@example.com>");
  CHECK(web.references == std::vector<std::string>{"<ticket-42@example.com>"});

  Mail answer;
  thread_into_ticket(answer, 42, 4, "example.com", " <CAF1x@mail.example.org> ");
  CHECK(answer.in_reply_to == "<CAF1x@mail.example.org>");
  CHECK(answer.references ==
        std::vector<std::string>{"<ticket-42@example.com>", "<CAF1x@mail.example.org>"});

  SUBCASE("a malformed id from a received mail is not echoed") {
    Mail m;
    thread_into_ticket(m, 42, 5, "example.com", "<evil@x>\r\nBcc: victim@example.org");
    CHECK(m.in_reply_to == "<ticket-42@example.com>");
    CHECK(m.references.size() == 1);
    thread_into_ticket(m, 42, 5, "example.com", "no-brackets@example.org");
    CHECK(m.references.size() == 1);
  }
}

TEST_CASE("message ids are checked before they reach a header") {
  CHECK(is_valid_message_id("<ticket-1-2@example.com>"));
  CHECK(is_valid_message_id("<CAF+x=y.z@mail.gmail.com>"));
  CHECK_FALSE(is_valid_message_id("ticket-1@example.com"));
  CHECK_FALSE(is_valid_message_id("<no-at-sign>"));
  CHECK_FALSE(is_valid_message_id("<a b@example.com>"));
  CHECK_FALSE(is_valid_message_id("<a@example.com>\r\nBcc: x@y.z"));
  CHECK_FALSE(is_valid_message_id("<@example.com>"));
}

TEST_CASE("ticket_subject puts the tag in front once") {
  CHECK(ticket_subject(123, "Printer jammed") == "[#123] Printer jammed");
  CHECK(ticket_subject(123, "[#123] Printer jammed") == "[#123] Printer jammed");
  CHECK(ticket_subject(123, "Re: [#123] Printer jammed") == "Re: [#123] Printer jammed");
  CHECK(ticket_subject(123, "  Printer  ") == "[#123] Printer");
  CHECK(ticket_subject(123, "") == "[#123]");
  // Another ticket's tag is not this one's.
  CHECK(ticket_subject(123, "[#12] Printer") == "[#123] [#12] Printer");
  CHECK(ticket_subject(12, "[#123] Printer") == "[#12] [#123] Printer");
}

TEST_CASE("a subject can't inject a header") {
  const auto s = ticket_subject(7, "Hi\r\nBcc: victim@example.org\nX: y");
  CHECK(s.find('\r') == std::string::npos);
  CHECK(s.find('\n') == std::string::npos);
  CHECK(s == "[#7] Hi  Bcc: victim@example.org X: y");
  CHECK(encode_header_text("a\r\nb") == "a  b");
  CHECK(sanitize_header_value("\tx\0y"sv) == "x y");
}

TEST_CASE("RFC 2047: ASCII stays, anything else becomes UTF-8 B words") {
  CHECK(encode_header_text("[#5] Printer jammed") == "[#5] Printer jammed");
  CHECK(encode_header_text("Grüße") == "=?UTF-8?B?R3LDvMOfZQ==?=");
  CHECK(encode_header_text("€") == "=?UTF-8?B?4oKs?=");

  SUBCASE("overlong ASCII is encoded too, so that no header line passes 998 characters") {
    const std::string text(2000, 'x');
    const auto encoded = encode_header_text(text);
    std::string joined;
    for (const auto& w : decode_words(encoded)) joined += w;
    CHECK(joined == text);
  }

  SUBCASE("long text is split between characters into words of at most 75 characters") {
    std::string text = "[#123] ";
    for (int i = 0; i < 40; ++i) text += "Zähler €😀 ";
    const auto encoded = encode_header_text(text);
    const auto words = decode_words(encoded);
    CHECK(words.size() > 1);
    std::string joined;
    for (const auto& w : words) {
      CHECK(is_whole_utf8(w));
      joined += w;
    }
    CHECK(joined == sanitize_header_value(text));
  }
}

TEST_CASE("mailboxes parse, validate and format") {
  auto box = parse_mailbox("Helpdesk <help@example.com>");
  REQUIRE(box);
  CHECK(box->name == "Helpdesk");
  CHECK(box->address == "help@example.com");

  box = parse_mailbox("\"Doe, Jane \\\"JD\\\"\" <jane@example.com>");
  REQUIRE(box);
  CHECK(box->name == "Doe, Jane \"JD\"");

  box = parse_mailbox("  jane@example.com ");
  REQUIRE(box);
  CHECK(box->name.empty());
  CHECK(box->address == "jane@example.com");

  CHECK_FALSE(parse_mailbox("Helpdesk"));
  CHECK_FALSE(parse_mailbox("Helpdesk <>"));
  CHECK_FALSE(parse_mailbox("a@b.c>\r\nRCPT TO:<x@y.z"));
  CHECK_FALSE(is_valid_address("a b@example.com"));
  CHECK_FALSE(is_valid_address("a@b@example.com"));
  CHECK_FALSE(is_valid_address("@example.com"));
  CHECK_FALSE(is_valid_address("jane@"));
  CHECK_FALSE(is_valid_address("jane@example.com\r\n"));
  CHECK(is_valid_address("jane.doe+tag@example.co.uk"));

  CHECK(format_mailbox("", "a@example.com") == "a@example.com");
  CHECK(format_mailbox("Jane \"JD\" Doe", "a@example.com") ==
        "\"Jane \\\"JD\\\" Doe\" <a@example.com>");
  CHECK(format_mailbox("Zoë", "a@example.com") == "=?UTF-8?B?Wm/Dqw==?= <a@example.com>");
  CHECK(format_mailbox("Eve\r\nBcc: x@y.z", "a@example.com") ==
        "\"Eve  Bcc: x@y.z\" <a@example.com>");
}

TEST_CASE("RFC 5322 dates are UTC with the weekday") {
  CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  // 2026-11-23 16:47:05.999 UTC, a Monday.
  CHECK(rfc5322_date(1795452425999) == "Mon, 23 Nov 2026 16:47:05 +0000");
  // 2024-02-29 23:59:59 UTC, a Thursday in a leap year.
  CHECK(rfc5322_date(1709251199000) == "Thu, 29 Feb 2024 23:59:59 +0000");
}

}  // namespace
}  // namespace hd::mail
