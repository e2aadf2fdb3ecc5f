#pragma once

#include <string>

#include "app/config.hpp"

namespace hd::app {

/// `helpdesk import FILE`: reads IMPORT.md's JSON Lines into the configured database in
/// all-or-nothing batches of `batch_size` lines, printing progress (a bar with rate and time
/// left on a terminal, plain lines otherwise). Returns the process exit code.
int import_history_file(const Config& config, const std::string& file, int batch_size);

/// `helpdesk export FILE`: writes every ticket in the same format.
int export_history_file(const Config& config, const std::string& file);

}  // namespace hd::app
