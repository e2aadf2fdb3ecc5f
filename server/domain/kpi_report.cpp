#include "domain/kpi_report.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include "domain/kpi_intervals.hpp"

namespace hd::domain::kpi {

std::optional<std::int64_t> group_key(const FactRow& row, GroupBy by) {
  switch (by) {
    case GroupBy::none:
      return std::nullopt;
    case GroupBy::agent:
      return row.fact.agent;
    case GroupBy::team:
      return row.team;
    case GroupBy::channel:
      return row.channel;
    case GroupBy::priority:
      return row.priority;
    case GroupBy::organization:
      return row.organization;
  }
  return std::nullopt;
}

ReportBuilder::ReportBuilder(std::vector<Millis> bounds, GroupBy by, bool with_series)
    : bounds_(std::move(bounds)), by_(by), with_series_(with_series) {
  if (by_ == GroupBy::none) group_for(FactRow{});
}

ReportBuilder::Group& ReportBuilder::group_for(const FactRow& row) {
  return group_at(group_key(row, by_));
}

ReportBuilder::Group& ReportBuilder::group_at(const std::optional<std::int64_t>& key) {
  // Most keys are small ids (agents, teams, channels): a table indexed by the key spares a
  // report of a million facts as many ordered-map lookups.
  const bool small = key && *key >= 0 && *key < kSmallKeys;
  const auto index = small ? static_cast<std::size_t>(*key) : 0;
  if (!key && unkeyed_) return *unkeyed_;
  if (small && index < small_keys_.size() && small_keys_[index]) return *small_keys_[index];
  const auto [it, made] = groups_.try_emplace(key);
  Group& g = it->second;
  if (made) {
    g.key = key;
    g.index = by_index_.size();
    by_index_.push_back(&g);
    if (with_series_) g.series.resize(bounds_.size() - 1);
  }
  if (!key) unkeyed_ = &g;
  if (small) {
    if (index >= small_keys_.size()) small_keys_.resize(index + 1);
    small_keys_[index] = &g;
  }
  return g;
}

void ReportBuilder::add(const FactRow& row) {
  const Millis from = bounds_.front(), to = bounds_.back();
  // With a series, a fact goes to its intervals only: finish() makes the totals from them.
  if (is_span(row.fact.metric)) {
    const Millis start = row.fact.value, end = row.fact.at;
    // Interval ends T (bounds[1..]) with start < T <= end.
    const auto first = std::upper_bound(bounds_.begin() + 1, bounds_.end(), start);
    if (first == bounds_.end() || *first > end) return;
    auto& g = group_for(row);
    if (!with_series_) {  // here `first` is `to`
      g.total.count(row);
      return sample(row, g.index, to);
    }
    for (auto it = first; it != bounds_.end() && *it <= end; ++it) {
      const auto interval = static_cast<std::size_t>(it - bounds_.begin()) - 1;
      g.series[interval].count(row);
      sample(row, g.index * slots_per_group() + interval, *it);
    }
    return;
  }
  if (row.fact.at < from || row.fact.at >= to) return;
  auto& g = group_for(row);
  if (!with_series_) {
    g.total.count(row);
    return sample(row, g.index, to);
  }
  const std::size_t interval = interval_index(bounds_, row.fact.at);
  g.series[interval].count(row);
  sample(row, g.index * slots_per_group() + interval, to);
}

std::span<const std::size_t> ReportBuilder::kinds_of(Metric metric) {
  static constexpr std::size_t kAll[kKinds] = {0, 1, 2, 3, 4, 5, 6, 7, kBacklogAge};
  switch (metric) {
    case Metric::first_response:
    case Metric::next_reply:
    case Metric::first_resolution:
    case Metric::full_resolution:
      return {kAll + 2 * (static_cast<int>(metric) - static_cast<int>(Metric::first_response)), 2};
    case Metric::open_span:
    case Metric::pending_span:
      return {kAll + kBacklogAge, 1};
    default:
      return {};
  }
}

void ReportBuilder::sample(const FactRow& row, std::size_t slot, Millis period_end) {
  const auto kinds = kinds_of(row.fact.metric);
  if (kinds.size() == 2) {
    samples_[kinds[0]].push_back({slot, row.fact.value});
    samples_[kinds[1]].push_back({slot, row.fact.business});
  } else if (kinds.size() == 1) {
    samples_[kBacklogAge].push_back({slot, period_end - row.created_at});
  }
}

void ReportBuilder::Samples::absorb_counts(const Samples& s) {
  csat_n += s.csat_n;
  csat_hits += s.csat_hits;
  sent += s.sent;
  answered += s.answered;
  first_resolved += s.first_resolved;
  reopened += s.reopened;
  one_touch += s.one_touch;
  promoters += s.promoters;
  passives += s.passives;
  detractors += s.detractors;
  ces_n += s.ces_n;
  ces_sum += s.ces_sum;
  volume += s.volume;
  for (std::size_t i = 0; i < std::size(sla_decided); ++i) {
    sla_decided[i] += s.sla_decided[i];
    sla_achieved[i] += s.sla_achieved[i];
  }
}

void ReportBuilder::Samples::merge(const Samples& s, const bool (&closed)[kKinds]) {
  absorb_counts(s);
  open += s.open;
  pending += s.pending;
  for (std::size_t k = 0; k < kKinds; ++k)
    if (closed[k]) described[k] = s.described[k];
}

void ReportBuilder::merge(ReportBuilder&& other) {
  for (std::size_t k = 0; k < kKinds; ++k)
    if (closed_[k] && other.closed_[k])
      throw std::logic_error("report builders that both described one kind can't be merged");
  // The sibling's groups as this builder's, by the sibling's indexes.
  std::vector<Group*> mine;
  for (const Group* theirs : other.by_index_) {
    Group& g = group_at(theirs->key);
    g.total.merge(theirs->total, other.closed_);
    for (std::size_t i = 0; i < g.series.size(); ++i)
      g.series[i].merge(theirs->series[i], other.closed_);
    mine.push_back(&g);
  }
  const std::size_t per_group = slots_per_group();
  for (std::size_t k = 0; k < kKinds; ++k) {
    for (const Sample& s : other.samples_[k]) {  // those it has not described
      const Group& g = *mine[s.slot / per_group];
      samples_[k].push_back({g.index * per_group + s.slot % per_group, s.value});
    }
    // Described by the sibling: this builder has no samples of them to describe.
    closed_[k] = closed_[k] || other.closed_[k];
  }
  done_[0] = done_[0] || other.done_[0];
  done_[1] = done_[1] || other.done_[1];
}

void ReportBuilder::expect(Metric metric, std::size_t n) {
  for (const std::size_t k : kinds_of(metric)) samples_[k].reserve(samples_[k].size() + n);
}

void ReportBuilder::metric_done(Metric metric) {
  if (is_span(metric)) {  // both spans feed the backlog's age
    done_[metric == Metric::open_span ? 0 : 1] = true;
    if (done_[0] && done_[1]) close_kind(kBacklogAge);
    return;
  }
  for (const std::size_t k : kinds_of(metric)) close_kind(k);
}

void ReportBuilder::close_kind(std::size_t k) {
  if (closed_[k]) return;
  closed_[k] = true;
  // A counting sort by slot: each group's samples, interval by interval, side by side.
  const std::size_t per_group = slots_per_group(), slots = by_index_.size() * per_group;
  std::vector<std::size_t> start(slots + 1, 0);
  for (const Sample& s : samples_[k]) ++start[s.slot + 1];
  for (std::size_t i = 1; i <= slots; ++i) start[i] += start[i - 1];
  std::vector<Millis> sorted(samples_[k].size());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (const Sample& s : samples_[k]) sorted[next[s.slot]++] = s.value;
  }
  std::vector<Sample>().swap(samples_[k]);
  auto slice = [&](std::size_t first_slot, std::size_t end_slot) {
    return std::span<Millis>(sorted.data() + start[first_slot], sorted.data() + start[end_slot]);
  };
  for (Group* g : by_index_) {
    const std::size_t first = g->index * per_group;
    if (!with_series_) {
      g->total.described[k] = describe(slice(first, first + 1));
      continue;
    }
    for (std::size_t i = 0; i < per_group; ++i)
      g->series[i].described[k] = describe(slice(first + i, first + i + 1));
    // The backlog at the period's end is the one at its last interval's end; other durations
    // of the period are its intervals' (describing those reordered only within each).
    g->total.described[k] = k == kBacklogAge ? g->series.back().described[k]
                                             : describe(slice(first, first + per_group));
  }
}

void ReportBuilder::Samples::count(const FactRow& row) {
  const Fact& f = row.fact;
  switch (f.metric) {
    case Metric::created:
      ++volume;
      break;
    case Metric::first_response:
    case Metric::next_reply:
    case Metric::full_resolution:
      break;  // durations only
    case Metric::first_resolution:
      ++first_resolved;
      if (f.flags & kFlagReopened) ++reopened;
      if (f.flags & kFlagOneTouch) ++one_touch;
      break;
    case Metric::survey_sent:
      ++sent;
      if (f.flags & kFlagAnswered) ++answered;
      break;
    case Metric::survey_answer:
      if (f.csat) {
        ++csat_n;
        if (*f.csat >= 4) ++csat_hits;
      }
      if (f.nps) {
        const int c = nps_class(*f.nps);
        (c > 0 ? promoters : c == 0 ? passives : detractors) += 1;
      }
      if (f.ces) {
        ++ces_n;
        ces_sum += *f.ces;
      }
      break;
    case Metric::sla_first_response:
    case Metric::sla_next_reply:
    case Metric::sla_resolution: {
      const auto i = static_cast<std::size_t>(static_cast<int>(f.metric) -
                                              static_cast<int>(Metric::sla_first_response));
      ++sla_decided[i];
      if (f.flags & kFlagAchieved) ++sla_achieved[i];
      break;
    }
    case Metric::open_span:
    case Metric::pending_span:
      (f.metric == Metric::open_span ? open : pending) += 1;
      break;
  }
}

Figures ReportBuilder::Samples::figures() const {
  Figures r;
  r.first_response = described[0];
  r.first_response_business = described[1];
  r.next_reply = described[2];
  r.next_reply_business = described[3];
  r.first_resolution = described[4];
  r.first_resolution_business = described[5];
  r.full_resolution = described[6];
  r.full_resolution_business = described[7];
  r.csat = proportion(csat_hits, csat_n);
  r.response_rate = proportion(answered, sent);
  r.reopen_rate = proportion(reopened, first_resolved);
  r.one_touch_rate = proportion(one_touch, first_resolved);
  r.sla_first_response = proportion(sla_achieved[0], sla_decided[0]);
  r.sla_next_reply = proportion(sla_achieved[1], sla_decided[1]);
  r.sla_resolution = proportion(sla_achieved[2], sla_decided[2]);
  r.nps = net_promoter(promoters, passives, detractors);
  r.ces = mean_of(ces_sum, ces_n);
  r.volume = volume;
  r.backlog_open = open;
  r.backlog_pending = pending;
  r.backlog_age = described[kBacklogAge];
  return r;
}

std::vector<GroupFigures> ReportBuilder::finish() {
  for (std::size_t k = 0; k < kKinds; ++k) close_kind(k);
  std::vector<GroupFigures> out;
  out.reserve(groups_.size());
  for (auto& [key, g] : groups_) {
    GroupFigures gf;
    gf.key = key;
    if (with_series_) {
      // The period's counts are its intervals'; its backlog is the last interval's (both are
      // counted at the period's end).
      for (const Samples& s : g.series) g.total.absorb_counts(s);
      g.total.open = g.series.back().open;
      g.total.pending = g.series.back().pending;
      gf.series.reserve(g.series.size());
      for (const Samples& s : g.series) gf.series.push_back(s.figures());
    }
    gf.total = g.total.figures();
    out.push_back(std::move(gf));
  }
  return out;
}

}  // namespace hd::domain::kpi
