#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/history_store.hpp"

namespace hd::api::history {

/// A line the import refuses: its number, the field at fault (e.g. "events[3].to") and why.
struct LineError {
  int line = 0;
  std::string field, message;
};

/// Parses one JSON Lines history ticket (IMPORT.md) into `out` and replays it through the
/// ticket state machine. People are resolved through `people` (unknown ones get provisional
/// ids). Returns the first problem of the line, or nothing when it is valid.
std::optional<LineError> parse_ticket(std::string_view text, int line,
                                      store::history::Directory& people,
                                      const domain::Calendar& business,
                                      store::history::ImportTicket& out);

}  // namespace hd::api::history
