// Fuzzes the forms of the public pages (contact form, survey answer, portal reply): the input is
// an application/x-www-form-urlencoded body read by api::FormInput the way those pages read it.
// It must end in values that meet text_rules.hpp and their ranges, or in a 400/422 problem;
// never in another exception, a crash or undefined behaviour.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/form_input.hpp"
#include "api/text_rules.hpp"
#include "http/problem.hpp"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "broken promise: %s\n", what);
  std::abort();
}

void check_text(const std::optional<std::string>& text, std::size_t lo, std::size_t hi) {
  if (text) require(!hd::api::text_problem(*text, lo, hi), "an accepted text meets text_rules");
}

void read_forms(const std::string& body) {
  hd::api::FormInput in(body);
  check_text(in.text("name", 1, 200), 1, 200);
  check_text(in.text("comment", 0, 5000), 0, 5000);
  const std::string email = in.required_text("email", 254, "Please give your e-mail address.");
  if (!email.empty()) check_text(email, 1, 254);
  if (const auto csat = in.integer("csat", 1, 5)) require(*csat >= 1 && *csat <= 5, "in range");
  if (const auto nps = in.integer("nps", 0, 10)) require(*nps >= 0 && *nps <= 10, "in range");
  require(hd::api::is_valid_utf8(in.raw("csrf")), "a raw value is valid UTF-8");
  if (!in.ok()) require(!in.first_message().empty(), "a refusal says what is wrong");
  in.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    read_forms(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const hd::http::Problem& problem) {
    require(problem.status == 400 || problem.status == 422, "a refusal is a 400 or a 422");
  }
  return 0;
}
