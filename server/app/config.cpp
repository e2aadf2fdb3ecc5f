#include "app/config.hpp"

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
      {"db.readers", integer(c.db.readers, 1, 64)},
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
      {"survey.ask_ces", boolean(c.survey.ask_ces)},
      {"survey.ask_comment", boolean(c.survey.ask_comment)},
      {"survey.teams_without_survey", {[&c](std::string_view v) {
         // Team ids separated by commas: each must be a number.
         for (char ch : v)
           if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != ',' && ch != ' ')
             return false;
         c.survey.teams_without_survey = v;
         return true;
       }}},
      {"jobs.workers", integer(c.jobs.workers, 1, 64)},
      {"jobs.max_attempts", integer(c.jobs.max_attempts, 1, 100)},
      {"jobs.first_retry", duration_ms(c.jobs.first_retry_ms)},
      {"jobs.max_retry", duration_ms(c.jobs.max_retry_ms)},
      {"jobs.lease", duration_ms(c.jobs.lease_ms)},
      {"mail.smtp_url", text(c.mail.smtp_url)},
      {"mail.from", text(c.mail.from)},
      {"mail.username", text(c.mail.username)},
      {"mail.password", text(c.mail.password)},
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

}  // namespace

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
