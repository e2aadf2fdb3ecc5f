#pragma once

#include <optional>
#include <string>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// The owner of `mails`: the record of what was mailed to whom, for threading and the audit of
// what a customer was sent.

/// Records a mail that went out (accepted by the mail server): state sent, and the secret of
/// an attempt recorded with begin_mail dropped. Runs on the writer thread inside the caller's
/// write; recording the same Message-ID again only updates the row.
void record_mail(Tx& tx, std::optional<Id> ticket_id, const std::string& kind,
                 const std::string& recipient, const std::string& message_id, Millis now);

/// Records a mail about to be handed to the mail server (state queued) together with the
/// secret its link carries, `fresh_secret` — unless an attempt with this Message-ID is recorded
/// and not sent yet, whose secret is kept. Returns the secret the mail must carry: a retry
/// after a crash sends the same mail with the same link. Runs on the writer thread.
std::string begin_mail(Tx& tx, std::optional<Id> ticket_id, const std::string& kind,
                       const std::string& recipient, const std::string& message_id,
                       const std::string& fresh_secret, Millis now);
/// The ticket of the mail we sent with this Message-ID ("<...>"), if any. Any connection.
std::optional<Id> ticket_of_sent_mail(Connection& db, const std::string& message_id);

}  // namespace hd::store
