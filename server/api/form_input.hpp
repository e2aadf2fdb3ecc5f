#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "api/input_errors.hpp"

namespace hd::api {

/// Reads an application/x-www-form-urlencoded body (the public HTML pages) to the standard of
/// JsonInput: every value meets text_rules.hpp, numbers are numbers in range, a field given
/// twice is an error. Fields not asked for are ignored (browsers send buttons and the like).
/// A body that is not a form at all, or holds invalid UTF-8 anywhere, throws a 400 at once.
/// Owned by one handler; not thread-safe.
class FormInput {
 public:
  explicit FormInput(const std::string& body);

  /// The value of `name` with `min_len` to `max_len` characters, or nothing when it is absent
  /// (or wrong: then a problem is recorded).
  std::optional<std::string> text(const char* name, std::size_t min_len, std::size_t max_len);
  /// Like text(), but absence or blankness is a problem too (`message` says what is wanted).
  std::string required_text(const char* name, std::size_t max_len, const std::string& message);
  /// A whole number from `lo` to `hi`.
  std::optional<int> integer(const char* name, int lo, int hi);
  /// The raw value of `name` without checks beyond UTF-8 (hidden fields such as csrf).
  std::string raw(const char* name) const;

  /// Records a problem with `name`; `message` is shown to a person.
  void fail(std::string name, std::string message);
  bool ok() const { return errors_.empty(); }
  /// The first problem's message, for showing above a form again.
  const std::string& first_message() const { return first_message_; }
  /// Throws the collected problems, if any, as 422 `invalid_request`.
  void finish() const;

 private:
  std::map<std::string, std::string> fields_;
  InputErrors errors_;
  std::string first_message_;
};

}  // namespace hd::api
