#pragma once

#include "domain/refusal.hpp"
#include "http/problem.hpp"

namespace hd::api {

/// The one mapping of an expected refusal (domain::errc) to its HTTP answer.
http::Problem to_problem(const domain::Refusal& refusal);

}  // namespace hd::api
