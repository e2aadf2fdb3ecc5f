#include "domain/ticket_state.hpp"

#include <algorithm>

namespace hd::domain {

std::vector<Status> allowed_moves(Status from, Role role) {
  std::vector<Status> moves;
  switch (from) {
    case Status::open:
      moves = {Status::pending, Status::resolved};
      break;
    case Status::pending:
      moves = {Status::open, Status::resolved};
      break;
    case Status::resolved:
    case Status::follow_up:
      moves = {Status::open};
      break;
    case Status::closed:
      return moves;
  }
  if (role_at_least(role, Role::supervisor)) moves.push_back(Status::closed);
  return moves;
}

bool is_system_move(Status from, Status to) {
  return (from == Status::resolved && to == Status::follow_up) ||
         (from == Status::follow_up && (to == Status::closed || to == Status::open));
}

bool move_allowed(Status from, Status to, MoveAuthority by, Role role) {
  switch (by) {
    case MoveAuthority::survey:
      return is_system_move(from, to);
    case MoveAuthority::no_survey:
      return from == Status::resolved && to == Status::closed;
    case MoveAuthority::staff:
      break;
  }
  const auto moves = allowed_moves(from, role);
  return std::find(moves.begin(), moves.end(), to) != moves.end();
}

CustomerMessageEffect customer_message_effect(Status from) {
  switch (from) {
    case Status::open:
      return CustomerMessageEffect::stays;
    case Status::closed:
      return CustomerMessageEffect::new_ticket;
    default:
      return CustomerMessageEffect::moves_open;
  }
}

}  // namespace hd::domain
