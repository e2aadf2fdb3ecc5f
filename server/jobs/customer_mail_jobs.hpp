#pragma once

#include <string>

#include "domain/clock.hpp"
#include "jobs/runner.hpp"
#include "mail/sender.hpp"
#include "store/database.hpp"

namespace hd::jobs {

struct CustomerMailSettings {
  std::string public_url;  ///< base of every link, without a trailing slash
  std::string mail_from;
  domain::Millis link_valid_ms = 7LL * 86'400'000;  ///< how long a sign-in link works
};

/// Registers the customer's mails: mail_ticket_received, mail_agent_reply and
/// mail_magic_link. Each carries a fresh sign-in link to the customer portal (only its hash is
/// stored). Every reference must outlive the runner.
void add_customer_mail_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                            mail::Sender& sender, CustomerMailSettings settings);

}  // namespace hd::jobs
