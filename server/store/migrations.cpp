#include "store/migrations.hpp"

#include <SQLiteCpp/Statement.h>

#include <set>
#include <utility>

#include "store/bulk_load.hpp"

namespace hd::store {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
constexpr const char* kMaxVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr const char* kHasMigrationsTable =
    "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'";
constexpr const char* kAppliedVersions = "SELECT version FROM schema_migrations";
constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)";

}  // namespace

int latest_schema_version() {
  return embedded_migrations().back().version;
}

int applied_schema_version(Connection& connection) {
  auto& has_table = connection.statement(kHasMigrationsTable);
  if (!has_table.executeStep() || has_table.getColumn(0).getInt() == 0) return 0;
  auto& max_version = connection.statement(kMaxVersion);
  max_version.executeStep();
  return max_version.getColumn(0).getInt();
}

std::vector<std::string> migrate(Database& database, std::int64_t now_ms) {
  // Every version not recorded yet is applied, not only those above the highest: branches
  // developed side by side may have recorded a later number before an earlier one.
  const auto [applied, recorded] = database.write_blocking([](Tx& tx) {
    tx.connection().exec(kCreateMigrationsTable);
    std::set<int> versions;
    auto& all = tx.connection().statement(kAppliedVersions);
    while (all.executeStep()) versions.insert(all.getColumn(0).getInt());
    return std::pair{applied_schema_version(tx.connection()), versions};
  });
  if (applied > latest_schema_version())
    throw SchemaTooNew("the database has schema version " + std::to_string(applied) +
                       ", written by a newer Helpdesk; this build knows up to version " +
                       std::to_string(latest_schema_version()) +
                       ". Upgrade Helpdesk or use a backup made by this version.");
  std::vector<std::string> names;
  for (const Migration& migration : embedded_migrations()) {
    if (recorded.contains(migration.version)) continue;
    database.write_blocking([&](Tx& tx) {
      tx.connection().exec(migration.sql);
      auto& record = tx.connection().statement(kRecordMigration);
      record.bind(1, migration.version);
      record.bind(2, migration.name);
      record.bind(3, now_ms);
      record.exec();
      return 0;
    });
    names.emplace_back(migration.name);
  }
  // An import that did not finish left its indexes set aside.
  bulk_load::put_back(database.options());
  return names;
}

}  // namespace hd::store
