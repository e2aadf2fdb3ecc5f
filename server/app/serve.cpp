#include "app/serve.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sstream>
#include <thread>

#include "api/routes.hpp"
#include "app/logging.hpp"
#include "domain/calendar.hpp"
#include "http/server.hpp"
#include "jobs/customer_mail_jobs.hpp"
#include "jobs/satisfaction_jobs.hpp"
#include "mail/smtp_sender.hpp"
#include "store/migrations.hpp"

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
  s.reminder_after_ms = config.survey.reminder_after_ms;
  s.expire_after_ms = config.survey.expire_after_ms;
  s.reopen_at_or_below = config.survey.reopen_at_or_below;
  std::string ids = config.survey.teams_without_survey;
  for (auto& ch : ids)
    if (ch == ',') ch = ' ';
  std::istringstream in(ids);
  for (std::int64_t id; in >> id;) s.teams_without_survey.insert(id);
  return s;
}

}  // namespace

int serve(const Config& config) {
  const bool json_logs = config.log.format == "json";
  auto logger = make_logger(config.log);
  auto say = [&](spdlog::level::level_enum level, const std::string& text) {
    log_message(*logger, json_logs, level, text);
  };
  const auto [host, port] = split_listen(config.server.listen);

  domain::SystemClock clock;
  domain::AlwaysOpenCalendar calendar;
  api::Metrics metrics;
  api::LoginLimiter limiter;
  api::CredentialCache credentials;
  // The writer wakes the job runner after a commit that queued a job; the runner is made after
  // the database it runs on, hence the pointer.
  std::atomic<jobs::JobRunner*> runner_ptr{nullptr};
  store::Database db(config.db, [&](const store::BatchCommitted& batch) {
    metrics.observe_write_batch(batch.requests);
    if (auto* runner = runner_ptr.load(); runner && batch.jobs_queued) runner->notify();
  });
  for (const auto& name : store::migrate(db, clock.now_ms()))
    say(spdlog::level::info, "applied migration " + name);

  mail::global_init();
  mail::SmtpSender sender(
      {config.mail.smtp_url, config.mail.from, config.mail.username, config.mail.password}, clock);
  jobs::JobRunner runner(db, clock, config.jobs,
                         [&](const std::string& what) { say(spdlog::level::warn, what); });
  const store::TicketPolicy policy{config.survey.delay_ms, &calendar};
  jobs::add_satisfaction_jobs(runner, db, clock, sender, satisfaction_settings(config), policy);
  jobs::add_customer_mail_jobs(runner, db, clock, sender,
                               {satisfaction_settings(config).public_url, config.mail.from});
  runner_ptr.store(&runner);
  runner.start();

  const api::SurveyOptions survey{config.survey.reopen_at_or_below, config.survey.ask_nps,
                                  config.survey.ask_ces, config.survey.ask_comment};
  api::Services services{db, clock, policy, config.auth, limiter, metrics, credentials, survey};
  http::Router router;
  api::add_routes(router, services);
  router.set_observer([&](const http::Completed& c) {
    metrics.observe_request(c);
    log_access(*logger, json_logs, c);
  });
  router.on_unexpected = [&](std::string_view id, std::string_view what) {
    say(spdlog::level::err, "request " + std::string(id) + " failed: " + std::string(what));
  };

  asio::io_context ioc;
  http::Server server(ioc, router, config.http,
                      [&](std::string_view what) { say(spdlog::level::err, std::string(what)); });
  const auto endpoint = server.listen(host, port);
  server.start();
  say(spdlog::level::info, "listening on http://" + endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + " (database " + config.db.path +
                               ")");

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    say(spdlog::level::info, "signal " + std::to_string(signal) + ": finishing requests in flight");
    asio::co_spawn(ioc, server.shutdown(), [&](std::exception_ptr) { ioc.stop(); });
  });

  const int threads = config.server.threads > 0
                          ? config.server.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  runner.stop();
  db.stop();
  say(spdlog::level::info, "stopped");
  return 0;
}

}  // namespace hd::app
