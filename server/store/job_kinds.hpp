#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// The outbox's one list of job kinds. Every job the server queues is one of these payload
// structs; each has its kind, its JSON (the `payload` column: an object with exactly these
// fields), its unique key (a second job with the same key is not queued) and is queued with
// enqueue(). docs/EVENTS.md documents each for integrators. Nothing else builds a payload, a
// key or reads a payload's fields by name.

enum class JobKind {
  satisfaction_check,
  survey_reminder,
  survey_expire,
  notify_dissatisfied,
  notify_agent,
  mail_ticket_received,
  mail_agent_reply,
  mail_magic_link,
  sla_watch,
  sla_recompute,
  notify_sla
};
inline constexpr std::array kJobKindNames{
    "satisfaction_check", "survey_reminder",      "survey_expire",    "notify_dissatisfied",
    "notify_agent",       "mail_ticket_received", "mail_agent_reply", "mail_magic_link",
    "sla_watch",          "sla_recompute",        "notify_sla"};

std::string_view to_string(JobKind kind);
std::optional<JobKind> parse_job_kind(std::string_view name);

/// A resolution episode is due for its satisfaction check (queued on entering `resolved`,
/// cancelled by a reopen). Key: satisfaction_check:<ticket_id>:<episode>.
struct SatisfactionCheck {
  static constexpr JobKind kKind = JobKind::satisfaction_check;
  Id ticket_id = 0;
  int episode = 0;
};
/// The survey's reminder mail. Key: survey_reminder:<survey_id>.
struct SurveyReminder {
  static constexpr JobKind kKind = JobKind::survey_reminder;
  Id survey_id = 0;
};
/// The survey's deadline. Key: survey_expire:<survey_id>.
struct SurveyExpire {
  static constexpr JobKind kKind = JobKind::survey_expire;
  Id survey_id = 0;
};
/// A dissatisfied answer reopened the ticket: fans out one notify_agent per person.
/// Key: notify_dissatisfied:<survey_id>.
struct NotifyDissatisfied {
  static constexpr JobKind kKind = JobKind::notify_dissatisfied;
  Id ticket_id = 0, survey_id = 0;
};
/// One person's mail about a dissatisfied answer. Key: notify_agent:<survey_id>:<user_id>.
struct NotifyAgent {
  static constexpr JobKind kKind = JobKind::notify_agent;
  Id ticket_id = 0, survey_id = 0, user_id = 0;
};
/// The customer's acknowledgement of a new ticket. Key: mail_ticket_received:<ticket_id>.
struct MailTicketReceived {
  static constexpr JobKind kKind = JobKind::mail_ticket_received;
  Id ticket_id = 0;
};
/// An agent's public reply, mailed to the customer. Key: mail_agent_reply:<message_id>.
struct MailAgentReply {
  static constexpr JobKind kKind = JobKind::mail_agent_reply;
  Id ticket_id = 0, message_id = 0;
};
/// A sign-in link the customer asked for. Key: mail_magic_link:<customer_id>:<queued at>, so
/// each request is its own mail.
struct MailMagicLink {
  static constexpr JobKind kKind = JobKind::mail_magic_link;
  Id customer_id = 0;
};

/// A target's warning share or due time: fires `sla_warning` / `sla_breach`, its notifications
/// and the policy's escalation steps, unless the ticket moved on.
/// Key: sla_watch:<ticket_id>:<target>:<kind>:<due_at>.
struct SlaWatch {
  static constexpr JobKind kKind = JobKind::sla_watch;
  Id ticket_id = 0;
  std::string target;  ///< first_response | next_reply | resolution
  std::string kind;    ///< warning | breach
  Millis due_at = 0;
};
/// A calendar or policy edit: recomputes the clocks of open tickets in short batches.
/// Key: sla_recompute:<edit>, so each edit (named by `edit`, which is not in the payload)
/// queues one.
struct SlaRecompute {
  static constexpr JobKind kKind = JobKind::sla_recompute;
  std::string edit;  ///< e.g. "policy:3:2" (policy 3, version 2); only in the key
};
/// One person's mail about an SLA warning or breach.
/// Key: notify_sla:<ticket_id>:<target>:<kind>:<due_at>:<user_id>.
struct NotifySla {
  static constexpr JobKind kKind = JobKind::notify_sla;
  Id ticket_id = 0, user_id = 0;
  std::string target, kind;
  Millis due_at = 0;
};

/// The unique key of a job; `now` is when it is queued.
std::string unique_key(const SatisfactionCheck& p, Millis now);
std::string unique_key(const SurveyReminder& p, Millis now);
std::string unique_key(const SurveyExpire& p, Millis now);
std::string unique_key(const NotifyDissatisfied& p, Millis now);
std::string unique_key(const NotifyAgent& p, Millis now);
std::string unique_key(const MailTicketReceived& p, Millis now);
std::string unique_key(const MailAgentReply& p, Millis now);
std::string unique_key(const MailMagicLink& p, Millis now);
std::string unique_key(const SlaWatch& p, Millis now);
std::string unique_key(const SlaRecompute& p, Millis now);
std::string unique_key(const NotifySla& p, Millis now);

/// The start every SlaWatch key of a ticket shares ("sla_watch:<ticket_id>:").
std::string sla_watch_key_prefix(Id ticket_id);

/// A payload as stored in the `payload` column.
template <class Payload>
std::string payload_json(const Payload& payload);

/// Reads a stored payload back. Throws std::invalid_argument naming the job kind when the
/// JSON is not an object with the payload's fields of the right types.
template <class Payload>
Payload parse_payload(std::string_view json);

/// Queues `payload` to run at `run_at`, in the caller's write (the outbox half of the same
/// transaction). Runs on the writer thread. Returns false when a job with the same unique key
/// exists already (in any state), which is then left as it is.
template <class Payload>
bool enqueue(Tx& tx, const Payload& payload, Millis run_at, Millis now);

/// Cancels the queued job of `payload` (by its unique key), if it has not started.
template <class Payload>
void cancel(Tx& tx, const Payload& payload, Millis now);

}  // namespace hd::store
