#pragma once

#include "http/types.hpp"
#include "store/records.hpp"

namespace hd::api {

/// A path parameter `{id}` as a positive id; anything else is a 404 (no such resource).
store::Id path_id(const http::Context& ctx);

}  // namespace hd::api
