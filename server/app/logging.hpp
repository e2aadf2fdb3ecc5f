#pragma once

#include <spdlog/logger.h>
#include <memory>

#include "app/config.hpp"
#include "http/types.hpp"

namespace hd::app {

/// The process logger (stdout), in text or JSON lines as configured.
std::shared_ptr<spdlog::logger> make_logger(const Config::Log& options);

/// A plain message, as a line of the configured format.
void log_message(spdlog::logger& logger, bool json, spdlog::level::level_enum level,
                 const std::string& text);

/// One access-log line: request id, method, route, status, bytes, duration. Never bodies.
void log_access(spdlog::logger& logger, bool json, const http::Completed& c);

}  // namespace hd::app
