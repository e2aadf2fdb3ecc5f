#include "domain/kpi_stats.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace hd::domain::kpi {

Millis nearest_rank(const std::vector<Millis>& sorted, int percent) {
  assert(!sorted.empty() && percent > 0 && percent <= 100);
  // ceil(percent * n / 100) in integers: no floating point near a whole rank.
  const auto n = static_cast<std::int64_t>(sorted.size());
  const std::int64_t rank = (percent * n + 99) / 100;
  return sorted[static_cast<std::size_t>(rank - 1)];
}

Distribution describe(std::vector<Millis>& values) {
  Distribution d;
  d.n = static_cast<std::int64_t>(values.size());
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  d.median = nearest_rank(values, 50);
  d.p90 = nearest_rank(values, 90);
  d.max = values.back();
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
