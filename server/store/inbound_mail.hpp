#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// Inbound mail: the raw messages (kept before anything parses them), what became of each, the
// addresses on a ticket's mail thread, bouncing customer addresses and the IMAP positions.
// Reads take any connection; writes the writer's Tx.

/// One received mail, without its raw bytes.
struct InboundMailRecord {
  Id id = 0;
  std::string dedup_key;
  std::string message_id;  ///< "<...>" or empty
  std::string source;      ///< api | cli | imap
  std::string mailbox;
  std::int64_t size = 0;
  Millis received_at = 0;
  /// received (not processed yet) | ticket | reply | auto_reply | bounce | quarantined | dropped
  std::string state = "received";
  std::string reason;
  std::string sender, subject;
  std::optional<Id> ticket_id, message_row_id;
  std::optional<Millis> processed_at;
};

/// What store_raw_mail found.
struct StoredMail {
  InboundMailRecord mail;
  bool duplicate = false;  ///< a mail with the same key was stored before; `mail` is that one
};

/// Stores the raw message under `dedup_key` in state "received", unless the key is known.
StoredMail store_raw_mail(Tx& tx, const std::string& dedup_key, const std::string& message_id,
                          const std::string& source, const std::string& mailbox,
                          const std::string& raw, Millis now);

std::optional<InboundMailRecord> find_inbound_mail(Connection& db, Id id);
std::optional<InboundMailRecord> find_inbound_mail_by_key(Connection& db,
                                                          const std::string& dedup_key);
/// The raw bytes of a stored mail (empty when it does not exist).
std::string load_raw_mail(Connection& db, Id id);
/// Mails in `state`, by id after `after_id`, at most `limit`.
std::vector<InboundMailRecord> list_inbound_mails(Connection& db, const std::string& state,
                                                  Id after_id, int limit);

/// Counts one more processing attempt of a mail still in state "received" (recovery after a
/// restart) and returns the count before it.
int count_attempt(Tx& tx, Id id);

/// The mails filed into (or linked to) a ticket, oldest first.
std::vector<InboundMailRecord> list_mails_of_ticket(Connection& db, Id ticket_id);

/// What became of a mail; written in the same transaction as its ticket or message.
struct MailOutcome {
  std::string state;  ///< anything but "received"
  std::string reason;
  std::string sender, subject;
  std::optional<Id> ticket_id, message_row_id;
};
/// Records the outcome. Refuses (conflict) a mail that is no longer in one of `from_states`,
/// so that two workers can't both process it.
void settle_inbound_mail(Tx& tx, Id id, const MailOutcome& outcome,
                         const std::vector<std::string>& from_states, Millis now);

/// The ticket of the first of `message_ids` (tried in the order given) that names a mail we
/// sent (the `mails` outbox) or one we received and filed into a ticket.
std::optional<Id> ticket_for_message_ids(Connection& db, const std::vector<std::string>& ids);

/// An address on a ticket's mail thread besides its customer.
struct TicketAddress {
  std::string address, name;
  std::string role;  ///< cc | from
  Millis added_at = 0;
};
/// Adds addresses (lower-case) to the ticket's thread; known ones stay as they are.
void add_ticket_addresses(Tx& tx, Id ticket_id, const std::vector<TicketAddress>& addresses);
std::vector<TicketAddress> list_ticket_addresses(Connection& db, Id ticket_id);
/// True when `address` is the ticket's customer or on its thread.
bool may_write_to_ticket(Connection& db, Id ticket_id, const std::string& address);

/// How far an IMAP mailbox has been read.
struct ImapPosition {
  std::int64_t uid_validity = 0, last_uid = 0;
};
std::optional<ImapPosition> find_imap_position(Connection& db, const std::string& mailbox);
void save_imap_position(Tx& tx, const std::string& mailbox, const ImapPosition& position,
                        Millis now);

}  // namespace hd::store
