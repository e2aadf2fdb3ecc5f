#include "store/kpi_targets.hpp"

#include <SQLiteCpp/Statement.h>

#include "domain/refusal.hpp"
#include "store/sql_values.hpp"

namespace hd::store::kpi {
namespace {

constexpr const char* kListTargets =
    "SELECT id, figure, team_id, value, updated_by, updated_at FROM kpi_targets "
    "ORDER BY figure, COALESCE(team_id, 0)";
constexpr const char* kFindTarget =
    "SELECT id, figure, team_id, value, updated_by, updated_at FROM kpi_targets "
    "WHERE figure = ? AND COALESCE(team_id, 0) = COALESCE(?, 0)";
constexpr const char* kInsertTarget =
    "INSERT INTO kpi_targets(figure, team_id, value, updated_by, updated_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kUpdateTarget =
    "UPDATE kpi_targets SET value = ?, updated_by = ?, updated_at = ? WHERE id = ?";
constexpr const char* kDeleteTarget = "DELETE FROM kpi_targets WHERE id = ?";
constexpr const char* kTeamExists = "SELECT 1 FROM teams WHERE id = ?";

TargetRecord read_target(SQLite::Statement& s) {
  TargetRecord t;
  t.id = s.getColumn(0).getInt64();
  t.figure = s.getColumn(1).getString();
  t.team_id = optional_id(s.getColumn(2));
  t.value = s.getColumn(3).getDouble();
  t.updated_by = optional_id(s.getColumn(4));
  t.updated_at = s.getColumn(5).getInt64();
  return t;
}

}  // namespace

std::vector<TargetRecord> list_targets(Connection& db) {
  auto& s = db.statement(kListTargets);
  std::vector<TargetRecord> out;
  while (s.executeStep()) out.push_back(read_target(s));
  s.reset();
  return out;
}

TargetRecord put_target(Tx& tx, const TargetRecord& target, Millis now) {
  auto& db = tx.connection();
  if (target.team_id) {
    auto& team = db.statement(kTeamExists);
    team.bind(1, *target.team_id);
    const bool exists = team.executeStep();
    team.reset();
    if (!exists)
      throw domain::Refusal(domain::errc::invalid_argument,
                            "Team " + std::to_string(*target.team_id) + " does not exist.",
                            "team_id");
  }
  auto& find = db.statement(kFindTarget);
  find.bind(1, target.figure);
  bind_optional(find, 2, target.team_id);
  std::optional<Id> existing;
  if (find.executeStep()) existing = find.getColumn(0).getInt64();
  find.reset();
  TargetRecord saved = target;
  saved.updated_at = now;
  if (existing) {
    auto& s = db.statement(kUpdateTarget);
    s.bind(1, target.value);
    bind_optional(s, 2, target.updated_by);
    s.bind(3, now);
    s.bind(4, *existing);
    s.exec();
    saved.id = *existing;
  } else {
    auto& s = db.statement(kInsertTarget);
    s.bind(1, target.figure);
    bind_optional(s, 2, target.team_id);
    s.bind(3, target.value);
    bind_optional(s, 4, target.updated_by);
    s.bind(5, now);
    s.exec();
    saved.id = db.last_insert_id();
  }
  return saved;
}

void delete_target(Tx& tx, Id id) {
  auto& s = tx.connection().statement(kDeleteTarget);
  s.bind(1, id);
  s.exec();
  if (tx.connection().changes() == 0)
    throw domain::Refusal(domain::errc::not_found,
                          "KPI target " + std::to_string(id) + " does not exist.");
}

}  // namespace hd::store::kpi
