#include "jobs/sla_jobs.hpp"

#include <boost/json/parse.hpp>

#include "store/ticket_sla.hpp"

namespace hd::jobs {

void add_sla_jobs(JobRunner& runner, store::Database& db, const domain::Clock& clock,
                  store::TicketPolicy policy) {
  runner.add_handler("sla_recompute", [&db, &clock, policy](const store::ClaimedJob&) {
    store::Id after = 0;
    do {
      auto batch = [after, now = clock.now_ms(), policy](store::Tx& tx) {
        return store::recompute_sla_batch(tx, after, kSlaRecomputeBatch, now, policy);
      };
      after = db.write_blocking(std::move(batch));
    } while (after != 0);
  });
  runner.add_handler("sla_watch", [&db, &clock, policy](const store::ClaimedJob& job) {
    const auto payload = boost::json::parse(job.payload).as_object();
    const store::Id ticket_id = payload.at("ticket_id").as_int64();
    const std::string target(payload.at("target").as_string());
    const std::string kind(payload.at("kind").as_string());
    const domain::Millis due_at = payload.at("due_at").as_int64();
    auto fire = [=, now = clock.now_ms()](store::Tx& tx) {
      return store::fire_sla_watch(tx, ticket_id, target, kind, due_at, now, policy);
    };
    db.write_blocking(std::move(fire));
  });
}

}  // namespace hd::jobs
