#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::kpi {

/// A supervisor's target for one figure, for everyone (no team) or one team.
struct TargetRecord {
  Id id = 0;
  std::string figure;  ///< e.g. "csat", "first_response.business.median"
  std::optional<Id> team_id;
  double value = 0;
  std::optional<Id> updated_by;
  Millis updated_at = 0;
};

std::vector<TargetRecord> list_targets(Connection& db);
/// Sets (creates or replaces) the target of (figure, team). Refuses an unknown team.
TargetRecord put_target(Tx& tx, const TargetRecord& target, Millis now);
/// Removes a target; refuses not_found.
void delete_target(Tx& tx, Id id);

}  // namespace hd::store::kpi
