// When a job worker next has something to do: the earliest queued job or the earliest lease of a
// running one, whichever comes first, whatever else the queue holds.
#include <doctest/doctest.h>

#include "store/jobs_store.hpp"
#include "temp_database.hpp"

namespace hd::store {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

std::optional<std::int64_t> next_due(testing::TempDatabase& temp) {
  return temp.db().read_blocking([](Connection& c) { return next_job_due(c); });
}

/// Runs `change` (which returns nothing) as one write.
template <class Change>
void write(testing::TempDatabase& temp, Change change) {
  temp.db().write_blocking([&](Tx& tx) {
    change(tx);
    return 0;
  });
}

void queue(testing::TempDatabase& temp, std::string key, std::int64_t run_at) {
  temp.db().write_blocking([&](Tx& tx) { return queue_job(tx, "test", "{}", run_at, key, kNow); });
}

TEST_CASE("next_job_due: nothing to do, a queued job, a lease, and jobs that no longer count") {
  testing::TempDatabase temp;
  CHECK_FALSE(next_due(temp).has_value());

  queue(temp, "later", kNow + 50'000);
  queue(temp, "soon", kNow + 10'000);
  queue(temp, "soonest-but-cancelled", kNow + 1'000);
  write(temp, [](Tx& tx) { cancel_job(tx, "soonest-but-cancelled", kNow); });
  CHECK(next_due(temp) == kNow + 10'000);

  // Claimed at its due time under a 5 s lease: the lease's end is now the earliest.
  const auto job =
      temp.db().write_blocking([](Tx& tx) { return claim_due_job(tx, kNow + 10'000, 5'000); });
  REQUIRE(job.has_value());
  CHECK(next_due(temp) == kNow + 15'000);

  // Finished: only the queued job is left; done, dead and cancelled jobs never count.
  write(temp, [&](Tx& tx) { finish_job(tx, job->id, kNow + 11'000); });
  CHECK(next_due(temp) == kNow + 50'000);

  const auto last =
      temp.db().write_blocking([](Tx& tx) { return claim_due_job(tx, kNow + 50'000, 120'000); });
  REQUIRE(last.has_value());
  CHECK(next_due(temp) == kNow + 170'000);
  write(temp, [&](Tx& tx) { fail_job(tx, last->id, "no", std::nullopt, kNow + 51'000); });
  CHECK_FALSE(next_due(temp).has_value());
}

}  // namespace
}  // namespace hd::store
