#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/input_errors.hpp"
#include "api/text_rules.hpp"
#include "http/types.hpp"

namespace hd::api {

/// Reads a JSON request body strictly: it must be an object, fields must have the right types,
/// text meets text_rules.hpp, and any field not asked for is an error. Problems are collected
/// so that one 400 lists them; finish() throws that 400 (`invalid_request` with
/// `errors: [{field, message}]` and `error_count`).
class JsonInput {
 public:
  /// Parses the body of `request`. A malformed body or a non-object throws a 400 at once.
  explicit JsonInput(const http::Request& request);

  std::optional<std::string> text(const char* field, std::size_t min_len, std::size_t max_len);
  std::string required_text(const char* field, std::size_t min_len, std::size_t max_len);
  std::optional<bool> boolean(const char* field);
  /// Any JSON number (integer or not).
  std::optional<double> number(const char* field);
  /// A whole number from `lo` to `hi`.
  std::optional<int> integer(const char* field, int lo, int hi);
  /// An integer id; the outer optional is empty when the field is absent, the inner one when
  /// it is an explicit null (clear).
  std::optional<std::optional<std::int64_t>> nullable_id(const char* field);
  std::optional<std::vector<std::string>> tags(const char* field);
  /// An array of `min`..`max` positive integer ids, duplicates removed, order kept.
  std::optional<std::vector<std::int64_t>> ids(const char* field, std::size_t min, std::size_t max);
  /// A nested object, or nullptr when absent or null; its members are the caller's to check.
  const boost::json::object* object(const char* field);
  /// A nested array (null or absent: nullptr), its items read by the caller.
  const boost::json::array* array(const char* field);
  /// A text that `parse` accepts (it returns an optional); anything else is an error.
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
  InputErrors errors_;
};

}  // namespace hd::api
