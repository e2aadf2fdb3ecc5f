#include "store/mails.hpp"

#include <SQLiteCpp/Statement.h>

#include "store/sql_values.hpp"

namespace hd::store {
namespace {

constexpr const char* kInsertMail =
    "INSERT INTO mails(ticket_id, kind, recipient, message_id, state, created_at, sent_at) "
    "VALUES (?, ?, ?, ?, 'sent', ?, ?) ON CONFLICT(message_id) DO UPDATE SET state = 'sent', "
    "sent_at = excluded.sent_at, link_secret = NULL";
constexpr const char* kFindAttempt =
    "SELECT link_secret FROM mails WHERE message_id = ? AND state = 'queued' "
    "AND link_secret IS NOT NULL";
constexpr const char* kInsertAttempt =
    "INSERT INTO mails(ticket_id, kind, recipient, message_id, state, created_at, link_secret) "
    "VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT(message_id) DO UPDATE SET "
    "state = 'queued', link_secret = excluded.link_secret";

constexpr const char* kTicketOfSentMail =
    "SELECT ticket_id FROM mails WHERE message_id = ? AND ticket_id IS NOT NULL";

}  // namespace

void record_mail(Tx& tx, std::optional<Id> ticket_id, const std::string& kind,
                 const std::string& recipient, const std::string& message_id, Millis now) {
  auto& s = tx.connection().statement(kInsertMail);
  bind_optional(s, 1, ticket_id);
  s.bind(2, kind);
  s.bind(3, recipient);
  s.bind(4, message_id);
  s.bind(5, now);
  s.bind(6, now);
  s.exec();
}

std::string begin_mail(Tx& tx, std::optional<Id> ticket_id, const std::string& kind,
                       const std::string& recipient, const std::string& message_id,
                       const std::string& fresh_secret, Millis now) {
  auto& find = tx.connection().statement(kFindAttempt);
  find.bind(1, message_id);
  if (find.executeStep()) {
    std::string secret = find.getColumn(0).getString();
    find.reset();
    return secret;
  }
  auto& s = tx.connection().statement(kInsertAttempt);
  bind_optional(s, 1, ticket_id);
  s.bind(2, kind);
  s.bind(3, recipient);
  s.bind(4, message_id);
  s.bind(5, now);
  s.bind(6, fresh_secret);
  s.exec();
  return fresh_secret;
}

std::optional<Id> ticket_of_sent_mail(Connection& db, const std::string& message_id) {
  auto& s = db.statement(kTicketOfSentMail);
  s.bind(1, message_id);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getInt64();
}

}  // namespace hd::store
