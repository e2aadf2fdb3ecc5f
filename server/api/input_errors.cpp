#include "api/input_errors.hpp"

#include <boost/json/object.hpp>

#include "api/text_rules.hpp"
#include "http/problem.hpp"

namespace hd::api {
namespace json = boost::json;

void InputErrors::add(std::string field, std::string message) {
  ++count_;
  if (shown_.size() >= kShown) return;
  // A field name may come from the client: echo back only a short, readable one.
  if (text_problem(field, 0, 64)) field = "(a field with an unreadable or overlong name)";
  shown_.push_back(json::object{{"field", std::move(field)}, {"message", std::move(message)}});
}

void InputErrors::raise(unsigned status, const char* code, const std::string& what) const {
  std::string detail = what;
  for (std::size_t i = 0; i < shown_.size(); ++i) {
    const auto& e = shown_[i].as_object();
    detail += i ? "; " : ": ";
    detail +=
        std::string(e.at("field").as_string()) + " " + std::string(e.at("message").as_string());
  }
  if (count_ > shown_.size()) detail += "; and " + std::to_string(count_ - shown_.size()) + " more";
  throw http::Problem(status, code, detail + ".",
                      {{"errors", shown_}, {"error_count", static_cast<std::uint64_t>(count_)}});
}

}  // namespace hd::api
