#include "api/query_input.hpp"

#include <charconv>

#include "api/text_rules.hpp"
#include "api/time_format.hpp"

namespace hd::api {

QueryInput::QueryInput(boost::urls::url_view url) {
  for (const auto& p : url.params()) {
    // Keys are the server's own names; a value is checked like any other text input.
    std::string key = p.key, value = p.has_value ? std::string(p.value) : std::string();
    if (auto problem = text_problem(value, 0, 1000)) {
      fail(key, std::move(*problem));
      read_.insert(key);
      continue;
    }
    params_.emplace_back(std::move(key), std::move(value));
  }
}

void QueryInput::fail(std::string name, std::string message) {
  errors_.add(std::move(name), std::move(message));
}

std::vector<std::string> QueryInput::all(const char* name) {
  read_.insert(name);
  std::vector<std::string> values;
  for (const auto& [key, value] : params_)
    if (key == name) values.push_back(value);
  return values;
}

std::optional<std::string> QueryInput::text(const char* name, std::size_t max_len) {
  auto values = all(name);
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) {
    fail(name, "must be given at most once");
    return std::nullopt;
  }
  if (auto problem = text_problem(values.front(), 1, max_len)) {
    fail(name, std::move(*problem));
    return std::nullopt;
  }
  return std::move(values.front());
}

std::optional<std::int64_t> QueryInput::parse_integer(std::string_view text, std::int64_t lo,
                                                      std::int64_t hi) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

std::optional<std::int64_t> QueryInput::integer(const char* name, std::int64_t lo,
                                                std::int64_t hi) {
  const auto value = text(name, 20);
  if (!value) return std::nullopt;
  auto n = parse_integer(*value, lo, hi);
  if (!n)
    fail(name, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return n;
}

std::optional<domain::Millis> QueryInput::time(const char* name) {
  const auto value = text(name, 40);
  if (!value) return std::nullopt;
  auto t = parse_time(*value);
  if (!t) fail(name, "must be an RFC 3339 time such as 2026-11-23T16:00:00Z");
  return t;
}

void QueryInput::finish() {
  for (const auto& [key, value] : params_)
    if (!read_.contains(key)) {
      read_.insert(key);  // named once, however often it was given
      fail(key, "is not a known parameter");
    }
  if (!errors_.empty()) errors_.raise(400, "invalid_query", "The query has invalid parameters");
}

}  // namespace hd::api
