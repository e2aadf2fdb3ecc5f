#include "jobs/runner.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "../store/temp_database.hpp"

namespace hd::jobs {
namespace {

using domain::Millis;

// The runner's retry delays, sampled `n` times for `attempt`.
std::vector<Millis> samples(JobRunner& runner, int attempt, int n = 400) {
  std::vector<Millis> delays;
  for (int i = 0; i < n; ++i) delays.push_back(runner.backoff(attempt));
  return delays;
}

struct RunnerFixture {
  store::testing::TempDatabase temp;
  domain::ManualClock clock{1'700'000'000'000};
  JobOptions options;
  std::unique_ptr<JobRunner> runner;

  explicit RunnerFixture(Millis first = 5'000, Millis max = 3'600'000) {
    options.first_retry_ms = first;
    options.max_retry_ms = max;
    runner = std::make_unique<JobRunner>(temp.db(), clock, options, [](const std::string&) {});
  }
};

}  // namespace

TEST_CASE("backoff: each delay lies between half its ceiling and the ceiling") {
  RunnerFixture f;
  Millis ceiling = 5'000;
  for (int attempt = 1; attempt <= 10;
       ++attempt, ceiling = std::min<Millis>(ceiling * 2, 3'600'000)) {
    CAPTURE(attempt);
    for (const Millis d : samples(*f.runner, attempt)) {
      CHECK(d >= ceiling / 2);
      CHECK(d <= ceiling);
    }
  }
}

TEST_CASE("backoff: the ceiling doubles with each attempt") {
  RunnerFixture f(1'000, 1'000'000'000);
  // The largest of many draws comes close to the ceiling, so the maxima double too.
  Millis previous = 0;
  for (int attempt = 1; attempt <= 8; ++attempt) {
    CAPTURE(attempt);
    const auto delays = samples(*f.runner, attempt);
    const Millis ceiling = Millis{1'000} << (attempt - 1);
    const Millis highest = *std::max_element(delays.begin(), delays.end());
    const Millis lowest = *std::min_element(delays.begin(), delays.end());
    CHECK(highest <= ceiling);
    CHECK(highest >= ceiling * 95 / 100);
    CHECK(lowest >= ceiling / 2);
    CHECK(lowest <= ceiling * 55 / 100);
    if (previous > 0) CHECK(highest > previous * 3 / 2);
    previous = highest;
  }
}

TEST_CASE("backoff: capped at max_retry, however many attempts") {
  RunnerFixture f(5'000, 60'000);
  for (const int attempt : {5, 6, 10, 31, 64, 1000}) {
    CAPTURE(attempt);
    for (const Millis d : samples(*f.runner, attempt)) {
      CHECK(d >= 30'000);
      CHECK(d <= 60'000);
    }
  }
  // Attempt 0 or below (never passed by the runner) is treated as the first.
  for (const Millis d : samples(*f.runner, 0)) CHECK(d <= 5'000);
}

TEST_CASE("backoff: jittered, so jobs that failed together spread out") {
  RunnerFixture f;
  const auto delays = samples(*f.runner, 6, 1000);
  const std::set<Millis> distinct(delays.begin(), delays.end());
  CHECK(distinct.size() > 500);
  // Uniform over [ceiling/2, ceiling]: the mean is near three quarters of the ceiling.
  double sum = 0;
  for (const Millis d : delays) sum += static_cast<double>(d);
  const double mean = sum / static_cast<double>(delays.size());
  const double ceiling = 5'000.0 * 32;
  CHECK(mean > ceiling * 0.70);
  CHECK(mean < ceiling * 0.80);
}

}  // namespace hd::jobs
