#pragma once

#include <string>

#include "domain/clock.hpp"
#include "jobs/runner.hpp"
#include "mail/sender.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// Tickets recomputed per write when a policy or calendar changed: small enough that one batch
/// holds the shared writer for well under 50 ms (see tests/bench/README.md).
inline constexpr int kSlaRecomputeBatch = 100;

struct SlaMailSettings {
  std::string public_url;  ///< base of the ticket link, without a trailing slash
  std::string mail_from;
  bool mail_notifications = true;  ///< false: warnings and breaches are told in the app only
};

/// Registers `sla_recompute` on `runner`: after a policy or calendar edit (queued with it),
/// walks the open and pending tickets in id order and recomputes, from its event log, each one
/// whose policy or policy version no longer matches, one short write per batch. Idempotent:
/// a rerun finds nothing left to change.
///
/// Registers `sla_watch`: the warning (at the configured share of a target) and breach (at its
/// due time) of a running SLA target, queued with the change that set the due time and
/// cancelled when the ticket moves. One a stopped server missed runs once when it starts. In
/// the same write it applies the policy's escalation steps and queues one `notify_sla` mail per
/// person told, which `notify_sla` then sends. Every reference must outlive the runner.
void add_sla_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                  mail::Sender& sender, SlaMailSettings settings, store::TicketPolicy policy);

}  // namespace hd::jobs
