#pragma once

#include "domain/calendar.hpp"
#include "domain/kpi_facts.hpp"
#include "domain/sla_clock.hpp"
#include "domain/ticket_life.hpp"

namespace hd::domain {

/// Replays a ticket's SLA clock over the moves of its event log (its creation, then each
/// message and status move in order), so that a stored log and an imported history not yet
/// written give the same clock and the same SLA facts. The life is folded in wall-clock time;
/// only the targets count business time.
class SlaReplay {
 public:
  /// `decided`, when given, collects the SLA facts each step decides (kpi::facts_on_sla).
  SlaReplay(const SlaTargets& targets, const Calendar& calendar, kpi::FactChanges* decided)
      : targets_(targets), calendar_(calendar), decided_(decided) {}

  void created(Millis at, bool outbound);
  void message(const MessageFact& message);
  void status(Status to, Millis at);
  /// The clock as of `now`: a running target past its due time is breached.
  SlaClock settle(Millis now);

 private:
  /// Follows the life's change from `before` at `at`.
  void step(const TicketLife& before, Millis at);

  const SlaTargets& targets_;
  const Calendar& calendar_;
  kpi::FactChanges* decided_;
  TicketLife life_;
  SlaClock clock_;
};

}  // namespace hd::domain
