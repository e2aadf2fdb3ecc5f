#include "api/json_input.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cctype>

#include "http/problem.hpp"

namespace hd::api {
namespace json = boost::json;

namespace {

// application/json or a structured +json type, parameters (charset) aside, in any case.
bool is_json_media_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::erase_if(type, [](char c) { return c == ' ' || c == '\t'; });
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "application/json" ||
         (type.starts_with("application/") && type.ends_with("+json"));
}

}  // namespace

JsonInput::JsonInput(const http::Request& request) {
  // A cross-site HTML form can post text/plain or a form encoding without asking, but never
  // application/json: refusing every other type keeps forms on other sites out of the API.
  if (!is_json_media_type(request[http::beast_http::field::content_type]))
    throw http::Problem(415, "unsupported_media_type",
                        "Send the body as JSON with 'Content-Type: application/json'.");
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
  errors_.add(std::move(field), std::move(message));
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
  if (auto problem = text_problem(s, min_len, max_len)) {
    fail(field, std::move(*problem));
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

std::optional<double> JsonInput::number(const char* field) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_number()) {
    fail(field, "must be a number");
    return std::nullopt;
  }
  return value->to_number<double>();
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
    if (!tag.is_string() || text_problem(tag.as_string(), 1, 64) ||
        std::any_of(tag.as_string().begin(), tag.as_string().end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      fail(field, "each tag must be 1 to 64 characters, without control characters");
      return std::nullopt;
    }
    tags.emplace_back(tag.as_string());
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

std::optional<std::vector<std::int64_t>> JsonInput::ids(const char* field, std::size_t min,
                                                        std::size_t max) {
  const auto* value = get(field);
  if (!value || value->is_null()) return std::nullopt;
  const auto message = "must be an array of " + std::to_string(min) + " to " + std::to_string(max) +
                       " positive integer ids";
  if (!value->is_array() || value->as_array().size() < min || value->as_array().size() > max) {
    fail(field, message);
    return std::nullopt;
  }
  std::vector<std::int64_t> ids;
  for (const auto& id : value->as_array()) {
    if (!id.is_int64() || id.as_int64() <= 0) {
      fail(field, message);
      return std::nullopt;
    }
    if (std::find(ids.begin(), ids.end(), id.as_int64()) == ids.end()) ids.push_back(id.as_int64());
  }
  return ids;
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

const json::array* JsonInput::array(const char* field) {
  const auto* value = get(field);
  if (!value || value->is_null()) return nullptr;
  if (!value->is_array()) {
    fail(field, "must be an array");
    return nullptr;
  }
  return &value->as_array();
}

void JsonInput::finish() {
  for (const auto& [key, value] : root_)
    if (!read_.contains(std::string(key))) fail(std::string(key), "is not a known field");
  if (!errors_.empty()) errors_.raise(400, "invalid_request", "The request has invalid fields");
}

}  // namespace hd::api
