#pragma once

#include <chrono>
#include <string>

#include "domain/clock.hpp"
#include "jobs/runner.hpp"
#include "mail/sender.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// When a policy or calendar changed, each write recomputes tickets until it has worked this
/// long (then commits). The COMMIT comes on top and writes the pages the batch changed: with 25 ms
/// it took 10-46 ms more on a million-ticket desk, so a write often held the writer past 50 ms;
/// with 15 ms, 99% of the writes end within 25 ms, and the recompute took no longer
/// (tests/bench/sla_recompute.sh).
inline constexpr std::chrono::milliseconds kSlaRecomputeBudget{15};
/// At most this many tickets per write, whatever the budget.
inline constexpr int kSlaRecomputeBatch = 2000;

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
