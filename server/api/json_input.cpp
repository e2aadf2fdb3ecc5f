#include "api/json_input.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "http/problem.hpp"

namespace hd::api {
namespace json = boost::json;

JsonInput::JsonInput(const http::Request& request) {
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body(), ec);
  if (ec)
    throw http::Problem(400, "malformed_json",
                        "The request body is not valid JSON: " + ec.message() + ".");
  if (!parsed.is_object())
    throw http::Problem(400, "malformed_json", "The request body must be a JSON object.");
  root_ = std::move(parsed.as_object());
}

const json::value* JsonInput::get(const char* field) {
  read_.insert(field);
  const auto* value = root_.if_contains(field);
  return value;
}

void JsonInput::fail(std::string field, std::string message) {
  errors_.push_back(json::object{{"field", std::move(field)}, {"message", std::move(message)}});
}

std::optional<std::string> JsonInput::text(const char* field, std::size_t min_len,
                                           std::size_t max_len) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    fail(field, "must be a string");
    return std::nullopt;
  }
  std::string s(value->as_string());
  // Limits count characters (code points), not bytes: the parser has checked the UTF-8.
  const auto length = static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (length < min_len || length > max_len) {
    fail(field, "must be " + std::to_string(min_len) + " to " + std::to_string(max_len) +
                    " characters long");
    return std::nullopt;
  }
  return s;
}

std::string JsonInput::required_text(const char* field, std::size_t min_len, std::size_t max_len) {
  const auto* value = root_.if_contains(field);
  if (!value || value->is_null()) {
    read_.insert(field);
    fail(field, "is required");
    return {};
  }
  return text(field, min_len, max_len).value_or("");
}

std::optional<bool> JsonInput::boolean(const char* field) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_bool()) {
    fail(field, "must be true or false");
    return std::nullopt;
  }
  return value->as_bool();
}

std::optional<int> JsonInput::integer(const char* field, int lo, int hi) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_int64() || value->as_int64() < lo || value->as_int64() > hi) {
    fail(field, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  return static_cast<int>(value->as_int64());
}

std::optional<std::optional<std::int64_t>> JsonInput::nullable_id(const char* field) {
  const auto* value = get(field);
  if (!value) return std::nullopt;
  if (value->is_null()) return std::optional<std::int64_t>{};
  if (!value->is_int64() || value->as_int64() <= 0) {
    fail(field, "must be a positive integer id or null");
    return std::nullopt;
  }
  return std::optional<std::int64_t>{value->as_int64()};
}

std::optional<std::vector<std::string>> JsonInput::tags(const char* field) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_array() || value->as_array().size() > 50) {
    fail(field, "must be an array of at most 50 tags");
    return std::nullopt;
  }
  std::vector<std::string> tags;
  for (const auto& tag : value->as_array()) {
    const auto is_control = [](char c) { return static_cast<unsigned char>(c) < 0x20; };
    if (!tag.is_string() || tag.as_string().empty() || char_count(tag.as_string()) > 64 ||
        std::any_of(tag.as_string().begin(), tag.as_string().end(), is_control)) {
      fail(field, "each tag must be 1 to 64 characters, without control characters");
      return std::nullopt;
    }
    tags.emplace_back(tag.as_string());
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

const json::object* JsonInput::object(const char* field) {
  const auto* value = get(field);
  if (!value || value->is_null()) return nullptr;
  if (!value->is_object()) {
    fail(field, "must be an object");
    return nullptr;
  }
  return &value->as_object();
}

void JsonInput::finish() {
  for (const auto& [key, value] : root_)
    if (!read_.contains(std::string(key))) fail(std::string(key), "is not a known field");
  if (errors_.empty()) return;
  std::string detail = "The request has invalid fields: ";
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    const auto& e = errors_[i].as_object();
    if (i) detail += "; ";
    detail +=
        std::string(e.at("field").as_string()) + " " + std::string(e.at("message").as_string());
  }
  throw http::Problem(400, "invalid_request", detail + ".", {{"errors", errors_}});
}

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

bool looks_like_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  return email.size() <= 254 && dot != std::string_view::npos && dot > 0 &&
         dot + 1 < domain.size() && email.find_first_of(" \t\r\n<>,;") == std::string_view::npos;
}

}  // namespace hd::api
