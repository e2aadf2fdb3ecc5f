#pragma once

#include <cstdint>

namespace hd::jobs {

/// The kinds of mail a ticket's thread carries.
enum class MailKind {
  ticket_received,
  agent_reply,
  survey_check,
  survey_reminder,
  agent_notification,
  sla_warning,
  sla_breach
};

/// A number that tells one mail of a ticket from every other (for its Message-ID), and stays
/// the same when the job sending it is retried, so that a receiving system can drop a
/// duplicate. `id` names the mail's subject (the message, the survey), `recipient` the person
/// when one subject mails several (notifications).
inline std::int64_t mail_number(MailKind kind, std::int64_t id, std::int64_t recipient = 0) {
  return ((recipient << 32) + id) * 8 + static_cast<int>(kind);
}

}  // namespace hd::jobs
