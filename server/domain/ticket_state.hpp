#pragma once

#include <vector>

#include "domain/vocabulary.hpp"

namespace hd::domain {

/// The moves a staff member of `role` may ask for explicitly from `from`, in status order.
/// Agents move work along (open/pending/resolved, and reopen); supervisors and admins may also
/// close any ticket that is not closed yet. `closed` is final for everyone.
std::vector<Status> allowed_moves(Status from, Role role);

/// The moves the system makes on its own: the survey going out (resolved -> follow_up), its
/// answer or expiry (follow_up -> closed), a "not resolved" answer (follow_up -> open), and
/// closing a resolution that gets no survey (resolved -> closed: a team that doesn't survey,
/// a customer who opted out).
bool is_system_move(Status from, Status to);

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
