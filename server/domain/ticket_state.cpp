#include "domain/ticket_state.hpp"

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
         (from == Status::follow_up && (to == Status::closed || to == Status::open)) ||
         (from == Status::resolved && to == Status::closed);
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
