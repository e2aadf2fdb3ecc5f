// Fuzzes the JSON bodies of the API: any bytes, read the way a ticket is created (texts with
// limits, a nested customer object, tags, an id, a number, a flag, a choice). Reading must end in
// values that keep the promised limits, or in a 4xx problem whose answer is valid problem+json;
// never in another exception, a crash or undefined behaviour.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/input_errors.hpp"
#include "api/json_input.hpp"
#include "api/text_rules.hpp"
#include "http/problem.hpp"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "broken promise: %s\n", what);
  std::abort();
}

void check_text(const std::optional<std::string>& text, std::size_t lo, std::size_t hi) {
  if (!text) return;
  require(!hd::api::text_problem(*text, lo, hi), "an accepted text meets text_rules.hpp");
}

std::optional<int> priority(std::string_view text) {
  if (text == "low") return 0;
  if (text == "normal") return 1;
  if (text == "high") return 2;
  return std::nullopt;
}

void read_ticket(const hd::http::Request& request) {
  hd::api::JsonInput in(request);
  check_text(in.text("subject", 1, 250), 1, 250);
  if (auto body = in.required_text("body", 1, 20000); !body.empty()) check_text(body, 1, 20000);
  (void)in.boolean("internal");
  if (const auto n = in.integer("csat", 1, 5)) require(*n >= 1 && *n <= 5, "integer in range");
  if (const auto id = in.nullable_id("assignee_id"); id && *id)
    require(**id > 0, "an id is positive");
  if (const auto tags = in.tags("tags")) {
    require(tags->size() <= 50, "at most 50 tags");
    for (const auto& tag : *tags) {
      require(!tag.empty() && hd::api::char_count(tag) <= 64, "a tag is 1 to 64 characters");
      require(hd::api::is_valid_utf8(tag), "a tag is valid UTF-8");
    }
  }
  (void)in.choice("priority", priority);
  if (const auto* customer = in.object("customer")) {
    for (const auto& [key, value] : *customer) (void)key, (void)value;  // walk it
  }
  in.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hd::http::Request request{hd::http::beast_http::verb::post, "/api/v1/tickets", 11};
  request.set(hd::http::beast_http::field::content_type, "application/json");
  request.body().assign(reinterpret_cast<const char*>(data), size);
  request.prepare_payload();
  try {
    read_ticket(request);
  } catch (const hd::http::Problem& problem) {
    require(problem.status >= 400 && problem.status < 500, "a refusal is a 4xx");
    const auto response = hd::http::problem_response(problem, 11, false, "fuzz");
    boost::system::error_code ec;
    const auto body = boost::json::parse(response.body(), ec);
    require(!ec && body.is_object(), "the refusal is a JSON object");
    const auto& answer = body.as_object();
    require(answer.contains("code") && answer.contains("detail"),
            "the refusal names a code and a detail");
    if (const auto* errors = answer.if_contains("errors"))
      require(errors->is_array() && errors->as_array().size() <= hd::api::InputErrors::kShown,
              "a refusal lists at most the first few problems");
  }
  return 0;
}
