#include "api/form_input.hpp"

#include <boost/url/params_view.hpp>

#include "api/query_input.hpp"
#include "api/text_rules.hpp"
#include "http/problem.hpp"

namespace hd::api {

FormInput::FormInput(const std::string& body) {
  std::map<std::string, int> seen;
  try {
    boost::urls::encoding_opts form;
    form.space_as_plus = true;  // HTML forms encode a space as '+'
    for (const auto& p : boost::urls::params_view(body, form)) {
      std::string key = p.key, value = p.value;
      if (!is_valid_utf8(key) || !is_valid_utf8(value))
        throw http::Problem(400, "malformed_form", "The form holds text that is not valid UTF-8.");
      if (++seen[key] == 2) fail(key, "was sent more than once");
      fields_.emplace(std::move(key), std::move(value));
    }
  } catch (const boost::system::system_error&) {
    throw http::Problem(400, "malformed_form", "The form could not be read.");
  }
}

void FormInput::fail(std::string name, std::string message) {
  if (errors_.empty()) first_message_ = message;
  errors_.add(std::move(name), std::move(message));
}

std::optional<std::string> FormInput::text(const char* name, std::size_t min_len,
                                           std::size_t max_len) {
  const auto it = fields_.find(name);
  if (it == fields_.end()) return std::nullopt;
  if (auto problem = text_problem(it->second, min_len, max_len)) {
    fail(name, std::string(name) + " " + *problem);
    return std::nullopt;
  }
  return it->second;
}

std::string FormInput::required_text(const char* name, std::size_t max_len,
                                     const std::string& message) {
  const auto it = fields_.find(name);
  const bool blank =
      it == fields_.end() || it->second.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || text_problem(it->second, 1, max_len)) {
    fail(name, message);
    return {};
  }
  return it->second;
}

std::optional<int> FormInput::integer(const char* name, int lo, int hi) {
  const auto it = fields_.find(name);
  if (it == fields_.end() || it->second.empty()) return std::nullopt;
  const auto n = QueryInput::parse_integer(it->second, lo, hi);
  if (!n) {
    fail(name, std::string(name) + " must be a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi));
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

std::string FormInput::raw(const char* name) const {
  const auto it = fields_.find(name);
  return it == fields_.end() ? std::string() : it->second;
}

void FormInput::finish() const {
  if (!errors_.empty()) errors_.raise(422, "invalid_request", "The form has invalid fields");
}

}  // namespace hd::api
