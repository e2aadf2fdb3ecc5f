#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace hd::api {

/// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T16:21:47.123Z.
std::string format_time(domain::Millis t);

/// Parses RFC 3339 (`Z` or an offset); nullopt when the text is not one.
std::optional<domain::Millis> parse_time(std::string_view text);

}  // namespace hd::api
