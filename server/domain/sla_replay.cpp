#include "domain/sla_replay.hpp"

namespace hd::domain {

void SlaReplay::created(Millis at, bool outbound) {
  life_ = start_life(at, outbound);
  clock_ = start_sla(life_, targets_, calendar_);
}

void SlaReplay::message(const MessageFact& message) {
  const TicketLife before = life_;
  on_message(life_, message, kWallClock);
  step(before, message.at);
}

void SlaReplay::status(Status to, Millis at) {
  const TicketLife before = life_;
  on_status(life_, to, at, kWallClock);
  step(before, at);
}

void SlaReplay::step(const TicketLife& before, Millis at) {
  const SlaClock was = clock_;
  step_sla(clock_, before, life_, at, targets_, calendar_);
  if (decided_) kpi::facts_on_sla(was, clock_, *decided_);
}

SlaClock SlaReplay::settle(Millis now) {
  const SlaClock was = clock_;
  settle_sla(clock_, now);
  if (decided_) kpi::facts_on_sla(was, clock_, *decided_);
  return clock_;
}

}  // namespace hd::domain
