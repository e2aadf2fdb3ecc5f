#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/types.hpp"
#include "store/database.hpp"

namespace hd::api {

/// The server's Prometheus metrics. Thread contract: observe_* are safe from any thread
/// (prometheus-cpp's metrics are atomic; family lookups lock inside the library).
class Metrics {
 public:
  Metrics();
  void observe_request(const http::Completed& completed);
  /// A durable group commit: how many requests it carried, how long it held the writer and
  /// how long it then waited for the disk.
  void observe_write_batch(const store::BatchCommitted& batch);
  /// A WAL checkpoint ran (on the database's checkpointer thread).
  void observe_checkpoint(const store::CheckpointDone& done);
  /// Sets the live event streams' figures: connected now, and dropped since start.
  void set_event_streams(std::size_t connected, std::uint64_t dropped);
  /// The text exposition, with the queued-jobs gauge set to `queued_jobs` first.
  /// The text format, with the jobs queued now and the bytes of reports' facts kept in memory.
  std::string render(const std::vector<std::pair<std::string, std::int64_t>>& queued_jobs,
                     std::size_t report_fact_bytes);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& batch_sizes_;
  prometheus::Histogram& batch_held_;
  prometheus::Histogram& batch_synced_;
  prometheus::Histogram& writer_paused_;
  prometheus::Family<prometheus::Gauge>& queued_jobs_;
  prometheus::Family<prometheus::Counter>& checkpoints_;
  prometheus::Gauge& wal_bytes_;
  prometheus::Gauge& event_streams_;
  prometheus::Gauge& report_fact_bytes_;
  prometheus::Counter& event_stream_drops_;
};

}  // namespace hd::api
