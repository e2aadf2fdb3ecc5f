#include "mail/message.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace hd::mail {
namespace {

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool is_printable_ascii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const auto rest = bytes.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

bool is_valid_message_id(std::string_view id) {
  if (id.size() < 5 || id.front() != '<' || id.back() != '>') return false;
  const auto inner = id.substr(1, id.size() - 2);
  const auto at = inner.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == inner.size()) return false;
  for (char c : inner)
    if (is_control(c) || is_space(c) || c == '<' || c == '>' ||
        static_cast<unsigned char>(c) > 0x7e)
      return false;
  return true;
}

bool is_valid_address(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size()) return false;
  if (address.size() > 254) return false;  // RFC 5321's path limit, less the brackets
  for (char c : address) {
    if (is_control(c) || is_space(c)) return false;
    switch (c) {
      case '<':
      case '>':
      case '(':
      case ')':
      case '[':
      case ']':
      case ',':
      case ';':
      case ':':
      case '"':
      case '\\':
        return false;
      default:
        break;
    }
  }
  return address.find('@') == at;
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  Mailbox box;
  if (!text.empty() && text.back() == '>') {
    const auto open = text.rfind('<');
    if (open == std::string_view::npos) return std::nullopt;
    box.address = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
    auto name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size()) ++i;  // quoted-pair: keep what follows
        box.name += name[i];
      }
    } else {
      box.name = std::string(name);
    }
    box.name = sanitize_header_value(box.name);
  } else {
    box.address = std::string(text);
  }
  if (!is_valid_address(box.address)) return std::nullopt;
  return box;
}

std::string address_domain(std::string_view from) {
  const auto box = parse_mailbox(from);
  if (!box) return "localhost";
  return box->address.substr(box->address.rfind('@') + 1);
}

std::string ticket_message_id(std::int64_t ticket_id, std::int64_t mail_id,
                              std::string_view domain) {
  return "<ticket-" + std::to_string(ticket_id) + "-" + std::to_string(mail_id) + "@" +
         std::string(domain) + ">";
}

std::string ticket_thread_root(std::int64_t ticket_id, std::string_view domain) {
  return "<ticket-" + std::to_string(ticket_id) + "@" + std::string(domain) + ">";
}

void thread_into_ticket(Mail& mail, std::int64_t ticket_id, std::int64_t mail_id,
                        std::string_view domain, std::string_view customer_message_id) {
  const auto root = ticket_thread_root(ticket_id, domain);
  mail.message_id = ticket_message_id(ticket_id, mail_id, domain);
  mail.references = {root};
  mail.in_reply_to = root;
  customer_message_id = trim(customer_message_id);
  if (is_valid_message_id(customer_message_id) && customer_message_id != root) {
    mail.references.emplace_back(customer_message_id);
    mail.in_reply_to = std::string(customer_message_id);
  }
}

std::string ticket_tag(std::int64_t ticket_id) {
  return "[#" + std::to_string(ticket_id) + "]";
}

std::string ticket_subject(std::int64_t ticket_id, std::string_view subject) {
  const auto tag = ticket_tag(ticket_id);
  auto clean = sanitize_header_value(subject);
  if (clean.find(tag) != std::string::npos) return clean;
  if (clean.empty()) return tag;
  return tag + " " + clean;
}

std::string sanitize_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) out += (is_control(c) && c != '\t') ? ' ' : c;
  return std::string(trim(out));
}

std::string encode_header_text(std::string_view text) {
  const auto clean = sanitize_header_value(text);
  // Plain ASCII stays readable, unless it would overrun RFC 5322's 998-character line limit:
  // encoded words can be folded, bare text without spaces can't.
  constexpr std::size_t kMaxPlain = 900;
  if (is_printable_ascii(clean) && clean.size() <= kMaxPlain) return clean;
  // 75 characters per encoded word, 12 of them "=?UTF-8?B?" and "?=": 63 left for base64,
  // that is 15 groups of 4, carrying 45 bytes.
  constexpr std::size_t kMaxBytes = 45;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    auto n = std::min(kMaxBytes, rest.size());
    // Never split a UTF-8 sequence: back up while the next byte is a continuation byte.
    while (n < rest.size() && n > 0 && (static_cast<unsigned char>(rest[n]) & 0xC0) == 0x80) --n;
    if (n == 0) n = std::min(kMaxBytes, rest.size());  // not UTF-8 at all: split anyway
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(rest.substr(0, n)) + "?=";
    rest.remove_prefix(n);
  }
  return out;
}

std::string format_mailbox(std::string_view name, std::string_view address) {
  const auto clean = sanitize_header_value(name);
  if (clean.empty()) return std::string(address);
  if (!is_printable_ascii(clean))
    return encode_header_text(clean) + " <" + std::string(address) + ">";
  std::string quoted = "\"";
  for (char c : clean) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" <" + std::string(address) + ">";
}

std::string rfc5322_date(domain::Millis at) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_time<milliseconds> t{milliseconds{at}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace hd::mail
