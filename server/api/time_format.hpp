#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace hd::api {

/// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T16:21:47.123Z.
std::string format_time(domain::Millis t);

/// The length of format_time's text.
inline constexpr std::size_t kTimeTextSize = 24;

/// format_time's text into `out` (kTimeTextSize characters, no terminating NUL), without
/// allocating: a page of tickets writes about six hundred times.
void format_time_into(domain::Millis t, char* out);

/// Parses RFC 3339 (`Z` or an offset); nullopt when the text is not one.
std::optional<domain::Millis> parse_time(std::string_view text);

}  // namespace hd::api
