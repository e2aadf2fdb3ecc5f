#pragma once

#include <boost/url/url_view.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/input_errors.hpp"
#include "domain/clock.hpp"

namespace hd::api {

/// Reads the query string of a list endpoint strictly, the way JsonInput reads a body: values
/// meet text_rules.hpp, numbers and times are checked, and a parameter not asked for is an
/// error. finish() throws one 400 `invalid_query` naming every bad parameter.
/// Owned by one handler; not thread-safe.
class QueryInput {
 public:
  explicit QueryInput(boost::urls::url_view url);

  /// Every value of `name`, in order (a repeatable parameter).
  std::vector<std::string> all(const char* name);
  /// The one value of `name`, 1 to `max_len` characters; given twice is an error.
  std::optional<std::string> text(const char* name, std::size_t max_len);
  /// A whole number from `lo` to `hi`.
  std::optional<std::int64_t> integer(const char* name, std::int64_t lo, std::int64_t hi);
  /// An RFC 3339 time (see time_format.hpp).
  std::optional<domain::Millis> time(const char* name);
  /// A text that `parse` accepts; `allowed` lists the accepted values for the message.
  template <class Parse>
  auto choice(const char* name, Parse parse, const char* allowed)
      -> decltype(parse(std::string_view{})) {
    auto value = text(name, 40);
    if (!value) return std::nullopt;
    auto parsed = parse(*value);
    if (!parsed) fail(name, std::string("must be one of ") + allowed);
    return parsed;
  }

  /// Records a problem with parameter `name`.
  void fail(std::string name, std::string message);
  /// Throws the collected problems, if any, and refuses parameters that were not read.
  void finish();

  /// Parses a whole number from `lo` to `hi`; nothing when `text` is not one.
  static std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t lo,
                                                   std::int64_t hi);

 private:
  std::vector<std::pair<std::string, std::string>> params_;
  std::set<std::string> read_;
  InputErrors errors_;
};

}  // namespace hd::api
