#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "domain/kpi_facts.hpp"
#include "domain/kpi_stats.hpp"

namespace hd::domain::kpi {

/// What a report breaks its figures down by.
enum class GroupBy { none, agent, team, channel, priority, organization };

/// One stored fact with the ticket values it is stamped with, as a report reads it.
struct FactRow {
  Fact fact;
  std::int64_t ticket_id = 0;
  std::optional<std::int64_t> team, organization;
  int channel = 0, priority = 0;
  Millis created_at = 0;
};

/// The group key of `row` under `by` (nothing: the row has no value there, e.g. no team).
std::optional<std::int64_t> group_key(const FactRow& row, GroupBy by);

/// Everything one group shows for one period (KPIS.md). Durations in milliseconds.
struct Figures {
  Distribution first_response, first_response_business;
  Distribution next_reply, next_reply_business;
  Distribution first_resolution, first_resolution_business;
  Distribution full_resolution, full_resolution_business;
  Proportion csat, response_rate, reopen_rate, one_touch_rate;
  /// SLA attainment per target: achieved / decided, counted where the outcome was decided.
  Proportion sla_first_response, sla_next_reply, sla_resolution;
  NetPromoter nps;
  Mean ces;
  std::int64_t volume = 0;
  std::int64_t backlog_open = 0, backlog_pending = 0;
  Distribution backlog_age;  ///< age at the period's end: end - created_at
  bool operator==(const Figures&) const = default;
};

/// A report's figures for one group: the whole period and each interval of the series.
struct GroupFigures {
  std::optional<std::int64_t> key;
  Figures total;
  std::vector<Figures> series;
};

/// Builds a report from fact rows. `bounds` are the interval bounds of the period
/// (interval_bounds; just {from, to} for no series). Rows of timed facts count when
/// from <= at < to; span rows count in the backlog of every interval end T they cover:
/// the ticket was in open/pending at the period's last instant, start < T <= end.
class ReportBuilder {
 public:
  ReportBuilder(std::vector<Millis> bounds, GroupBy by, bool with_series);
  // It points into its own map of groups: moved (the map's nodes move with it), never copied.
  ReportBuilder(const ReportBuilder&) = delete;
  ReportBuilder& operator=(const ReportBuilder&) = delete;
  ReportBuilder(ReportBuilder&&) = default;
  ReportBuilder& operator=(ReportBuilder&&) = default;
  void add(const FactRow& row);
  /// Says that every row of `metric` has been added: the durations it gave are described now
  /// and their samples freed, so a report holds one metric's samples at a time (a few MB
  /// instead of tens on a million tickets). Optional: finish() describes what is left.
  void metric_done(Metric metric);
  /// Says that about `n` rows of `metric` are coming: room for their durations is made at once.
  void expect(Metric metric, std::size_t n);
  /// An empty builder of the same report, to be fed other metrics and merged into this one.
  ReportBuilder sibling() const { return ReportBuilder(bounds_, by_, with_series_); }
  /// Takes in what `other` (a sibling) was fed. REQUIRES: no kind of duration was fed to both
  /// (the two spans, which both feed the backlog's age, go to the same builder).
  void merge(ReportBuilder&& other);
  /// The groups in key order (the null key first); a report with no grouping has exactly one
  /// group with no key, even when it saw no rows.
  std::vector<GroupFigures> finish();

 private:
  /// Kinds of duration: calendar and business time of first response, next reply, first and
  /// full resolution (0-7), and the backlog's age (8).
  static constexpr std::size_t kKinds = 9, kBacklogAge = 8;
  /// Counts, and the durations once described, of one group in one interval (or the period).
  struct Samples {
    Distribution described[kKinds];
    std::int64_t csat_n = 0, csat_hits = 0, sent = 0, answered = 0, first_resolved = 0,
                 reopened = 0, one_touch = 0, promoters = 0, passives = 0, detractors = 0,
                 ces_n = 0, ces_sum = 0, volume = 0, open = 0, pending = 0;
    std::int64_t sla_decided[3] = {0, 0, 0}, sla_achieved[3] = {0, 0, 0};
    void count(const FactRow& row);
    /// Adds the counts of `s` but its backlog (a count at one instant, not a sum over time).
    void absorb_counts(const Samples& s);
    /// Takes in a sibling's: its counts, and its durations of the kinds it `closed`.
    void merge(const Samples& s, const bool (&closed)[kKinds]);
    /// The figures; every kind must be closed.
    Figures figures() const;
  };
  struct Group {
    std::optional<std::int64_t> key;
    std::size_t index = 0;        ///< in order of creation: by_index_
    Samples total;                ///< without a series; with one, made from it
    std::vector<Samples> series;  ///< one per interval
  };
  /// A duration waiting to be described, with its group and interval: all of a kind's samples
  /// sit in one vector (sorted by slot when described) rather than in a vector per group and
  /// interval, which cost a report thousands of growing allocations.
  struct Sample {
    std::size_t slot;  ///< group index * slots per group + interval
    Millis value;
  };
  /// The kinds of duration facts of `metric` give: calendar and business time, or the backlog's
  /// age; none for the others.
  static std::span<const std::size_t> kinds_of(Metric metric);
  Group& group_for(const FactRow& row);
  Group& group_at(const std::optional<std::int64_t>& key);
  std::size_t slots_per_group() const { return with_series_ ? bounds_.size() - 1 : 1; }
  /// Records the durations `row` gives to slot `slot`, the backlog's age at `period_end`.
  void sample(const FactRow& row, std::size_t slot, Millis period_end);
  /// Describes kind k's samples in every group and interval (and the period's, from the
  /// intervals' with a series), then frees them.
  void close_kind(std::size_t k);

  std::vector<Millis> bounds_;
  GroupBy by_;
  bool with_series_;
  std::map<std::optional<std::int64_t>, Group> groups_;
  std::vector<Group*> by_index_;  ///< groups_'s entries by index
  static constexpr std::int64_t kSmallKeys = 1 << 16;
  std::vector<Group*> small_keys_;  ///< groups_'s entries by key, for keys below kSmallKeys
  Group* unkeyed_ = nullptr;        ///< groups_'s entry without a key, once made
  std::vector<Sample> samples_[kKinds];
  bool closed_[kKinds] = {};
  bool done_[2] = {};  ///< the two spans, both feeding the backlog's age
};

}  // namespace hd::domain::kpi
