#pragma once

#include "domain/clock.hpp"
#include "jobs/runner.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// Tickets recomputed per write when a policy or calendar changed: small enough that one batch
/// holds the shared writer for well under 50 ms (see tests/bench/README.md).
inline constexpr int kSlaRecomputeBatch = 100;

/// Registers `sla_recompute` on `runner`: after a policy or calendar edit (queued with it),
/// walks the open and pending tickets in id order and recomputes, from its event log, each one
/// whose policy or policy version no longer matches, one short write per batch. Idempotent:
/// a rerun finds nothing left to change. Every reference must outlive the runner.
///
/// Also registers `sla_watch`: the warning (at the configured share of a target) and breach (at
/// its due time) of a running SLA target, queued with the change that set the due time and
/// cancelled when the ticket moves. One a stopped server missed runs once when it starts.
void add_sla_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                  store::TicketPolicy policy);

}  // namespace hd::jobs
