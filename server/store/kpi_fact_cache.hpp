#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "domain/kpi_report.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

namespace hd::store::kpi {

/// The facts of each metric and UTC day as reports read them, kept in memory between reports.
/// A report over 90 days of a million-ticket desk reads about a million facts: SQLite steps
/// through them at about half a microsecond each, memory in a few nanoseconds. Exact: a trigger
/// bumps a version of the (metric, day) with every change to its facts (schema 0015), and a day
/// is read again when the version in the report's snapshot is not the one it was kept at.
/// Shared by the reader threads; the least recently used days go past `budget_bytes`.
class FactCache {
 public:
  struct Day;  // the facts of one (metric, day), packed

  /// The facts of one metric between two instants, as of one snapshot; read from memory alone,
  /// so any thread may read them (the days are never changed once kept).
  class Facts {
   public:
    /// Calls `each` for every fact, in (at, ticket, seq) order. The rows carry what a report
    /// counts: no ticket id, no seq.
    void for_each(const std::function<void(const domain::kpi::FactRow&)>& each) const;
    /// How many facts the days hold (a bound on how many for_each gives).
    std::size_t size() const;

   private:
    friend class FactCache;
    domain::kpi::Metric metric_{};
    Millis lo_ = 0, hi_ = 0;
    std::vector<std::shared_ptr<const Day>> days_;
  };

  static constexpr std::size_t kDefaultBudget = std::size_t{128} << 20;
  explicit FactCache(std::size_t budget_bytes = kDefaultBudget) : budget_(budget_bytes) {}

  /// The facts of `metric` with lo <= at <= hi: the days kept at the version `db` sees, the
  /// others read from it (and kept).
  /// REQUIRES: `db` is in a read snapshot (store/read_snapshot.hpp) for the whole call, and
  /// for every other call whose facts are to agree with these.
  Facts facts(Connection& db, domain::kpi::Metric metric, Millis lo, Millis hi);

  /// The first and last instant of the latest day holding facts of `metric`; nothing when none.
  static std::optional<std::pair<Millis, Millis>> last_day(Connection& db,
                                                           domain::kpi::Metric metric);

  /// Bytes of facts held now.
  std::size_t bytes() const;

 private:
  using Key = std::pair<int, std::int64_t>;  // metric, day
  struct Entry {
    std::shared_ptr<const Day> day;
    std::uint64_t last_used = 0;
  };
  std::shared_ptr<const Day> find(const Key& key, std::int64_t version);
  void keep(const Key& key, std::shared_ptr<const Day> day);
  void evict_locked();

  const std::size_t budget_;
  mutable std::mutex mutex_;  ///< guards everything below
  std::map<Key, Entry> days_;
  std::size_t bytes_ = 0;
  std::uint64_t clock_ = 0;  ///< ticks per use: the order of last use
};

}  // namespace hd::store::kpi
