#include "app/config.hpp"

#include <sstream>

#include <toml++/toml.h>

#include <unistd.h>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

namespace hd::app {
namespace {

// One setting: how to read it from text (environment) and from a TOML node (file).
struct Setting {
  std::function<bool(std::string_view)> from_text;
};

bool parse_int(std::string_view text, long long lo, long long hi, long long& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= lo && out <= hi;
}

template <class Int>
Setting integer(Int& target, long long lo, long long hi) {
  return {[&target, lo, hi](std::string_view text) {
    long long v = 0;
    if (!parse_int(text, lo, hi, v)) return false;
    target = static_cast<Int>(v);
    return true;
  }};
}

Setting text(std::string& target) {
  return {[&target](std::string_view value) {
    target = value;
    return true;
  }};
}

Setting one_of(std::string& target, std::vector<std::string> allowed) {
  return {[&target, allowed](std::string_view value) {
    for (const auto& a : allowed)
      if (a == value) {
        target = value;
        return true;
      }
    return false;
  }};
}

Setting boolean(bool& target) {
  return {[&target](std::string_view value) {
    if (value != "true" && value != "false") return false;
    target = value == "true";
    return true;
  }};
}

Setting duration_ms(domain::Millis& target) {
  return {[&target](std::string_view value) {
    auto ms = parse_duration(value);
    if (!ms) return false;
    target = *ms;
    return true;
  }};
}

Setting chrono_ms(std::chrono::milliseconds& target) {
  return {[&target](std::string_view value) {
    auto ms = parse_duration(value);
    if (!ms) return false;
    target = std::chrono::milliseconds(*ms);
    return true;
  }};
}

std::map<std::string, Setting> settings_of(Config& c) {
  return {
      {"server.listen", text(c.server.listen)},
      {"server.threads", integer(c.server.threads, 0, 256)},
      {"server.public_url", text(c.server.public_url)},
      {"http.header_limit", integer(c.http.header_limit, 1024, 1 << 20)},
      {"http.body_limit", integer(c.http.body_limit, 1024, 64 << 20)},
      {"http.read_timeout", chrono_ms(c.http.read_timeout)},
      {"http.idle_timeout", chrono_ms(c.http.idle_timeout)},
      {"http.max_connections", integer(c.http.max_connections, 1, 1'000'000)},
      {"http.shutdown_grace", chrono_ms(c.http.shutdown_grace)},
      {"db.path", text(c.db.path)},
      {"db.readers", integer(c.db.readers, 0, 64)},
      {"db.report_readers", integer(c.db.report_readers, 1, 64)},
      {"db.busy_timeout", {[&c](std::string_view v) {
         auto ms = parse_duration(v);
         if (!ms) return false;
         c.db.busy_timeout_ms = static_cast<int>(*ms);
         return true;
       }}},
      {"db.synchronous", {[&c](std::string_view v) {
         if (v != "full" && v != "normal") return false;
         c.db.synchronous_full = v == "full";
         return true;
       }}},
      {"db.max_batch", integer(c.db.max_batch, 1, 10'000)},
      {"db.wal_limit_mib", {[&c](std::string_view v) {
         long long mib = 0;
         if (!parse_int(v, 1, 1 << 20, mib)) return false;
         c.db.wal_limit_bytes = mib << 20;
         return true;
       }}},
      {"db.checkpoint_interval", {[&c](std::string_view v) {
         auto ms = parse_duration(v);
         if (!ms || *ms < 1 || *ms > 60'000) return false;
         c.db.checkpoint_interval_ms = static_cast<int>(*ms);
         return true;
       }}},
      {"db.checkpoint_wait", {[&c](std::string_view v) {
         auto ms = parse_duration(v);
         if (!ms || *ms > 60'000) return false;
         c.db.checkpoint_wait_ms = static_cast<int>(*ms);
         return true;
       }}},
      {"log.format", one_of(c.log.format, {"text", "json"})},
      {"log.level", one_of(c.log.level, {"trace", "debug", "info", "warn", "error", "off"})},
      {"auth.session_ttl", duration_ms(c.auth.session_ttl_ms)},
      {"auth.max_failures_per_account", integer(c.auth.max_failures_per_account, 1, 1000)},
      {"auth.max_failures_per_address", integer(c.auth.max_failures_per_address, 1, 100000)},
      {"auth.failure_window", duration_ms(c.auth.failure_window_ms)},
      {"auth.secure_cookie", boolean(c.auth.secure_cookie)},
      {"survey.delay", duration_ms(c.survey.delay_ms)},
      {"survey.reminder_after", duration_ms(c.survey.reminder_after_ms)},
      {"survey.expire_after", duration_ms(c.survey.expire_after_ms)},
      {"survey.reopen_at_or_below", integer(c.survey.reopen_at_or_below, 0, 5)},
      {"survey.ask_nps", boolean(c.survey.ask_nps)},
      {"sla.warn_at_percent", integer(c.sla.warn_at_percent, 1, 99)},
      {"sla.mail_notifications", boolean(c.sla.mail_notifications)},
      {"survey.ask_ces", boolean(c.survey.ask_ces)},
      {"survey.ask_comment", boolean(c.survey.ask_comment)},
      {"survey.teams_without_survey", {[&c](std::string_view v) {
         // Team ids separated by commas: each must be a number.
         for (char ch : v)
           if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != ',' && ch != ' ')
             return false;
         std::string ids(v);
         for (auto& ch : ids)
           if (ch == ',') ch = ' ';
         std::istringstream in(ids);
         c.survey.teams_without_survey.clear();
         for (std::int64_t id; in >> id;) c.survey.teams_without_survey.insert(id);
         return true;
       }}},
      {"jobs.workers", integer(c.jobs.workers, 1, 64)},
      {"jobs.max_attempts", integer(c.jobs.max_attempts, 1, 100)},
      {"jobs.first_retry", duration_ms(c.jobs.first_retry_ms)},
      {"jobs.max_retry", duration_ms(c.jobs.max_retry_ms)},
      {"jobs.lease", duration_ms(c.jobs.lease_ms)},
      {"events.heartbeat", chrono_ms(c.events.heartbeat)},
      {"events.queue_limit", integer(c.events.queue_limit, 1, 1'000'000)},
      {"events.write_timeout", chrono_ms(c.events.write_timeout)},
      {"web.root", text(c.web.root)},
      {"mail.smtp_url", text(c.mail.smtp_url)},
      {"mail.from", text(c.mail.from)},
      {"mail.username", text(c.mail.username)},
      {"mail.password", text(c.mail.password)},
      {"mail.ca_file", text(c.mail.ca_file)},
      {"mail_in.max_message_bytes", integer(c.mail_in.max_message_bytes, 1024, 1LL << 30)},
      {"mail_in.team", integer(c.mail_in.team, 0, 1LL << 53)},
      {"mail_in.priority", one_of(c.mail_in.priority, {"low", "normal", "high", "urgent"})},
      {"mail_in.imap", {[&c](std::string_view v) {
         if (!parse_imap_mailboxes(v)) return false;
         c.mail_in.imap = v;
         return true;
       }}},
      {"mail_in.imap_username", text(c.mail_in.imap_username)},
      {"mail_in.imap_password", text(c.mail_in.imap_password)},
      {"mail_in.imap_starttls", boolean(c.mail_in.imap_starttls)},
      {"mail_in.imap_after", {[&c](std::string_view v) {
         if (v != "seen" && v != "delete" && v != "none" &&
             !(v.starts_with("move:") && v.size() > 5))
           return false;
         c.mail_in.imap_after = v;
         return true;
       }}},
      {"mail_in.imap_interval", duration_ms(c.mail_in.imap_interval_ms)},
      {"mail_in.mailboxes", {[&c](std::string_view v) {
         if (!parse_mailbox_routes(v)) return false;
         c.mail_in.mailboxes = v;
         return true;
       }}},
  };
}

// A TOML scalar as the text the setting parsers take (booleans, integers, strings).
std::optional<std::string> node_text(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<long long>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  return std::nullopt;
}

std::string env_name(const std::string& key) {
  std::string name = "HELPDESK_";
  for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

// The non-empty items of a comma-separated list, spaces around each trimmed.
std::vector<std::string_view> comma_items(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    auto item = text.substr(pos, end - pos);
    pos = end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

std::optional<std::vector<MailboxRouteSetting>> parse_mailbox_routes(std::string_view text) {
  std::vector<MailboxRouteSetting> routes;
  for (const auto item : comma_items(text)) {
    const auto eq = item.find('='), slash = item.find('/');
    if (eq == std::string_view::npos || eq == 0 || slash == std::string_view::npos || slash < eq)
      return std::nullopt;
    MailboxRouteSetting route;
    route.name = item.substr(0, eq);
    const auto team = item.substr(eq + 1, slash - eq - 1);
    if (!parse_int(team, 0, 1LL << 53, route.team)) return std::nullopt;
    route.priority = item.substr(slash + 1);
    if (route.priority != "low" && route.priority != "normal" && route.priority != "high" &&
        route.priority != "urgent")
      return std::nullopt;
    routes.push_back(std::move(route));
  }
  return routes;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_imap_mailboxes(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> mailboxes;
  for (const auto item : comma_items(text)) {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    const auto url = item.substr(eq + 1);
    if (!url.starts_with("imap://") && !url.starts_with("imaps://")) return std::nullopt;
    mailboxes.emplace_back(std::string(item.substr(0, eq)), std::string(url));
  }
  return mailboxes;
}

std::optional<domain::Millis> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  long long n = 0;
  std::from_chars(text.data(), text.data() + digits, n);
  const auto unit = text.substr(digits);
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  if (unit == "d") return n * 86'400'000;
  return std::nullopt;
}

Config load_config(const ConfigOverrides& overrides) {
  Config config;
  auto settings = settings_of(config);
  std::vector<std::string> problems;
  auto apply = [&](const std::string& key, std::string_view value, const std::string& where) {
    if (!settings.at(key).from_text(value))
      problems.push_back(where + ": '" + std::string(value) + "' is not a valid value for " + key);
  };

  if (overrides.config_path) {
    try {
      const toml::table file = toml::parse_file(*overrides.config_path);
      for (const auto& [section, node] : file) {
        const auto* table = node.as_table();
        if (!table) {
          problems.push_back(*overrides.config_path + ": '" + std::string(section.str()) +
                             "' is not a known section");
          continue;
        }
        for (const auto& [name, value] : *table) {
          const std::string key = std::string(section.str()) + "." + std::string(name.str());
          if (!settings.contains(key)) {
            problems.push_back(*overrides.config_path + ": unknown setting " + key);
            continue;
          }
          auto as_text = node_text(value);
          if (!as_text)
            problems.push_back(*overrides.config_path + ": " + key + " has the wrong type");
          else
            apply(key, *as_text, *overrides.config_path);
        }
      }
    } catch (const toml::parse_error& e) {
      problems.push_back(*overrides.config_path + ": " + std::string(e.description()));
    }
  }

  for (const auto& [key, setting] : settings) {
    const std::string name = env_name(key);
    if (const char* value = std::getenv(name.c_str())) apply(key, value, name);
  }
  // A variable that names one of our sections but no setting in it is a typo worth stopping for.
  for (char** env = environ; *env; ++env) {
    const std::string_view entry(*env);
    const std::string name(entry.substr(0, entry.find('=')));
    bool in_section = false, known = false;
    for (const auto& [key, setting] : settings) {
      const std::string section_prefix = env_name(key.substr(0, key.find('.') + 1));
      in_section = in_section || name.starts_with(section_prefix);
      known = known || env_name(key) == name;
    }
    if (in_section && !known) problems.push_back(name + ": unknown setting");
  }

  if (overrides.db_path) config.db.path = *overrides.db_path;
  if (overrides.listen) config.server.listen = *overrides.listen;
  if (!problems.empty()) {
    std::string message = "invalid configuration:";
    for (const auto& p : problems) message += "\n  " + p;
    throw ConfigError(message);
  }
  return config;
}

}  // namespace hd::app
