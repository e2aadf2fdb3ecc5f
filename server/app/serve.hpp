#pragma once

#include "app/config.hpp"

namespace hd::app {

/// `helpdesk serve`: migrates, starts the HTTP server and its background work, and runs until
/// SIGINT/SIGTERM; then stops accepting, finishes requests in flight, drains the writer.
/// Returns the process exit code.
int serve(const Config& config);

}  // namespace hd::app
