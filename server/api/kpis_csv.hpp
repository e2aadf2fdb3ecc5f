#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/csv_writer.hpp"
#include "domain/kpi_report.hpp"

namespace hd::api {

/// A target that applies to a figure of one group, and which way is better.
struct CsvTarget {
  double value = 0;
  bool lower_is_better = false;
};
/// The target of a figure (its kpi-targets name, e.g. `first_response.business.median`).
using CsvTargets = std::function<std::optional<CsvTarget>(const std::string& figure)>;

/// The cells that say which group and interval a row belongs to.
struct CsvRowKey {
  std::string group_by, group_id, group_name, period, start, end;
};

/// The header row of a KPI report's CSV.
void write_kpi_csv_header(CsvWriter& out);

/// One row per figure of `f` (durations one per flavour and statistic, named like targets:
/// seconds; proportions in percent with their Wilson interval; counts as value and n).
void write_kpi_csv_rows(CsvWriter& out, const CsvRowKey& key, const domain::kpi::Figures& f,
                        const CsvTargets& targets);

}  // namespace hd::api
