#pragma once

#include <optional>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/vocabulary.hpp"

namespace hd::domain {

/// A public or internal message as far as the time figures care.
struct MessageFact {
  Millis at = 0;
  ActorKind author = ActorKind::customer;
  bool internal = false;
};

/// The part of a ticket that the time figures of KPIS.md are folded from. It is kept on the
/// ticket row and updated by the same functions that a replay of the event log uses, so stored
/// figures and recomputed ones cannot drift apart. Durations are in the ticket's calendar.
struct TicketLife {
  Status status = Status::open;
  Millis created_at = 0;
  Millis status_since = 0;  ///< when the current status began
  bool outbound = false;    ///< an agent wrote first: the ticket has no first response time
  std::optional<Millis> first_response_at;
  std::optional<Millis> first_resolved_at;
  std::optional<Millis> resolved_at;  ///< the standing (last) resolution; none while reopened
  Millis requester_wait_ms = 0;       ///< closed segments in `open`
  Millis on_hold_ms = 0;              ///< closed segments in `pending`
  int reopen_count = 0;
  int public_reply_count = 0;  ///< public agent replies
  int resolution_episode = 0;  ///< how many times the ticket was resolved
  /// A customer message that follows an agent reply and waits for the next reply.
  std::optional<Millis> awaiting_reply_since;
  bool last_public_by_agent = false;

  bool operator==(const TicketLife&) const = default;
};

/// What a change caused besides the new life: the store turns these into jobs and events.
struct LifeEffects {
  bool resolved = false;  ///< entered `resolved`: queue the satisfaction check of this episode
  bool reopened = false;  ///< left a resolution for `open`: cancel the episode's unsent check
  std::optional<Millis> next_reply_ms;  ///< this reply answered a waiting customer message
};

/// A new ticket; the first message is applied separately with on_message.
TicketLife start_life(Millis created_at, bool outbound);

/// Applies a status change at `at`. REQUIRES: at >= life.status_since and the move was
/// allowed by ticket_state (this function does not judge who may do it).
LifeEffects on_status(TicketLife& life, Status to, Millis at, const Calendar& calendar);

/// Applies a message. A customer message moves pending/resolved/follow_up to open here too;
/// REQUIRES: the ticket is not closed (a customer message on closed starts a new ticket).
LifeEffects on_message(TicketLife& life, const MessageFact& message, const Calendar& calendar);

/// Figures derived from the life at instant `now` (running segments included).
struct TicketFigures {
  std::optional<Millis> first_response_ms;
  std::optional<Millis> first_resolution_ms;
  std::optional<Millis> full_resolution_ms;
  Millis requester_wait_ms = 0;
  Millis on_hold_ms = 0;
  bool one_touch = false;
};
TicketFigures figures_at(const TicketLife& life, Millis now, const Calendar& calendar);

}  // namespace hd::domain
