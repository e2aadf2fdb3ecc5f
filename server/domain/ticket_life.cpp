#include "domain/ticket_life.hpp"
#include "domain/ticket_state.hpp"

#include <cassert>

namespace hd::domain {
namespace {

// Closes the running status segment, adding it to the total it belongs to.
void close_segment(TicketLife& life, Millis at, const Calendar& calendar) {
  const Millis spent = calendar.elapsed(life.status_since, at);
  if (life.status == Status::open) life.requester_wait_ms += spent;
  if (life.status == Status::pending) life.on_hold_ms += spent;
  life.status_since = at;
}

}  // namespace

TicketLife start_life(Millis created_at, bool outbound) {
  TicketLife life;
  life.created_at = created_at;
  life.status_since = created_at;
  life.outbound = outbound;
  return life;
}

LifeEffects on_status(TicketLife& life, Status to, Millis at, const Calendar& calendar) {
  assert(at >= life.status_since);
  LifeEffects effects;
  if (to == life.status) return effects;
  const Status from = life.status;
  close_segment(life, at, calendar);
  life.status = to;
  if (to == Status::resolved) {
    if (!life.first_resolved_at) life.first_resolved_at = at;
    life.resolved_at = at;
    ++life.resolution_episode;
    effects.resolved = true;
  }
  if (is_reopen(from, to)) {
    ++life.reopen_count;
    life.resolved_at.reset();
    effects.reopened = true;
  }
  return effects;
}

LifeEffects on_message(TicketLife& life, const MessageFact& message, const Calendar& calendar) {
  assert(life.status != Status::closed || message.author != ActorKind::customer);
  LifeEffects effects;
  if (message.internal || message.author == ActorKind::system) return effects;
  if (message.author == ActorKind::agent) {
    ++life.public_reply_count;
    if (!life.first_response_at && !life.outbound) life.first_response_at = message.at;
    if (life.awaiting_reply_since) {
      effects.next_reply_ms = calendar.elapsed(*life.awaiting_reply_since, message.at);
      life.awaiting_reply_since.reset();
    }
    life.last_public_by_agent = true;
    return effects;
  }
  // A customer message: the next reply clock starts only when it follows an agent reply.
  if (life.last_public_by_agent && !life.awaiting_reply_since)
    life.awaiting_reply_since = message.at;
  life.last_public_by_agent = false;
  if (customer_message_effect(life.status) == CustomerMessageEffect::moves_open)
    effects = on_status(life, Status::open, message.at, calendar);
  return effects;
}

TicketFigures figures_at(const TicketLife& life, Millis now, const Calendar& calendar) {
  TicketFigures f;
  if (life.first_response_at)
    f.first_response_ms = calendar.elapsed(life.created_at, *life.first_response_at);
  if (life.first_resolved_at)
    f.first_resolution_ms = calendar.elapsed(life.created_at, *life.first_resolved_at);
  if (life.resolved_at) f.full_resolution_ms = calendar.elapsed(life.created_at, *life.resolved_at);
  const Millis running = now > life.status_since ? calendar.elapsed(life.status_since, now) : 0;
  f.requester_wait_ms = life.requester_wait_ms + (life.status == Status::open ? running : 0);
  f.on_hold_ms = life.on_hold_ms + (life.status == Status::pending ? running : 0);
  f.one_touch = life.resolved_at && life.public_reply_count == 1 && life.reopen_count == 0;
  return f;
}

}  // namespace hd::domain
