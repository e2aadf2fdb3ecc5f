#include "app/cli.hpp"

#include <sodium.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "api/json_input.hpp"
#include "api/routes.hpp"
#include "app/config.hpp"
#include "app/history_cli.hpp"
#include "app/mail_in.hpp"
#include "app/seed_demo.hpp"
#include "app/serve.hpp"
#include "domain/refusal.hpp"
#include "security/secrets.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/people.hpp"

namespace hd::app {
namespace {

// Opens and migrates the configured database for a one-off command.
std::unique_ptr<store::Database> open_migrated(const Config& config, domain::Millis now) {
  auto db = std::make_unique<store::Database>(config.db);
  store::migrate(*db, now);
  return db;
}

int add_user(const Config& config, const std::string& email, const std::string& name,
             const std::string& role_name) {
  const auto role = domain::parse_role(role_name);
  if (!role) throw CLI::ValidationError("--role", "must be agent, supervisor or admin");
  if (!api::looks_like_email(email))
    throw CLI::ValidationError("--email", "must be an email address");
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < 10) {
    std::cerr
        << "error: the password (read from standard input) must have at least 10 characters\n";
    return 2;
  }
  domain::SystemClock clock;
  auto db = open_migrated(config, clock.now_ms());
  store::UserRecord user{
      0, email, name, *role, std::nullopt, true, 0, security::hash_password(password)};
  const auto saved = db->write_blocking(
      [&](store::Tx& tx) { return store::create_user(tx, user, clock.now_ms()); });
  std::cout << "created " << domain::to_string(saved.role) << " " << saved.email << " (id "
            << saved.id << ")\n";
  return 0;
}

int seed(const Config& config, int tickets) {
  domain::SystemClock clock;
  auto db = open_migrated(config, clock.now_ms());
  const bool empty =
      db->read_blocking([](store::Connection& c) { return store::count_tickets(c) == 0; });
  if (!empty) {
    std::cout << "the database already has tickets: demo data not written again\n";
    return 0;
  }
  const auto summary = seed_demo(*db, tickets, clock.now_ms(), 20261123);
  std::cout << "demo data: " << summary.teams << " teams, " << summary.agents << " staff, "
            << summary.customers << " customers, " << summary.tickets << " tickets\n"
            << "demo login: " << summary.login_email << " / " << summary.login_password << "\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "error: libsodium could not be initialised\n";
    return 1;
  }
  store::configure_sqlite();
  CLI::App app{"Helpdesk: a help-desk ticket server"};
  app.require_subcommand(1);
  ConfigOverrides overrides;
  std::string config_path, db_path, listen;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--config", config_path, "TOML config file (see config/helpdesk.toml)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--db", db_path, "SQLite database file (overrides [db] path)");
  };

  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server");
  add_common(serve_cmd);
  serve_cmd->add_option("--listen", listen, "HOST:PORT to listen on (overrides [server] listen)");
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending schema migrations and exit");
  add_common(migrate_cmd);
  auto* user_cmd = app.add_subcommand("user", "Manage staff accounts");
  user_cmd->require_subcommand(1);
  auto* user_add =
      user_cmd->add_subcommand("add", "Create a user; the password is read from standard input");
  add_common(user_add);
  std::string email, name, role = "agent";
  user_add->add_option("--email", email, "Login email")->required();
  user_add->add_option("--name", name, "Display name")->required();
  user_add->add_option("--role", role, "agent, supervisor or admin")->capture_default_str();
  auto* seed_cmd =
      app.add_subcommand("seed-demo", "Write a 90-day demo history into an empty database");
  add_common(seed_cmd);
  int tickets = 2000;
  seed_cmd->add_option("--tickets", tickets, "How many tickets")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  auto* mail_in_cmd = app.add_subcommand(
      "mail-in", "File the one mail on standard input (exit status per sysexits, 75: retry)");
  add_common(mail_in_cmd);
  std::string mailbox;
  mail_in_cmd->add_option("--mailbox", mailbox, "A mailbox of [mail_in] mailboxes");
  auto* import_cmd =
      app.add_subcommand("import", "Import ticket history from JSON Lines (docs/IMPORT.md)");
  add_common(import_cmd);
  std::string history_file;
  int batch_size = 10'000;
  import_cmd->add_option("FILE", history_file, "The JSON Lines file")->required();
  import_cmd->add_option("--batch", batch_size, "Lines per all-or-nothing batch")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  auto* export_cmd =
      app.add_subcommand("export", "Export every ticket as JSON Lines (docs/IMPORT.md)");
  add_common(export_cmd);
  export_cmd->add_option("FILE", history_file, "The JSON Lines file to write")->required();
  auto* routes_cmd = app.add_subcommand("routes", "Print every HTTP route and exit");
  add_common(routes_cmd);  // accepted like everywhere; the routes don't depend on them

  CLI11_PARSE(app, argc, argv);
  try {
    if (!config_path.empty()) overrides.config_path = config_path;
    if (!db_path.empty()) overrides.db_path = db_path;
    if (!listen.empty()) overrides.listen = listen;
    const Config config = load_config(overrides);
    if (*serve_cmd) return serve(config);
    if (*migrate_cmd) {
      domain::SystemClock clock;
      store::Database db(config.db);
      const auto applied = store::migrate(db, clock.now_ms());
      std::cout << (applied.empty() ? "schema is up to date"
                                    : "applied " + std::to_string(applied.size()) + " migration(s)")
                << " (version " << store::latest_schema_version() << ")\n";
      return 0;
    }
    if (*user_add) return add_user(config, email, name, role);
    if (*seed_cmd) return seed(config, tickets);
    if (*mail_in_cmd) return mail_in(config, mailbox);
    if (*import_cmd) return import_history_file(config, history_file, batch_size);
    if (*export_cmd) return export_history_file(config, history_file);
    if (*routes_cmd) {
      // Routes are printed from the same registration code the server runs.
      http::Router router;
      domain::SystemClock clock;
      api::Metrics metrics;
      api::LoginLimiter limiter;
      api::CredentialCache credentials;
      store::DbOptions memory;
      memory.path = ":memory:";
      memory.readers = 1;
      store::Database db(memory);
      api::Services services{db, clock, {}, {}, limiter, metrics, credentials, {}};
      api::add_routes(router, services);
      for (const auto& line : router.describe()) std::cout << line << "\n";
      return 0;
    }
  } catch (const CLI::Error& e) {
    return app.exit(e);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    // An MTA keeps a mail whose delivery failed on configuration (sysexits EX_CONFIG).
    return *mail_in_cmd ? 78 : 2;
  } catch (const store::SchemaTooNew& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  } catch (const domain::Refusal& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace hd::app
