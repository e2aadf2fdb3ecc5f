#pragma once

#include <vector>

#include "domain/vocabulary.hpp"

namespace hd::domain {

/// The moves a staff member of `role` may ask for explicitly from `from`, in status order.
/// Agents move work along (open/pending/resolved, and reopen); supervisors and admins may also
/// close any ticket that is not closed yet. `closed` is final for everyone.
std::vector<Status> allowed_moves(Status from, Role role);

/// The three moves the survey makes on its own (KPIS.md): the check going out
/// (resolved -> follow_up), its "resolved" answer or its expiry (follow_up -> closed), and a
/// "not resolved" answer (follow_up -> open).
bool is_system_move(Status from, Status to);

/// Who asks for a status change, which decides the moves allowed.
enum class MoveAuthority {
  staff,      ///< a person, by role: allowed_moves()
  survey,     ///< the satisfaction survey: is_system_move()
  no_survey,  ///< the system closing a resolution that gets no survey (a team that doesn't
              ///< survey, a customer who opted out): resolved -> closed only
};

/// The one rule for every status change: whether `by` (with `role`, for staff) may move a
/// ticket from `from` to `to`. Staying in the same status is not a move.
bool move_allowed(Status from, Status to, MoveAuthority by, Role role);

/// True for a move from a resolution back to work: it counts as a reopen (KPIS.md).
inline bool is_reopen(Status from, Status to) {
  return to == Status::open && (from == Status::resolved || from == Status::follow_up);
}

/// What a customer's message does to a ticket in `from`.
enum class CustomerMessageEffect {
  stays,       ///< already open: nothing moves
  moves_open,  ///< pending -> open, or a reopen from resolved/follow_up
  new_ticket,  ///< closed is final: the message starts a new ticket linked to this one
};
CustomerMessageEffect customer_message_effect(Status from);

}  // namespace hd::domain
