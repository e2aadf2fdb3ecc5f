#include "api/kpis_csv.hpp"

#include "domain/kpi_stats.hpp"

namespace hd::api {
namespace {
namespace kpi = domain::kpi;

struct Cells {
  std::optional<double> value;
  std::int64_t n = 0;
  std::optional<std::pair<double, double>> ci;
  bool flag_small = true;  ///< counts (volume, backlog) are not samples: never low-confidence
};

void row(CsvWriter& out, const CsvRowKey& key, const std::string& figure, const Cells& c,
         const CsvTargets& targets) {
  out.text(key.group_by).text(key.group_id).text(key.group_name).text(key.period);
  out.text(key.start).text(key.end).text(figure);
  out.number(c.value).integer(c.n);
  out.number(c.ci ? std::optional(c.ci->first) : std::nullopt);
  out.number(c.ci ? std::optional(c.ci->second) : std::nullopt);
  const auto target = targets(figure);
  out.number(target ? std::optional(target->value) : std::nullopt);
  std::optional<bool> met;
  if (target && c.value)
    met = target->lower_is_better ? *c.value <= target->value : *c.value >= target->value;
  out.boolean(met);
  out.boolean(c.flag_small && c.n < kpi::kLowConfidenceBelow);
  out.end_row();
}

std::optional<double> seconds(const std::optional<domain::Millis>& ms) {
  if (!ms) return std::nullopt;
  return static_cast<double>(*ms) / 1000.0;
}

void duration(CsvWriter& out, const CsvRowKey& key, const std::string& name,
              const kpi::Distribution& d, const CsvTargets& targets) {
  const std::optional<double> mean = d.mean ? std::optional(*d.mean / 1000.0) : std::nullopt;
  row(out, key, name + ".median", {seconds(d.median), d.n, std::nullopt}, targets);
  row(out, key, name + ".p90", {seconds(d.p90), d.n, std::nullopt}, targets);
  row(out, key, name + ".mean", {mean, d.n, std::nullopt}, targets);
}

void proportion(CsvWriter& out, const CsvRowKey& key, const std::string& name,
                const kpi::Proportion& p, const CsvTargets& targets) {
  row(out, key, name, {p.percent, p.n, p.ci}, targets);
}

}  // namespace

void write_kpi_csv_header(CsvWriter& out) {
  for (const char* h : {"group_by", "group_id", "group_name", "period", "start", "end", "figure",
                        "value", "n", "ci_low", "ci_high", "target", "met", "low_confidence"})
    out.text(h);
  out.end_row();
}

void write_kpi_csv_rows(CsvWriter& out, const CsvRowKey& key, const kpi::Figures& f,
                        const CsvTargets& targets) {
  const std::pair<const char*, const kpi::Distribution*> durations[] = {
      {"first_response.calendar", &f.first_response},
      {"first_response.business", &f.first_response_business},
      {"next_reply.calendar", &f.next_reply},
      {"next_reply.business", &f.next_reply_business},
      {"first_resolution.calendar", &f.first_resolution},
      {"first_resolution.business", &f.first_resolution_business},
      {"full_resolution.calendar", &f.full_resolution},
      {"full_resolution.business", &f.full_resolution_business}};
  for (const auto& [name, d] : durations) duration(out, key, name, *d, targets);
  proportion(out, key, "csat", f.csat, targets);
  row(out, key, "nps", {f.nps.score, f.nps.n, f.nps.ci}, targets);
  row(out, key, "ces", {f.ces.value, f.ces.n, std::nullopt}, targets);
  proportion(out, key, "response_rate", f.response_rate, targets);
  proportion(out, key, "reopen_rate", f.reopen_rate, targets);
  proportion(out, key, "one_touch_rate", f.one_touch_rate, targets);
  proportion(out, key, "sla.first_response", f.sla_first_response, targets);
  proportion(out, key, "sla.next_reply", f.sla_next_reply, targets);
  proportion(out, key, "sla.resolution", f.sla_resolution, targets);
  const auto count = [](std::int64_t n) {
    return Cells{static_cast<double>(n), n, std::nullopt, false};
  };
  row(out, key, "volume", count(f.volume), targets);
  row(out, key, "backlog.open", count(f.backlog_open), targets);
  row(out, key, "backlog.pending", count(f.backlog_pending), targets);
  const std::int64_t backlog = f.backlog_open + f.backlog_pending;
  const auto& age = f.backlog_age;
  row(out, key, "backlog.age.median", {seconds(age.median), backlog, std::nullopt, false}, targets);
  row(out, key, "backlog.age.p90", {seconds(age.p90), backlog, std::nullopt, false}, targets);
  row(out, key, "backlog.age.max", {seconds(age.max), backlog, std::nullopt, false}, targets);
}

}  // namespace hd::api
