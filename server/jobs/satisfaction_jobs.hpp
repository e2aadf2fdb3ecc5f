#pragma once

#include <string>

#include "domain/clock.hpp"
#include "domain/satisfaction.hpp"
#include "jobs/runner.hpp"
#include "mail/sender.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// What the satisfaction loop needs from the configuration: where its links and mails come
/// from, and the [survey] settings.
struct SatisfactionSettings {
  std::string public_url;  ///< base of every link in a mail, without a trailing slash
  std::string mail_from;   ///< its domain names the Message-IDs
  domain::SurveySettings survey;
};

/// Registers the job kinds of the satisfaction follow-up on `runner`: satisfaction_check,
/// survey_reminder, survey_expire, notify_dissatisfied and notify_agent. Every reference must
/// outlive the runner. Each handler is idempotent: it re-checks the state it acts on, and a
/// retried mail carries the same Message-ID.
void add_satisfaction_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                           mail::Sender& sender, SatisfactionSettings settings,
                           store::TicketPolicy policy);

}  // namespace hd::jobs
