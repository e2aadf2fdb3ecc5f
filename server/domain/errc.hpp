#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace hd::domain {

/// Expected outcomes that a caller must handle: not bugs, not infrastructure failures.
enum class errc {
  ok = 0,
  not_found,           ///< the thing named does not exist (or is not visible to the caller)
  invalid_argument,    ///< a value is out of its domain
  illegal_transition,  ///< the state machine refuses the move
  conflict,            ///< a uniqueness rule would be broken
  version_mismatch,    ///< optimistic concurrency: the caller's version is stale
  forbidden,           ///< the caller's role may not do this
  unauthenticated,     ///< no valid credentials
  rate_limited,        ///< too many attempts; try later
  gone,                ///< it existed but is no longer usable (an expired link)
};

/// The error category that makes errc usable in boost::system::error_code.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace hd::domain

template <>
struct boost::system::is_error_code_enum<hd::domain::errc> : std::true_type {};
