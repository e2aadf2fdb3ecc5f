#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/services.hpp"
#include "http/types.hpp"
#include "jobs/runner.hpp"
#include "store/connection.hpp"

namespace hd::app {

/// Every setting, grouped by the layer that gets it. Defaults here are the documented ones of
/// config/helpdesk.toml.
struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";
    int threads = 0;  ///< 0: one per hardware thread
    std::string public_url = "http://localhost:8080";
  } server;
  http::HttpOptions http;
  store::DbOptions db;
  struct Log {
    std::string format = "text";  ///< text | json
    std::string level = "info";
  } log;
  api::AuthOptions auth;
  struct Survey {
    domain::Millis delay_ms = 3'600'000;
    domain::Millis reminder_after_ms = 3LL * 86'400'000;
    domain::Millis expire_after_ms = 7LL * 86'400'000;
    int reopen_at_or_below = 2;  ///< a CSAT at or below this reopens the ticket
    bool ask_nps = true, ask_ces = true, ask_comment = true;
    std::string teams_without_survey;  ///< comma-separated team ids
  } survey;
  jobs::JobOptions jobs;
  struct Mail {
    std::string smtp_url = "smtp://127.0.0.1:25";
    std::string from = "Helpdesk <helpdesk@localhost>";
    std::string username, password;
  } mail;
};

/// Thrown with every problem found, one per line, so a bad config is fixed in one go.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Command-line overrides, which win over the environment and the file.
struct ConfigOverrides {
  std::optional<std::string> config_path, db_path, listen;
};

/// Loads defaults, then the TOML file (if given or ./config/helpdesk.toml... only when given),
/// then HELPDESK_<SECTION>_<KEY> environment variables, then the overrides.
/// Throws ConfigError naming every unknown key and bad value.
Config load_config(const ConfigOverrides& overrides);

/// Parses durations such as 0s, 250ms, 90m, 1h, 3d into milliseconds.
std::optional<domain::Millis> parse_duration(std::string_view text);

}  // namespace hd::app
