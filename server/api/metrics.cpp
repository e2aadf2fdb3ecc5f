#include "api/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace hd::api {
namespace {

const prometheus::Histogram::BucketBoundaries kWriteBuckets{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,  0.1,    0.25,  1};

/// A histogram of how long something held or kept waiting the single writer, in seconds.
prometheus::Histogram& writer_histogram(prometheus::Registry& registry, const std::string& name,
                                        const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({},
                                                                                   kWriteBuckets);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("helpdesk_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status.")
                    .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("helpdesk_http_request_duration_seconds")
                   .Help("Time from a request read to its response ready, by route pattern.")
                   .Register(*registry_)),
      batch_sizes_(
          prometheus::BuildHistogram()
              .Name("helpdesk_db_write_batch_size")
              .Help("Requests committed together in one group commit.")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256})),
      // The writer is one thread: every other write waits while a batch holds it, so the tail
      // of this (a large import or recompute batch, a WAL restart) is every writer's wait.
      batch_held_(
          writer_histogram(*registry_, "helpdesk_db_write_batch_seconds",
                           "Time one group commit held the writer, from BEGIN to COMMIT done.")),
      batch_synced_(writer_histogram(*registry_, "helpdesk_db_write_sync_seconds",
                                     "Time from one group commit's COMMIT to the fdatasync that "
                                     "made it durable, after which its requests are answered.")),
      writer_paused_(writer_histogram(*registry_, "helpdesk_db_writer_paused_seconds",
                                      "Time a checkpoint held the writer paused so that the WAL "
                                      "could start over: every write waits this long.")),
      queued_jobs_(prometheus::BuildGauge()
                       .Name("helpdesk_jobs_queued")
                       .Help("Jobs waiting to run, by kind.")
                       .Register(*registry_)),
      checkpoints_(prometheus::BuildCounter()
                       .Name("helpdesk_db_checkpoints_total")
                       .Help("WAL checkpoints, by mode (passive; paused: the writer paused so "
                             "that the WAL can start over; restart: the same, waiting for "
                             "readers) and outcome (done, busy: readers kept part of the WAL, "
                             "error).")
                       .Register(*registry_)),
      wal_bytes_(prometheus::BuildGauge()
                     .Name("helpdesk_db_wal_bytes")
                     .Help("Size of the database's write-ahead log file after the last "
                           "checkpoint.")
                     .Register(*registry_)
                     .Add({})),
      event_streams_(prometheus::BuildGauge()
                         .Name("helpdesk_event_streams")
                         .Help("Agents' live event streams connected now.")
                         .Register(*registry_)
                         .Add({})),
      report_fact_bytes_(prometheus::BuildGauge()
                             .Name("helpdesk_kpi_fact_cache_bytes")
                             .Help("Memory held by reports' facts kept between reports.")
                             .Register(*registry_)
                             .Add({})),
      event_stream_drops_(prometheus::BuildCounter()
                              .Name("helpdesk_event_stream_drops_total")
                              .Help("Event streams dropped for not keeping up (queue full or a "
                                    "write timed out).")
                              .Register(*registry_)
                              .Add({})) {
  // Every mode and outcome from the start, so that a rate over them is defined at zero.
  for (const char* mode : {"passive", "paused", "restart"})
    for (const char* outcome : {"done", "busy", "error"})
      checkpoints_.Add({{"mode", mode}, {"outcome", outcome}});
}

void Metrics::observe_checkpoint(const store::CheckpointDone& done) {
  checkpoints_.Add({{"mode", done.mode}, {"outcome", done.outcome}}).Increment();
  wal_bytes_.Set(static_cast<double>(done.wal_bytes));
  if (done.writer_paused.count() > 0)
    writer_paused_.Observe(static_cast<double>(done.writer_paused.count()) / 1e6);
}

void Metrics::set_event_streams(std::size_t connected, std::uint64_t dropped) {
  event_streams_.Set(static_cast<double>(connected));
  const double seen = event_stream_drops_.Value();
  if (static_cast<double>(dropped) > seen)
    event_stream_drops_.Increment(static_cast<double>(dropped) - seen);
}

void Metrics::observe_request(const http::Completed& c) {
  requests_
      .Add({{"route", std::string(c.route)},
            {"method", std::string(c.method)},
            {"status", std::to_string(c.status)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  latency_.Add({{"route", std::string(c.route)}}, kBuckets)
      .Observe(static_cast<double>(c.duration.count()) / 1e6);
}

void Metrics::observe_write_batch(const store::BatchCommitted& batch) {
  batch_sizes_.Observe(static_cast<double>(batch.requests));
  batch_held_.Observe(static_cast<double>(batch.held.count()) / 1e6);
  batch_synced_.Observe(static_cast<double>(batch.synced.count()) / 1e6);
}

std::string Metrics::render(const std::vector<std::pair<std::string, std::int64_t>>& queued_jobs,
                            std::size_t report_fact_bytes) {
  for (const auto& [kind, count] : queued_jobs)
    queued_jobs_.Add({{"kind", kind}}).Set(static_cast<double>(count));
  report_fact_bytes_.Set(static_cast<double>(report_fact_bytes));
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace hd::api
