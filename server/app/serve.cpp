#include "app/serve.hpp"

#include <malloc.h>
#include <pthread.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "api/live_events.hpp"
#include "api/routes.hpp"
#include "api/time_format.hpp"
#include "app/logging.hpp"
#include "app/mail_in.hpp"
#include "app/web_root.hpp"
#include "domain/calendar.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "jobs/customer_mail_jobs.hpp"
#include "jobs/imap_fetcher.hpp"
#include "jobs/satisfaction_jobs.hpp"
#include "jobs/sla_jobs.hpp"
#include "mail/smtp_sender.hpp"
#include "store/kpi_reports.hpp"
#include "store/migrations.hpp"
#include "store/sla_store.hpp"

namespace hd::app {
namespace asio = boost::asio;

namespace {

std::pair<std::string, unsigned short> split_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw ConfigError("server.listen must be HOST:PORT, not '" + listen + "'");
  const int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw ConfigError("server.listen has an invalid port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, static_cast<unsigned short>(port)};
}

jobs::SatisfactionSettings satisfaction_settings(const Config& config) {
  jobs::SatisfactionSettings s;
  s.public_url = config.server.public_url;
  while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
  s.mail_from = config.mail.from;
  s.survey = config.survey;
  return s;
}

// Supervisors open reports of the recent past first: their facts are read into memory now, on a
// reader, rather than by the first report (about a second on a million tickets).
asio::awaitable<void> warm_recent_reports(store::Database& db) {
  constexpr domain::Millis kRecent = 92LL * 24 * 3600 * 1000;  // a quarter and a day or two
  co_await db.read([&db](store::Connection& c) {
    store::kpi::warm_recent_facts(c, db.kpi_fact_cache(), kRecent);
    return 0;
  });
}

}  // namespace

int serve(const Config& config) {
  // A page of tickets builds a few hundred KB of JSON, freed when answered. glibc's default
  // hands blocks that large to fresh mmap()s and trims the heap top eagerly, so every such
  // request paid page faults for memory it had just returned (a fifth of the list endpoint's
  // time). Keeping them in the heap lets the next request reuse them.
  mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  const bool json_logs = config.log.format == "json";
  auto logger = make_logger(config.log);
  auto say = [&](spdlog::level::level_enum level, const std::string& text) {
    log_message(*logger, json_logs, level, text);
  };
  const auto [host, port] = split_listen(config.server.listen);

  domain::SystemClock system_clock;
  // Tests (and demos) can start the clock at a chosen instant; it then runs at real speed.
  domain::Millis clock_offset = 0;
  if (const char* start = std::getenv("HELPDESK_TEST_CLOCK_START"); start && *start) {
    const auto at = api::parse_time(start);
    if (!at) throw ConfigError("HELPDESK_TEST_CLOCK_START must be an RFC 3339 time");
    clock_offset = *at - system_clock.now_ms();
    say(spdlog::level::warn, std::string("test clock: time starts at ") + start);
  }
  const domain::ShiftedClock clock(system_clock, clock_offset);
  domain::AlwaysOpenCalendar calendar;
  api::Metrics metrics;
  api::LoginLimiter limiter;
  api::CredentialCache credentials;
  // The writer wakes the job runner after a commit that queued a job; the runner is made after
  // the database it runs on, hence the pointer.
  std::atomic<jobs::JobRunner*> runner_ptr{nullptr};
  std::atomic<api::LiveEvents*> live_ptr{nullptr};  // likewise: made after the database
  store::Database db(
      config.db,
      [&](const store::BatchCommitted& batch) {
        metrics.observe_write_batch(batch);
        if (auto* runner = runner_ptr.load(); runner && batch.jobs_queued) runner->notify();
        if (auto* live = live_ptr.load()) live->notify_commit();
      },
      [&](const store::CheckpointDone& done) { metrics.observe_checkpoint(done); });
  for (const auto& name : store::migrate(db, clock.now_ms()))
    say(spdlog::level::info, "applied migration " + name);

  mail::global_init();
  mail::SmtpSender sender({.url = config.mail.smtp_url,
                           .from = config.mail.from,
                           .username = config.mail.username,
                           .password = config.mail.password,
                           .ca_file = config.mail.ca_file},
                          clock);
  jobs::JobRunner runner(db, clock, config.jobs,
                         [&](const std::string& what) { say(spdlog::level::warn, what); });
  store::SlaCatalog sla_catalog;
  db.read_blocking([&](store::Connection& c) { return sla_catalog.current(c); });
  const store::TicketPolicy policy{config.survey.delay_ms, &calendar, &sla_catalog,
                                   config.sla.warn_at_percent};
  jobs::add_satisfaction_jobs(runner, db, clock, sender, satisfaction_settings(config), policy);
  jobs::add_customer_mail_jobs(runner, db, clock, sender,
                               {satisfaction_settings(config).public_url, config.mail.from});
  jobs::add_sla_jobs(
      runner, db, clock, sender,
      {satisfaction_settings(config).public_url, config.mail.from, config.sla.mail_notifications},
      policy);
  runner_ptr.store(&runner);
  runner.start();

  // Mails a previous process stored but did not file are filed before anything new arrives.
  jobs::MailIntake intake(db, clock, intake_settings(config, policy));
  if (const auto recovered = intake.recover_blocking())
    say(spdlog::level::info,
        "filed " + std::to_string(recovered) + " mail(s) left by the last run");
  jobs::ImapFetcher fetcher(intake, db, clock, imap_mailboxes(config),
                            config.mail_in.imap_interval_ms,
                            [&](const std::string& what) { say(spdlog::level::warn, what); });
  fetcher.start();
  // Before the live events: their timers and the streams' frames must go before the io_context.
  asio::io_context ioc;
  api::LiveEvents live(db, clock, config.events);
  api::Services services{db,      clock,   policy,      config.auth,
                         limiter, metrics, credentials, config.survey};
  services.live = &live;
  services.mail_intake = &intake;
  http::Router router;
  api::add_routes(router, services);
  // The agents' app, read into memory once; without a build, /app/ says how to make one.
  http::StaticFiles web_app;
  if (const auto web_root = find_web_root(config.web.root)) {
    web_app = http::StaticFiles(*web_root, "/app/");
    say(spdlog::level::info, "serving the web app from " + web_root->string() + " (" +
                                 std::to_string(web_app.size()) + " files) at /app/");
  } else {
    say(spdlog::level::warn, "the web app is not built (web/dist): /app/ answers 503");
  }
  router.mount("/app/", http::static_handler(web_app));
  router.set_observer([&](const http::Completed& c) {
    metrics.observe_request(c);
    log_access(*logger, json_logs, c);
  });
  router.on_unexpected = [&](std::string_view id, std::string_view what) {
    say(spdlog::level::err, "request " + std::string(id) + " failed: " + std::string(what));
  };

  // Raw mail may exceed the JSON body limit; up to twice the mail limit is taken, so that an
  // oversized mail is kept in quarantine rather than refused.
  http::HttpOptions http_options = config.http;
  http_options.body_limit_by_path.emplace_back(
      "/api/v1/mail/inbound",
      std::max<std::size_t>(config.http.body_limit,
                            2 * static_cast<std::size_t>(config.mail_in.max_message_bytes)));
  http::Server server(ioc, router, http_options,
                      [&](std::string_view what) { say(spdlog::level::err, std::string(what)); });
  const auto endpoint = server.listen(host, port);
  live.start(ioc, [&](std::string_view what) { say(spdlog::level::err, std::string(what)); });
  live_ptr.store(&live);
  server.start();
  asio::co_spawn(ioc, warm_recent_reports(db), [&](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
      say(spdlog::level::info, "read ahead the reports' facts of the last 92 days");
    } catch (const std::exception& e) {
      say(spdlog::level::warn, std::string("reports' facts were not read ahead: ") + e.what());
    }
  });
  say(spdlog::level::info, "listening on http://" + endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + " (database " + config.db.path +
                               ")");

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    say(spdlog::level::info, "signal " + std::to_string(signal) + ": finishing requests in flight");
    live.stop();  // event streams end now; their clients reconnect elsewhere or later
    asio::co_spawn(ioc, server.shutdown(), [&](std::exception_ptr) { ioc.stop(); });
  });

  const int threads = config.server.threads > 0
                          ? config.server.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&ioc] {
      pthread_setname_np(pthread_self(), "hd-io");
      ioc.run();
    });
  ioc.run();
  for (auto& t : pool) t.join();
  fetcher.stop();
  runner.stop();
  db.stop();
  say(spdlog::level::info, "stopped");
  return 0;
}

}  // namespace hd::app
