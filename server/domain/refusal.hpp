#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "domain/errc.hpp"
#include "domain/vocabulary.hpp"

namespace hd::domain {

/// An expected refusal (not found, illegal move, conflict...) raised inside a write so that the
/// writer rolls back exactly that request's savepoint; the API turns it into a 4xx.
/// `detail` is written for the client: it says what to fix and names no internals.
struct Refusal : std::runtime_error {
  errc code;
  std::string field;            ///< the request field at fault, if one is
  std::vector<Status> allowed;  ///< for illegal_transition: the moves the caller may make

  Refusal(errc error, std::string detail, std::string at_field = {}, std::vector<Status> moves = {})
      : std::runtime_error(std::move(detail)),
        code(error),
        field(std::move(at_field)),
        allowed(std::move(moves)) {}
};

}  // namespace hd::domain
