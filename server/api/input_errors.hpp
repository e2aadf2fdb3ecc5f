#pragma once

#include <boost/json/array.hpp>
#include <cstddef>
#include <string>

namespace hd::api {

/// The problems found in one request's input (JSON body, form or query string), collected so
/// that one answer names them all. The answer stays small however bad the input: it lists the
/// first kShown problems and gives the total as `error_count`.
class InputErrors {
 public:
  static constexpr std::size_t kShown = 10;

  /// Records that `field` `message` (e.g. "subject", "must be 1 to 250 characters long").
  void add(std::string field, std::string message);
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }

  /// Throws http::Problem `status`/`code` with `errors: [{field, message}]` (the first kShown),
  /// `error_count`, and a detail that starts with `what`. REQUIRES: !empty().
  [[noreturn]] void raise(unsigned status, const char* code, const std::string& what) const;

 private:
  boost::json::array shown_;
  std::size_t count_ = 0;
};

}  // namespace hd::api
