#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "domain/clock.hpp"

namespace hd::domain::kpi {

/// The z of a two-sided 95% interval, used by every interval the reports show.
inline constexpr double kZ95 = 1.959963984540054;

/// Median, p90, mean and maximum of a sample of durations; empty fields when n is 0.
struct Distribution {
  std::int64_t n = 0;
  std::optional<Millis> median, p90, max;
  std::optional<double> mean;  ///< sum / n in milliseconds (the sum is exact, in integers)
  bool operator==(const Distribution&) const = default;
};

/// Describes `values`, reordering them. Median and p90 are "nearest rank" percentiles (KPIS.md):
/// the value at rank ceil(percent/100 * n), 1-based, so the median of an even count is the
/// lower middle value.
Distribution describe(std::span<Millis> values);

/// A proportion in percent with its 95% Wilson score interval; empty fields when n is 0.
struct Proportion {
  std::int64_t n = 0, hits = 0;
  std::optional<double> percent;
  std::optional<std::pair<double, double>> ci;  ///< in percent
  bool operator==(const Proportion&) const = default;
};

/// REQUIRES: 0 <= hits <= n.
Proportion proportion(std::int64_t hits, std::int64_t n);

/// Net promoter score (-100..100) with a 95% interval from the variance of the +1/0/-1 scores
/// (population variance, SE = sqrt(var / n)), clamped to [-100, 100]; empty fields when n is 0.
struct NetPromoter {
  std::int64_t n = 0, promoters = 0, detractors = 0;
  std::optional<double> score;
  std::optional<std::pair<double, double>> ci;
  bool operator==(const NetPromoter&) const = default;
};

NetPromoter net_promoter(std::int64_t promoters, std::int64_t passives, std::int64_t detractors);

/// The 0-10 answer's class: +1 promoter (9-10), 0 passive (7-8), -1 detractor (0-6).
inline int nps_class(int answer) {
  return answer >= 9 ? 1 : answer >= 7 ? 0 : -1;
}

/// A plain mean of small integer answers (CES); empty when n is 0.
struct Mean {
  std::int64_t n = 0, sum = 0;
  std::optional<double> value;
  bool operator==(const Mean&) const = default;
};
Mean mean_of(std::int64_t sum, std::int64_t n);

/// Below this sample size a figure is marked low-confidence (shown, never hidden).
inline constexpr std::int64_t kLowConfidenceBelow = 30;

}  // namespace hd::domain::kpi
