#include "store/kpi_fact_cache.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "store/raw_statement.hpp"

namespace hd::store::kpi {
namespace {
using domain::kpi::FactRow;
using domain::kpi::Metric;

constexpr Millis kDayMs = 86'400'000;
constexpr std::int64_t kNoId = std::numeric_limits<std::int64_t>::min();
constexpr std::int8_t kNoScore = -1;

constexpr const char* kDayVersions =
    "SELECT day, version FROM kpi_fact_days "
    "WHERE metric = :metric AND day >= :first AND day <= :last ORDER BY day";
constexpr const char* kLastDay = "SELECT max(day) FROM kpi_fact_days WHERE metric = :metric";
constexpr const char* kDayFacts =
    "SELECT at, agent_id, team_id, channel, priority, organization_id, created_at, value, "
    "business, flags, csat, nps, ces FROM kpi_facts "
    "WHERE metric = :metric AND at >= :lo AND at <= :hi";

// What a report reads of a fact, in 64 bytes instead of a FactRow's 144.
struct Packed {
  Millis at, value, business, created_at;
  std::int64_t agent, team, organization;                // kNoId: none
  std::int8_t channel, priority, flags, csat, nps, ces;  // scores: kNoScore when not given
};

// The day of `at` as the schema computes it: SQL's integer division truncates toward zero.
std::int64_t day_of(Millis at) {
  return at / kDayMs;
}

// The instants whose day_of is `day`, without overflowing at either end of the range.
std::pair<Millis, Millis> instants_of(std::int64_t day) {
  constexpr Millis kMax = std::numeric_limits<Millis>::max();
  constexpr Millis kMin = std::numeric_limits<Millis>::min();
  if (day == 0) return {-(kDayMs - 1), kDayMs - 1};
  if (day > 0) {
    const Millis first = day * kDayMs;
    return {first, first > kMax - (kDayMs - 1) ? kMax : first + kDayMs - 1};
  }
  const Millis last = day * kDayMs;
  return {last < kMin + (kDayMs - 1) ? kMin : last - (kDayMs - 1), last};
}

std::int64_t id_or_none(const RawStatement& s, int column) {
  return s.is_null(column) ? kNoId : s.int64(column);
}
std::int8_t score_or_none(const RawStatement& s, int column) {
  return s.is_null(column) ? kNoScore : static_cast<std::int8_t>(s.int64(column));
}
std::optional<std::int64_t> id_of(std::int64_t packed) {
  if (packed == kNoId) return std::nullopt;
  return packed;
}
std::optional<int> score_of(std::int8_t packed) {
  if (packed == kNoScore) return std::nullopt;
  return packed;
}

FactRow unpack(const Packed& p, Metric metric) {
  FactRow r;
  r.fact.metric = metric;
  r.fact.at = p.at;
  r.fact.agent = id_of(p.agent);
  r.fact.value = p.value;
  r.fact.business = p.business;
  r.fact.flags = p.flags;
  r.fact.csat = score_of(p.csat);
  r.fact.nps = score_of(p.nps);
  r.fact.ces = score_of(p.ces);
  r.team = id_of(p.team);
  r.organization = id_of(p.organization);
  r.channel = p.channel;
  r.priority = p.priority;
  r.created_at = p.created_at;
  return r;
}

}  // namespace

struct FactCache::Day {
  std::int64_t version = 0;
  std::vector<Packed> facts;
  std::size_t bytes() const { return sizeof(Day) + facts.capacity() * sizeof(Packed); }
};

namespace {

std::shared_ptr<const FactCache::Day> load_day(Connection& db, Metric metric, std::int64_t day,
                                               std::int64_t version) {
  auto out = std::make_shared<FactCache::Day>();
  out->version = version;
  const auto [lo, hi] = instants_of(day);
  RawStatement s(db, kDayFacts);
  s.bind(":metric", static_cast<std::int64_t>(metric));
  s.bind(":lo", lo);
  s.bind(":hi", hi);
  while (s.step()) {
    Packed p;
    p.at = s.int64(0);
    p.agent = id_or_none(s, 1);
    p.team = id_or_none(s, 2);
    p.channel = static_cast<std::int8_t>(s.int64(3));
    p.priority = static_cast<std::int8_t>(s.int64(4));
    p.organization = id_or_none(s, 5);
    p.created_at = s.int64(6);
    p.value = s.int64(7);
    p.business = s.int64(8);
    p.flags = static_cast<std::int8_t>(s.int64(9));
    p.csat = score_or_none(s, 10);
    p.nps = score_or_none(s, 11);
    p.ces = score_or_none(s, 12);
    out->facts.push_back(p);
  }
  out->facts.shrink_to_fit();
  return out;
}

}  // namespace

FactCache::Facts FactCache::facts(Connection& db, Metric metric, Millis lo, Millis hi) {
  Facts out;
  out.metric_ = metric;
  out.lo_ = lo;
  out.hi_ = hi;
  if (lo > hi) return out;
  RawStatement versions(db, kDayVersions);
  versions.bind(":metric", static_cast<std::int64_t>(metric));
  versions.bind(":first", day_of(lo));
  versions.bind(":last", day_of(hi));
  while (versions.step()) {
    const Key key{static_cast<int>(metric), versions.int64(0)};
    const std::int64_t version = versions.int64(1);
    auto day = find(key, version);
    if (!day) {
      day = load_day(db, metric, key.second, version);
      keep(key, day);
    }
    out.days_.push_back(std::move(day));
  }
  return out;
}

void FactCache::Facts::for_each(const std::function<void(const FactRow&)>& each) const {
  for (const auto& day : days_)
    for (const Packed& p : day->facts)
      if (p.at >= lo_ && p.at <= hi_) each(unpack(p, metric_));
}

std::size_t FactCache::Facts::size() const {
  std::size_t n = 0;
  for (const auto& day : days_) n += day->facts.size();
  return n;
}

std::shared_ptr<const FactCache::Day> FactCache::find(const Key& key, std::int64_t version) {
  const std::lock_guard lock(mutex_);
  const auto it = days_.find(key);
  if (it == days_.end() || it->second.day->version != version) return nullptr;
  it->second.last_used = ++clock_;
  return it->second.day;
}

void FactCache::keep(const Key& key, std::shared_ptr<const Day> day) {
  const std::lock_guard lock(mutex_);
  auto& entry = days_[key];
  // Another reader may have kept a newer snapshot's day meanwhile: versions only grow.
  if (entry.day && entry.day->version > day->version) return;
  if (entry.day) bytes_ -= entry.day->bytes();
  bytes_ += day->bytes();
  entry.day = std::move(day);
  entry.last_used = ++clock_;
  evict_locked();
}

void FactCache::evict_locked() {
  if (bytes_ <= budget_) return;
  // Rarely reached: drop the least recently used days down to three quarters of the budget,
  // so that the next few loads don't sort again.
  std::vector<std::pair<std::uint64_t, Key>> by_use;
  by_use.reserve(days_.size());
  for (const auto& [key, entry] : days_) by_use.emplace_back(entry.last_used, key);
  std::sort(by_use.begin(), by_use.end());
  for (const auto& [used, key] : by_use) {
    if (bytes_ <= budget_ / 4 * 3) break;
    const auto it = days_.find(key);
    bytes_ -= it->second.day->bytes();
    days_.erase(it);
  }
}

std::optional<std::pair<Millis, Millis>> FactCache::last_day(Connection& db, Metric metric) {
  RawStatement s(db, kLastDay);
  s.bind(":metric", static_cast<std::int64_t>(metric));
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return instants_of(s.int64(0));
}

std::size_t FactCache::bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace hd::store::kpi
