#include "domain/ticket_state.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

namespace hd::domain {
namespace {

constexpr std::array kAllStatuses{Status::open, Status::pending, Status::resolved,
                                  Status::follow_up, Status::closed};
constexpr std::array kAllRoles{Role::agent, Role::supervisor, Role::admin};

using S = Status;

bool contains(const std::vector<Status>& moves, Status s) {
  return std::find(moves.begin(), moves.end(), s) != moves.end();
}

// The whole table, written out by hand from KPIS.md and the contract of allowed_moves: agents
// move work along (open/pending/resolved) and reopen; supervisors and admins may also close
// anything not closed; follow_up is reached only by the system; closed is final.
const std::map<std::pair<Status, Role>, std::vector<Status>>& expected_moves() {
  static const std::map<std::pair<Status, Role>, std::vector<Status>> table{
      {{S::open, Role::agent}, {S::pending, S::resolved}},
      {{S::open, Role::supervisor}, {S::pending, S::resolved, S::closed}},
      {{S::open, Role::admin}, {S::pending, S::resolved, S::closed}},
      {{S::pending, Role::agent}, {S::open, S::resolved}},
      {{S::pending, Role::supervisor}, {S::open, S::resolved, S::closed}},
      {{S::pending, Role::admin}, {S::open, S::resolved, S::closed}},
      {{S::resolved, Role::agent}, {S::open}},
      {{S::resolved, Role::supervisor}, {S::open, S::closed}},
      {{S::resolved, Role::admin}, {S::open, S::closed}},
      {{S::follow_up, Role::agent}, {S::open}},
      {{S::follow_up, Role::supervisor}, {S::open, S::closed}},
      {{S::follow_up, Role::admin}, {S::open, S::closed}},
      {{S::closed, Role::agent}, {}},
      {{S::closed, Role::supervisor}, {}},
      {{S::closed, Role::admin}, {}},
  };
  return table;
}

// Calls check(from, role, allowed_moves(from, role)) for every cell of the table.
template <class Check>
void for_each_cell(Check check) {
  for (const Status from : kAllStatuses) {
    for (const Role role : kAllRoles) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(role));
      check(from, role, allowed_moves(from, role));
    }
  }
}

}  // namespace

TEST_CASE("allowed_moves: the table for every status and role") {
  REQUIRE(expected_moves().size() == kAllStatuses.size() * kAllRoles.size());
  for (const Status from : kAllStatuses) {
    for (const Role role : kAllRoles) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(role));
      CHECK(allowed_moves(from, role) == expected_moves().at({from, role}));
    }
  }
}

TEST_CASE("allowed_moves: the shape of the table") {
  SUBCASE("never a move to the same status") {
    for_each_cell([](Status from, Role, const std::vector<Status>& moves) {
      CHECK_FALSE(contains(moves, from));
    });
  }
  SUBCASE("listed in status order, without duplicates") {
    for_each_cell([](Status, Role, const std::vector<Status>& moves) {
      CHECK(std::is_sorted(moves.begin(), moves.end()));
      CHECK(std::adjacent_find(moves.begin(), moves.end()) == moves.end());
    });
  }
  SUBCASE("follow_up is reached only by the system") {
    for_each_cell([](Status, Role, const std::vector<Status>& moves) {
      CHECK_FALSE(contains(moves, Status::follow_up));
    });
  }
  SUBCASE("an agent never closes") {
    for_each_cell([](Status, Role role, const std::vector<Status>& moves) {
      if (role == Role::agent) CHECK_FALSE(contains(moves, Status::closed));
    });
  }
  SUBCASE("supervisors and admins may close anything not closed yet") {
    for_each_cell([](Status from, Role role, const std::vector<Status>& moves) {
      if (role != Role::agent) CHECK(contains(moves, Status::closed) == (from != Status::closed));
    });
  }
  SUBCASE("every staff member may reopen a resolution") {
    for_each_cell([](Status from, Role, const std::vector<Status>& moves) {
      if (from == Status::resolved || from == Status::follow_up)
        CHECK(contains(moves, Status::open));
    });
  }
}

TEST_CASE("allowed_moves: a higher role may do everything a lower one may") {
  for (const Status from : kAllStatuses) {
    CAPTURE(to_string(from));
    const auto agent = allowed_moves(from, Role::agent);
    const auto supervisor = allowed_moves(from, Role::supervisor);
    const auto admin = allowed_moves(from, Role::admin);
    for (const Status to : agent) CHECK(contains(supervisor, to));
    for (const Status to : supervisor) CHECK(contains(admin, to));
  }
}

TEST_CASE("allowed_moves: closed is final for everyone") {
  for (const Role role : kAllRoles) {
    CAPTURE(to_string(role));
    CHECK(allowed_moves(Status::closed, role).empty());
  }
  // No system move leaves closed either, and a customer's message starts a new ticket.
  for (const Status to : kAllStatuses) {
    CAPTURE(to_string(to));
    CHECK_FALSE(is_system_move(Status::closed, to));
  }
  CHECK(customer_message_effect(Status::closed) == CustomerMessageEffect::new_ticket);
}

TEST_CASE("is_system_move: the documented system moves are system moves") {
  // The survey goes out; its "resolved" answer or its expiry closes; "not resolved" reopens.
  CHECK(is_system_move(Status::resolved, Status::follow_up));
  CHECK(is_system_move(Status::follow_up, Status::closed));
  CHECK(is_system_move(Status::follow_up, Status::open));
  // Closing a resolution that gets no survey is not one of them: it has its own authority
  // (MoveAuthority::no_survey, tested below).
}

TEST_CASE("is_system_move: nothing else is a system move") {
  for (const Status from : kAllStatuses) {
    for (const Status to : kAllStatuses) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      const bool documented = (from == Status::resolved && to == Status::follow_up) ||
                              (from == Status::follow_up && to == Status::closed) ||
                              (from == Status::follow_up && to == Status::open);
      CHECK(is_system_move(from, to) == documented);
    }
  }
}

// KPIS.md and the contract in ticket_state.hpp list exactly three system moves; resolved ->
// closed is not one of them (a resolved ticket closes through its survey: follow_up -> closed).
// A resolution that gets no survey (team without surveys, customer opted out) is closed by the
// system under its own authority, which allows that one move and nothing else.
TEST_CASE("move_allowed: closing without a survey is its own authority, not a survey move") {
  CHECK_FALSE(is_system_move(Status::resolved, Status::closed));
  CHECK_FALSE(move_allowed(Status::resolved, Status::closed, MoveAuthority::survey, Role::agent));
  for (const Status from : kAllStatuses) {
    for (const Status to : kAllStatuses) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      CHECK(move_allowed(from, to, MoveAuthority::no_survey, Role::admin) ==
            (from == Status::resolved && to == Status::closed));
    }
  }
}

TEST_CASE("move_allowed: staff by allowed_moves, the survey by is_system_move") {
  for (const Status from : kAllStatuses) {
    for (const Status to : kAllStatuses) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      CHECK(move_allowed(from, to, MoveAuthority::survey, Role::agent) == is_system_move(from, to));
      for (const Role role : kAllRoles)
        CHECK(move_allowed(from, to, MoveAuthority::staff, role) ==
              contains(allowed_moves(from, role), to));
    }
  }
  // An agent can't close; a supervisor can; nobody leaves closed.
  CHECK_FALSE(move_allowed(Status::open, Status::closed, MoveAuthority::staff, Role::agent));
  CHECK(move_allowed(Status::open, Status::closed, MoveAuthority::staff, Role::supervisor));
  CHECK_FALSE(move_allowed(Status::closed, Status::open, MoveAuthority::staff, Role::admin));
}

TEST_CASE("is_system_move: no system move is also an agent's explicit move, except reopen") {
  // The system's moves and the agent's overlap only in follow_up -> open (the "not resolved"
  // answer and an agent's reopen are the same move).
  for (const Status from : kAllStatuses) {
    for (const Status to : allowed_moves(from, Role::agent)) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      CHECK(is_system_move(from, to) == (from == Status::follow_up && to == Status::open));
    }
  }
}

TEST_CASE("is_reopen: exactly the moves from a resolution back to open") {
  for (const Status from : kAllStatuses) {
    for (const Status to : kAllStatuses) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      const bool expected =
          to == Status::open && (from == Status::resolved || from == Status::follow_up);
      CHECK(is_reopen(from, to) == expected);
    }
  }
  // The cases most easily got wrong, spelled out.
  CHECK(is_reopen(Status::resolved, Status::open));
  CHECK(is_reopen(Status::follow_up, Status::open));
  CHECK_FALSE(is_reopen(Status::pending, Status::open));        // work resuming, not a reopen
  CHECK_FALSE(is_reopen(Status::closed, Status::open));         // closed never reopens
  CHECK_FALSE(is_reopen(Status::resolved, Status::follow_up));  // the survey going out
}

TEST_CASE("customer_message_effect: what a customer's message does in each status") {
  CHECK(customer_message_effect(Status::open) == CustomerMessageEffect::stays);
  CHECK(customer_message_effect(Status::pending) == CustomerMessageEffect::moves_open);
  CHECK(customer_message_effect(Status::resolved) == CustomerMessageEffect::moves_open);
  CHECK(customer_message_effect(Status::follow_up) == CustomerMessageEffect::moves_open);
  CHECK(customer_message_effect(Status::closed) == CustomerMessageEffect::new_ticket);
}

TEST_CASE("customer_message_effect: moving open is a reopen exactly from a resolution") {
  for (const Status from : kAllStatuses) {
    CAPTURE(to_string(from));
    if (customer_message_effect(from) == CustomerMessageEffect::moves_open)
      CHECK(is_reopen(from, Status::open) ==
            (from == Status::resolved || from == Status::follow_up));
  }
}

}  // namespace hd::domain
