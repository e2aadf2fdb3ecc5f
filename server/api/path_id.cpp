#include "api/path_id.hpp"

#include <charconv>

#include "http/problem.hpp"

namespace hd::api {

store::Id path_id(const http::Context& ctx) {
  const std::string& text = ctx.param("id");
  store::Id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    throw http::Problem(404, "not_found", "No resource with this id.");
  return id;
}

}  // namespace hd::api
