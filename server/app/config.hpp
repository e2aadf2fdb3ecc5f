#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/services.hpp"
#include "domain/satisfaction.hpp"
#include "http/event_stream.hpp"
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
  http::EventStreamOptions events;  ///< [events]: the agents' live event streams
  store::DbOptions db;
  struct Log {
    std::string format = "text";  ///< text | json
    std::string level = "info";
  } log;
  api::AuthOptions auth;
  domain::SurveySettings survey;
  jobs::JobOptions jobs;
  struct Web {
    std::string root;  ///< the built web app (web/dist); empty: found beside the binary/source
  } web;
  struct Sla {
    int warn_at_percent = 80;        ///< share of a target's business time that fires sla_warning
    bool mail_notifications = true;  ///< mail warnings and breaches to assignee and supervisors
  } sla;
  struct Mail {
    std::string smtp_url = "smtp://127.0.0.1:25";
    std::string from = "Helpdesk <helpdesk@localhost>";
    std::string username, password;
    std::string ca_file;  ///< CAs to trust for the SMTP server's TLS; empty: the system's
  } mail;
  /// [mail_in]: inbound mail (POST /api/v1/mail/inbound, `helpdesk mail-in`, IMAP).
  struct MailIn {
    long long max_message_bytes = 25LL * 1024 * 1024;
    long long team = 0;  ///< team id of new tickets; 0: none
    std::string priority = "normal";
    /// "NAME=TEAM/PRIORITY" separated by commas, e.g. "billing=2/high, sales=3/normal".
    std::string mailboxes;
    /// IMAP mailboxes to read, "NAME=URL, ...": imaps://host/FOLDER or imap://host/FOLDER.
    std::string imap;
    std::string imap_username, imap_password;  ///< unless given in the URL
    bool imap_starttls = true;                 ///< imap:// insists on STARTTLS
    std::string imap_after = "seen";           ///< seen | delete | move:FOLDER | none
    domain::Millis imap_interval_ms = 60'000;
  } mail_in;
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

/// One mailbox of [mail_in] mailboxes.
struct MailboxRouteSetting {
  std::string name;
  long long team = 0;  ///< 0: none
  std::string priority = "normal";
};
/// Parses "NAME=TEAM/PRIORITY, ..."; nullopt when an item is malformed.
std::optional<std::vector<MailboxRouteSetting>> parse_mailbox_routes(std::string_view text);

/// Parses "NAME=imap(s)://..., ..."; nullopt when an item is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_imap_mailboxes(
    std::string_view text);

/// Parses durations such as 0s, 250ms, 90m, 1h, 3d into milliseconds.
std::optional<domain::Millis> parse_duration(std::string_view text);

}  // namespace hd::app
