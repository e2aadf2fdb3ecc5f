#include "api/text_rules.hpp"

#include <algorithm>
#include <cstdint>

namespace hd::api {

std::size_t char_count(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length;
    std::uint32_t code;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

std::optional<std::string> text_problem(std::string_view text, std::size_t min_len,
                                        std::size_t max_len) {
  if (!is_valid_utf8(text)) return "must be valid UTF-8 text";
  // A NUL or an escape sequence breaks readers downstream (C strings, terminals, mail headers);
  // tabs and line breaks are ordinary text in a message.
  const auto is_control = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F;
  };
  if (std::any_of(text.begin(), text.end(), is_control))
    return "must not contain control characters";
  const auto length = char_count(text);
  if (length < min_len || length > max_len)
    return "must be " + std::to_string(min_len) + " to " + std::to_string(max_len) +
           " characters long";
  return std::nullopt;
}

bool looks_like_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  return email.size() <= 254 && dot != std::string_view::npos && dot > 0 &&
         dot + 1 < domain.size() && email.find_first_of(" \t\r\n<>,;") == std::string_view::npos &&
         std::none_of(email.begin(), email.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::string trim_space(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string normalize_email(std::string_view email) {
  std::string out = trim_space(email);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

}  // namespace hd::api
