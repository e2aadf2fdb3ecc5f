#include "store/inbound_mail.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "domain/refusal.hpp"
#include "store/mails.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace {

#define HD_INBOUND_COLUMNS                                                                 \
  "id, dedup_key, message_id, source, mailbox, size, received_at, state, reason, sender, " \
  "subject, ticket_id, message_row_id, processed_at "

constexpr const char* kInsertRaw =
    "INSERT INTO inbound_mails(dedup_key, message_id, source, mailbox, raw, size, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedup_key) DO NOTHING";
constexpr const char* kFindById = "SELECT " HD_INBOUND_COLUMNS "FROM inbound_mails WHERE id = ?";
constexpr const char* kFindByKey =
    "SELECT " HD_INBOUND_COLUMNS "FROM inbound_mails WHERE dedup_key = ?";
constexpr const char* kLoadRaw = "SELECT raw FROM inbound_mails WHERE id = ?";
constexpr const char* kListByState =
    "SELECT " HD_INBOUND_COLUMNS
    "FROM inbound_mails WHERE state = ? AND id > ? ORDER BY id LIMIT ?";
constexpr const char* kListOfTicket =
    "SELECT " HD_INBOUND_COLUMNS "FROM inbound_mails WHERE ticket_id = ? ORDER BY id LIMIT 500";
constexpr const char* kSettle =
    "UPDATE inbound_mails SET state = ?, reason = ?, sender = ?, subject = ?, ticket_id = ?, "
    "message_row_id = ?, processed_at = ? WHERE id = ? AND instr(?, ',' || state || ',') > 0";
constexpr const char* kCountAttempt =
    "UPDATE inbound_mails SET attempts = attempts + 1 WHERE id = ? AND state = 'received' "
    "RETURNING attempts - 1";
constexpr const char* kInboundTicket =
    "SELECT ticket_id FROM inbound_mails WHERE message_id = ? AND ticket_id IS NOT NULL "
    "ORDER BY id LIMIT 1";
constexpr const char* kAddAddress =
    "INSERT INTO ticket_addresses(ticket_id, address, name, role, added_at) "
    "VALUES (?, lower(?), ?, ?, ?) ON CONFLICT(ticket_id, address) DO NOTHING";
constexpr const char* kListAddresses =
    "SELECT address, name, role, added_at FROM ticket_addresses WHERE ticket_id = ? "
    "ORDER BY added_at, address";
constexpr const char* kMayWrite =
    "SELECT EXISTS (SELECT 1 FROM tickets t JOIN customers c ON c.id = t.customer_id "
    "WHERE t.id = ?1 AND c.email = ?2) OR EXISTS (SELECT 1 FROM ticket_addresses "
    "WHERE ticket_id = ?1 AND address = ?2)";
constexpr const char* kFindPosition =
    "SELECT uid_validity, last_uid FROM imap_positions WHERE mailbox = ?";
constexpr const char* kSavePosition =
    "INSERT INTO imap_positions(mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, "
    "last_uid = excluded.last_uid, updated_at = excluded.updated_at";

InboundMailRecord read_mail(SQLite::Statement& s) {
  InboundMailRecord m;
  int i = 0;
  m.id = s.getColumn(i++).getInt64();
  m.dedup_key = s.getColumn(i++).getString();
  m.message_id = s.getColumn(i++).getString();
  m.source = s.getColumn(i++).getString();
  m.mailbox = s.getColumn(i++).getString();
  m.size = s.getColumn(i++).getInt64();
  m.received_at = s.getColumn(i++).getInt64();
  m.state = s.getColumn(i++).getString();
  m.reason = s.getColumn(i++).getString();
  m.sender = s.getColumn(i++).getString();
  m.subject = s.getColumn(i++).getString();
  m.ticket_id = optional_id(s.getColumn(i++));
  m.message_row_id = optional_id(s.getColumn(i++));
  m.processed_at = optional_id(s.getColumn(i++));
  return m;
}

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

}  // namespace

StoredMail store_raw_mail(Tx& tx, const std::string& dedup_key, const std::string& message_id,
                          const std::string& source, const std::string& mailbox,
                          const std::string& raw, Millis now) {
  auto& db = tx.connection();
  auto& s = db.statement(kInsertRaw);
  s.bind(1, dedup_key);
  bind_optional(s, 2, non_empty(message_id));
  s.bind(3, source);
  s.bind(4, mailbox);
  bind_blob(s, 5, raw);
  s.bind(6, static_cast<std::int64_t>(raw.size()));
  s.bind(7, now);
  const bool inserted = s.exec() == 1;
  auto found = find_inbound_mail_by_key(db, dedup_key);
  return {std::move(*found), !inserted};
}

std::optional<InboundMailRecord> find_inbound_mail(Connection& db, Id id) {
  auto& s = db.statement(kFindById);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_mail(s);
}

std::optional<InboundMailRecord> find_inbound_mail_by_key(Connection& db,
                                                          const std::string& dedup_key) {
  auto& s = db.statement(kFindByKey);
  s.bind(1, dedup_key);
  if (!s.executeStep()) return std::nullopt;
  return read_mail(s);
}

std::string load_raw_mail(Connection& db, Id id) {
  auto& s = db.statement(kLoadRaw);
  s.bind(1, id);
  if (!s.executeStep()) return {};
  const auto column = s.getColumn(0);
  return std::string(static_cast<const char*>(column.getBlob()), column.getBytes());
}

std::vector<InboundMailRecord> list_inbound_mails(Connection& db, const std::string& state,
                                                  Id after_id, int limit) {
  auto& s = db.statement(kListByState);
  s.bind(1, state);
  s.bind(2, after_id);
  s.bind(3, limit);
  std::vector<InboundMailRecord> mails;
  while (s.executeStep()) mails.push_back(read_mail(s));
  return mails;
}

std::vector<InboundMailRecord> list_mails_of_ticket(Connection& db, Id ticket_id) {
  auto& s = db.statement(kListOfTicket);
  s.bind(1, ticket_id);
  std::vector<InboundMailRecord> mails;
  while (s.executeStep()) mails.push_back(read_mail(s));
  return mails;
}

void settle_inbound_mail(Tx& tx, Id id, const MailOutcome& outcome,
                         const std::vector<std::string>& from_states, Millis now) {
  std::string states = ",";
  for (const auto& state : from_states) (states += state) += ",";
  auto& s = tx.connection().statement(kSettle);
  int i = 1;
  s.bind(i++, outcome.state);
  bind_optional(s, i++, non_empty(outcome.reason));
  s.bind(i++, outcome.sender);
  s.bind(i++, outcome.subject);
  bind_optional(s, i++, outcome.ticket_id);
  bind_optional(s, i++, outcome.message_row_id);
  s.bind(i++, now);
  s.bind(i++, id);
  s.bind(i++, states);
  if (s.exec() != 1)
    throw domain::Refusal(domain::errc::conflict,
                          "Mail " + std::to_string(id) + " was processed meanwhile.");
}

int count_attempt(Tx& tx, Id id) {
  auto& s = tx.connection().statement(kCountAttempt);
  s.bind(1, id);
  return s.executeStep() ? s.getColumn(0).getInt() : 0;
}

std::optional<Id> ticket_for_message_ids(Connection& db, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (auto sent = ticket_of_sent_mail(db, id)) return sent;
    auto& s = db.statement(kInboundTicket);
    s.bind(1, id);
    if (s.executeStep()) return s.getColumn(0).getInt64();
  }
  return std::nullopt;
}

void add_ticket_addresses(Tx& tx, Id ticket_id, const std::vector<TicketAddress>& addresses) {
  for (const auto& a : addresses) {
    auto& s = tx.connection().statement(kAddAddress);
    s.bind(1, ticket_id);
    s.bind(2, a.address);
    s.bind(3, a.name);
    s.bind(4, a.role);
    s.bind(5, a.added_at);
    s.exec();
  }
}

std::vector<TicketAddress> list_ticket_addresses(Connection& db, Id ticket_id) {
  auto& s = db.statement(kListAddresses);
  s.bind(1, ticket_id);
  std::vector<TicketAddress> addresses;
  while (s.executeStep())
    addresses.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                         s.getColumn(2).getString(), s.getColumn(3).getInt64()});
  return addresses;
}

bool may_write_to_ticket(Connection& db, Id ticket_id, const std::string& address) {
  auto& s = db.statement(kMayWrite);
  s.bind(1, ticket_id);
  s.bind(2, address);
  s.executeStep();
  return s.getColumn(0).getInt() != 0;
}

std::optional<ImapPosition> find_imap_position(Connection& db, const std::string& mailbox) {
  auto& s = db.statement(kFindPosition);
  s.bind(1, mailbox);
  if (!s.executeStep()) return std::nullopt;
  return ImapPosition{s.getColumn(0).getInt64(), s.getColumn(1).getInt64()};
}

void save_imap_position(Tx& tx, const std::string& mailbox, const ImapPosition& position,
                        Millis now) {
  auto& s = tx.connection().statement(kSavePosition);
  s.bind(1, mailbox);
  s.bind(2, position.uid_validity);
  s.bind(3, position.last_uid);
  s.bind(4, now);
  s.exec();
}

}  // namespace hd::store
