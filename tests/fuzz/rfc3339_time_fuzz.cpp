// Fuzzes the reading of times given by clients (RFC 3339, `Z` or an offset: `?since=`, due
// dates...). A text is refused, or read as an instant that the API writes back as RFC 3339 UTC
// and reads again to the same instant; never a crash or undefined behaviour.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/time_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = hd::api::parse_time(text);
  if (!t) return 0;
  const std::string written = hd::api::format_time(*t);
  const auto again = hd::api::parse_time(written);
  if (!again || *again != *t) {
    std::fprintf(stderr, "'%.*s' was read as %lld, written as '%s', read back as %s\n",
                 static_cast<int>(text.size()), text.data(), static_cast<long long>(*t),
                 written.c_str(), again ? std::to_string(*again).c_str() : "a refusal");
    std::abort();
  }
  return 0;
}
