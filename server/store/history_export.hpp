#pragma once

#include <functional>
#include <string_view>

#include "store/connection.hpp"

namespace hd::store::history {

/// Writes every ticket as one line of IMPORT.md's JSON Lines, in id order, through `line`
/// (without the newline), reading a thousand tickets at a time so that memory stays small.
/// Moves that other events imply (a customer's message reopening, a survey answer closing)
/// are not written again; a live "not resolved" reopen after a "resolved" answer is marked
/// `"reopen": true` on the answer. Returns how many tickets were written. Runs on a reader.
long export_history(Connection& db, const std::function<void(std::string_view)>& line);

}  // namespace hd::store::history
