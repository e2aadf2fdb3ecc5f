#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/types.hpp"

namespace hd::api {

/// The server's Prometheus metrics. Thread contract: observe_* are safe from any thread
/// (prometheus-cpp's metrics are atomic; family lookups lock inside the library).
class Metrics {
 public:
  Metrics();
  void observe_request(const http::Completed& completed);
  void observe_write_batch(std::size_t size);
  /// The text exposition, with the queued-jobs gauge set to `queued_jobs` first.
  std::string render(const std::vector<std::pair<std::string, std::int64_t>>& queued_jobs);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& batch_sizes_;
  prometheus::Family<prometheus::Gauge>& queued_jobs_;
};

}  // namespace hd::api
