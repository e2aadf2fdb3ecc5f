#pragma once

#include <string>

#include "app/config.hpp"
#include "jobs/imap_fetcher.hpp"
#include "jobs/mail_intake.hpp"

namespace hd::app {

/// The intake settings of `config`: [mail_in] and the sender address of [mail].
jobs::IntakeSettings intake_settings(const Config& config, store::TicketPolicy policy);

/// The IMAP mailboxes of [mail_in] imap, with the shared credentials and settings.
std::vector<jobs::ImapMailbox> imap_mailboxes(const Config& config);

/// `helpdesk mail-in [--mailbox NAME]`: files the one mail on standard input, for a Postfix
/// `pipe` transport or a `.forward`. Returns a sysexits(3) status: 0 once the mail is stored
/// and filed (or quarantined, or a duplicate), 66 for empty input, 64 for an unknown mailbox,
/// 75 (try again later) when the database can't take it now.
int mail_in(const Config& config, const std::string& mailbox);

}  // namespace hd::app
