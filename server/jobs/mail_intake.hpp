#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/vocabulary.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// Where the new tickets of one mailbox go.
struct MailboxRoute {
  std::optional<store::Id> team_id;
  domain::Priority priority = domain::Priority::normal;
};

/// [mail_in] settings intake needs.
struct IntakeSettings {
  std::size_t max_message_bytes = 25 * 1024 * 1024;  ///< larger mails are quarantined unread
  std::string own_address;                           ///< our sender address: mail from it is a loop
  std::string domain;                                ///< the domain of our Message-IDs
  MailboxRoute default_route;
  std::map<std::string, MailboxRoute> mailboxes;  ///< by mailbox name (--mailbox, IMAP)
  store::TicketPolicy policy;
};

/// What became of one mail, as the three doors report it.
struct IntakeResult {
  store::Id mail_id = 0;
  /// ticket | reply | duplicate | auto_reply | bounce | quarantined | dropped
  std::string outcome;
  std::optional<store::Id> ticket_id, message_id, linked_ticket_id;
  std::string reason;
};

/// The one code path of inbound mail, used by POST /api/v1/mail/inbound, `helpdesk mail-in`
/// and the IMAP fetcher. A mail is first stored raw (its own durable commit: nothing later can
/// lose it), then parsed, then filed in one transaction with its outcome: a new ticket, a reply
/// on a ticket, an ignored auto-reply or bounce, or quarantine with the reason. The same
/// Message-ID (or, without one, the same bytes) twice is a duplicate and changes nothing.
/// Thread contract: every member may be used from any thread; `db` and `clock` outlive this.
class MailIntake {
 public:
  MailIntake(store::Database& db, const domain::Clock& clock, IntakeSettings settings);

  /// Takes one mail; resumes on the caller's executor once its outcome is durable.
  boost::asio::awaitable<IntakeResult> accept(std::shared_ptr<const std::string> raw,
                                              std::string source, std::string mailbox);

  /// The same, blocking the calling thread (CLI, IMAP). `also` runs in the transaction that
  /// files the mail, also for a duplicate (the IMAP fetcher records its position there).
  IntakeResult accept_blocking(const std::string& raw, const std::string& source,
                               const std::string& mailbox,
                               const std::function<void(store::Tx&)>& also = {});

  /// Files every mail a previous process stored but did not file (state "received"); a mail
  /// that failed three such attempts is quarantined. Returns how many were filed.
  std::size_t recover_blocking();

  /// An admin's release of a quarantined mail: filed as if it had not been held (a new ticket
  /// or a reply). Refuses not_found, conflict (not quarantined) or invalid_argument (unusable).
  boost::asio::awaitable<IntakeResult> release(store::Id mail_id);

  /// An admin's drop of a quarantined mail: it stays stored, marked "dropped".
  boost::asio::awaitable<IntakeResult> drop(store::Id mail_id);

  const IntakeSettings& settings() const { return settings_; }

 private:
  store::Database& db_;
  const domain::Clock& clock_;
  IntakeSettings settings_;
};

}  // namespace hd::jobs
