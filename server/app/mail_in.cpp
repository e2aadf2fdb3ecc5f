#include "app/mail_in.hpp"

#include <sysexits.h>

#include <iostream>
#include <iterator>

#include "domain/calendar.hpp"
#include "mail/message.hpp"
#include "store/migrations.hpp"

namespace hd::app {

jobs::IntakeSettings intake_settings(const Config& config, store::TicketPolicy policy) {
  jobs::IntakeSettings s;
  s.max_message_bytes = static_cast<std::size_t>(config.mail_in.max_message_bytes);
  if (const auto from = mail::parse_mailbox(config.mail.from)) s.own_address = from->address;
  for (auto& c : s.own_address) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  s.domain = mail::address_domain(config.mail.from);
  auto route = [](long long team, const std::string& priority) {
    jobs::MailboxRoute r;
    if (team > 0) r.team_id = team;
    r.priority = domain::parse_priority(priority).value_or(domain::Priority::normal);
    return r;
  };
  s.default_route = route(config.mail_in.team, config.mail_in.priority);
  s.mailboxes[""] = s.default_route;
  for (const auto& m :
       parse_mailbox_routes(config.mail_in.mailboxes).value_or(std::vector<MailboxRouteSetting>{}))
    s.mailboxes[m.name] = route(m.team, m.priority);
  s.policy = policy;
  return s;
}

std::vector<jobs::ImapMailbox> imap_mailboxes(const Config& config) {
  std::vector<jobs::ImapMailbox> mailboxes;
  for (auto& [name, url] : parse_imap_mailboxes(config.mail_in.imap)
                               .value_or(std::vector<std::pair<std::string, std::string>>{})) {
    mail::ImapSource source{url, config.mail_in.imap_username, config.mail_in.imap_password,
                            config.mail_in.imap_starttls, config.mail_in.imap_after};
    mailboxes.push_back({name, std::move(source)});
  }
  return mailboxes;
}

int mail_in(const Config& config, const std::string& mailbox) {
  std::string raw((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (!std::cin.eof() && std::cin.fail()) {
    std::cerr << "mail-in: standard input could not be read\n";
    return EX_IOERR;
  }
  if (raw.empty()) {
    std::cerr << "mail-in: no mail on standard input\n";
    return EX_NOINPUT;
  }
  domain::SystemClock clock;
  domain::AlwaysOpenCalendar calendar;
  const auto settings = intake_settings(config, {config.survey.delay_ms, &calendar});
  if (!settings.mailboxes.contains(mailbox)) {
    std::cerr << "mail-in: no mailbox '" << mailbox << "' in [mail_in] mailboxes\n";
    return EX_USAGE;
  }
  try {
    store::Database db(config.db);
    store::migrate(db, clock.now_ms());
    jobs::MailIntake intake(db, clock, settings);
    const auto result = intake.accept_blocking(raw, "cli", mailbox);
    db.stop();
    std::cout << "mail " << result.mail_id << ": " << result.outcome;
    if (result.ticket_id) std::cout << " (ticket " << *result.ticket_id << ")";
    if (!result.reason.empty()) std::cout << ": " << result.reason;
    std::cout << "\n";
    return EX_OK;
  } catch (const std::exception& e) {
    // The database is busy, full or unreachable: the MTA keeps the mail and tries again.
    std::cerr << "mail-in: the mail could not be stored now (" << e.what()
              << "); try again later\n";
    return EX_TEMPFAIL;
  }
}

}  // namespace hd::app
