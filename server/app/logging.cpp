#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace hd::app {
namespace {

// A JSON object's members without the braces: the JSON pattern wraps them with time and level.
std::string fields_of(const boost::json::object& object) {
  const std::string text = boost::json::serialize(object);
  return text.substr(1, text.size() - 2);
}

}  // namespace

void log_message(spdlog::logger& logger, bool json, spdlog::level::level_enum level,
                 const std::string& text) {
  logger.log(level, "{}", json ? fields_of({{"msg", text}}) : text);
}

std::shared_ptr<spdlog::logger> make_logger(const Config::Log& options) {
  auto logger = std::make_shared<spdlog::logger>("helpdesk",
                                                 std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_level(spdlog::level::from_str(options.level));
  if (options.format == "json")
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::info);
  return logger;
}

void log_access(spdlog::logger& logger, bool json, const http::Completed& c) {
  if (json) {
    boost::json::object line{{"type", "access"},
                             {"request_id", c.request_id},
                             {"method", c.method},
                             {"route", c.route},
                             {"status", c.status},
                             {"bytes", c.bytes},
                             {"duration_ms", static_cast<double>(c.duration.count()) / 1000.0},
                             {"remote", c.remote_address}};
    logger.info(fields_of(line));
  } else {
    logger.info("{} {} {} {} {}B {:.3f}ms {}", c.request_id, c.method, c.route, c.status, c.bytes,
                static_cast<double>(c.duration.count()) / 1000.0, c.remote_address);
  }
}

}  // namespace hd::app
