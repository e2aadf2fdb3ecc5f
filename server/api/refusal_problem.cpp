#include "api/refusal_problem.hpp"

#include <boost/json/array.hpp>

namespace hd::api {
namespace json = boost::json;

http::Problem to_problem(const domain::Refusal& refusal) {
  using domain::errc;
  json::object extra;
  if (!refusal.field.empty())
    extra["errors"] =
        json::array{json::object{{"field", refusal.field}, {"message", refusal.what()}}};
  switch (refusal.code) {
    case errc::not_found:
      return {404, "not_found", refusal.what()};
    case errc::illegal_transition: {
      json::array allowed;
      for (auto s : refusal.allowed) allowed.emplace_back(domain::to_string(s));
      return {409, "illegal_transition", refusal.what(), {{"allowed", std::move(allowed)}}};
    }
    case errc::conflict:
      return {409, "conflict", refusal.what(), std::move(extra)};
    case errc::version_mismatch:
      return {412, "version_mismatch", refusal.what()};
    case errc::forbidden:
      return {403, "forbidden", refusal.what()};
    case errc::unauthenticated:
      return {401, "unauthenticated", refusal.what()};
    case errc::rate_limited:
      return {429, "too_many_attempts", refusal.what()};
    case errc::gone:
      return {410, "gone", refusal.what()};
    case errc::invalid_argument:
    default:
      return {422, "invalid_request", refusal.what(), std::move(extra)};
  }
}

}  // namespace hd::api
