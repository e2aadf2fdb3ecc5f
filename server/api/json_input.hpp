#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace hd::api {

/// Reads a JSON request body strictly: it must be an object, fields must have the right types,
/// and any field not asked for is an error. Problems are collected so that one 400 lists them
/// all; finish() throws that 400 (`invalid_request` with `errors: [{field, message}]`).
class JsonInput {
 public:
  /// Parses the body of `request`; a malformed body or a non-object throws a 400 at once.
  explicit JsonInput(const http::Request& request);

  std::optional<std::string> text(const char* field, std::size_t min_len, std::size_t max_len);
  std::string required_text(const char* field, std::size_t min_len, std::size_t max_len);
  std::optional<bool> boolean(const char* field);
  /// A whole number from `lo` to `hi`.
  std::optional<int> integer(const char* field, int lo, int hi);
  /// An integer id; `present` distinguishes an explicit null (clear) from absence.
  std::optional<std::optional<std::int64_t>> nullable_id(const char* field);
  std::optional<std::vector<std::string>> tags(const char* field);
  /// A nested object, read with its own JsonInput-like rules via the callback.
  const boost::json::object* object(const char* field);
  /// A text that must be one of `allowed` (parsed by `parse`).
  template <class Parse>
  auto choice(const char* field, Parse parse) -> decltype(parse(std::string_view{})) {
    auto value = text(field, 1, 40);
    if (!value) return std::nullopt;
    auto parsed = parse(*value);
    if (!parsed) fail(field, "'" + *value + "' is not an allowed value");
    return parsed;
  }

  /// Records a problem with `field`.
  void fail(std::string field, std::string message);
  /// Throws the collected problems, if any, and refuses fields that were not read.
  void finish();

  const boost::json::object& root() const { return root_; }

 private:
  const boost::json::value* get(const char* field);
  boost::json::object root_;
  std::set<std::string> read_;
  boost::json::array errors_;
  std::string prefix_;
};

/// Characters (code points) in valid UTF-8 text: limits count characters, not bytes.
std::size_t char_count(std::string_view utf8);

/// True for well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
/// The JSON parser checks this itself; form posts are checked with it.
bool is_valid_utf8(std::string_view text);

/// Validates an email address enough to catch typos (one @, a dot in the domain, no spaces).
bool looks_like_email(std::string_view email);

}  // namespace hd::api
