#include "domain/kpi_stats.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace hd::domain::kpi {

namespace {
/// The 0-based index of rank ceil(percent * n / 100), in integers: no floating point near a
/// whole rank. REQUIRES: n > 0; 0 < percent <= 100.
std::size_t rank_index(std::size_t n, int percent) {
  assert(n > 0 && percent > 0 && percent <= 100);
  const auto rank = (static_cast<std::int64_t>(percent) * static_cast<std::int64_t>(n) + 99) / 100;
  return static_cast<std::size_t>(rank - 1);
}
}  // namespace

Distribution describe(std::span<Millis> values) {
  Distribution d;
  d.n = static_cast<std::int64_t>(values.size());
  if (values.empty()) return d;
  // Two selections instead of a sort: linear, where sorting a million durations was a tenth
  // of a report's time. The p90 rank is at or past the median's, so its selection needs only
  // what lies after the median.
  const auto median = values.begin() + static_cast<std::ptrdiff_t>(rank_index(values.size(), 50));
  std::nth_element(values.begin(), median, values.end());
  d.median = *median;
  const auto p90 = values.begin() + static_cast<std::ptrdiff_t>(rank_index(values.size(), 90));
  if (p90 != median) std::nth_element(median + 1, p90, values.end());
  d.p90 = *p90;
  d.max = *std::max_element(p90, values.end());
  std::int64_t sum = 0;
  for (const Millis v : values) sum += v;
  d.mean = static_cast<double>(sum) / static_cast<double>(d.n);
  return d;
}

Proportion proportion(std::int64_t hits, std::int64_t n) {
  assert(hits >= 0 && hits <= n);
  Proportion p;
  p.n = n;
  p.hits = hits;
  if (n == 0) return p;
  const double nn = static_cast<double>(n);
  const double phat = static_cast<double>(hits) / nn;
  const double z2 = kZ95 * kZ95;
  const double denominator = 1.0 + z2 / nn;
  const double centre = (phat + z2 / (2.0 * nn)) / denominator;
  const double half =
      kZ95 * std::sqrt(phat * (1.0 - phat) / nn + z2 / (4.0 * nn * nn)) / denominator;
  p.percent = 100.0 * phat;
  p.ci = std::pair{100.0 * std::max(0.0, centre - half), 100.0 * std::min(1.0, centre + half)};
  return p;
}

NetPromoter net_promoter(std::int64_t promoters, std::int64_t passives, std::int64_t detractors) {
  NetPromoter r;
  r.n = promoters + passives + detractors;
  r.promoters = promoters;
  r.detractors = detractors;
  if (r.n == 0) return r;
  const double nn = static_cast<double>(r.n);
  const double mean = static_cast<double>(promoters - detractors) / nn;
  // E[x^2] - E[x]^2 with x in {+1, 0, -1}.
  const double variance =
      std::max(0.0, static_cast<double>(promoters + detractors) / nn - mean * mean);
  const double half = kZ95 * std::sqrt(variance / nn);
  r.score = 100.0 * mean;
  r.ci = std::pair{100.0 * std::max(-1.0, mean - half), 100.0 * std::min(1.0, mean + half)};
  return r;
}

Mean mean_of(std::int64_t sum, std::int64_t n) {
  Mean m;
  m.n = n;
  m.sum = sum;
  if (n > 0) m.value = static_cast<double>(sum) / static_cast<double>(n);
  return m;
}

}  // namespace hd::domain::kpi
