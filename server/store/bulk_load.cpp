#include "store/bulk_load.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

namespace hd::store::bulk_load {
namespace {

constexpr const char* kAnyTicket = "SELECT 1 FROM tickets LIMIT 1";
// The tables an import fills (store/history_store.cpp) and their non-unique indexes (a unique one
// is a constraint: its automatic index has no SQL).
constexpr const char* kRecordSetAside =
    "INSERT INTO set_aside_schema(name, type, sql) "
    "SELECT name, type, sql FROM sqlite_master "
    "WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' "
    "AND tbl_name IN ('tickets', 'ticket_tags', 'messages', 'ticket_events', 'surveys', "
    "                 'kpi_facts', 'kpi_tickets')";
constexpr const char* kSetAside =
    "SELECT name, type, sql FROM set_aside_schema ORDER BY type, name";
constexpr const char* kForgetSetAside = "DELETE FROM set_aside_schema";
// What kpi::bump_fact_days counts, for every fact at once (as migration 0015 did): the import
// skipped it while kpi_facts_ticket was set aside. Adding to a day's version keeps it growing for
// a report that kept the day before.
constexpr const char* kRecountFactDays =
    "INSERT INTO kpi_fact_days(metric, day, version) "
    "SELECT metric, at / 86400000, count(*) FROM kpi_facts "
    "WHERE true GROUP BY metric, at / 86400000 "
    "ON CONFLICT (metric, day) DO UPDATE SET version = version + excluded.version";
// What note_ticket_created records, over every ticket at once (as migration 0014 did): the
// import skipped it while tickets_created was set aside.
constexpr const char* kRecountCreationOrder =
    "UPDATE ticket_creation_order SET last_out_of_order_id = max(last_out_of_order_id, "
    "  (SELECT COALESCE(max(id), 0) FROM "
    "     (SELECT id, created_at, max(created_at) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED "
    "             PRECEDING AND 1 PRECEDING) AS newest_before FROM tickets) "
    "   WHERE created_at < newest_before - tolerance_ms))";

struct SetAside {
  std::string name, type, sql;
};

std::vector<SetAside> read_set_aside(Connection& db) {
  std::vector<SetAside> all;
  auto& s = db.statement(kSetAside);
  while (s.executeStep())
    all.push_back(
        {s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString()});
  s.reset();
  return all;
}

// An identifier from sqlite_master, quoted for DROP (identifiers cannot be bound).
std::string quoted(const std::string& name) {
  std::string q = "\"";
  for (char c : name) (q += c) += c == '"' ? "\"" : "";
  return q + "\"";
}

}  // namespace

bool set_aside(Tx& tx) {
  auto& db = tx.connection();
  auto& any = db.statement(kAnyTicket);
  const bool has_tickets = any.executeStep();
  any.reset();
  if (has_tickets) return false;
  db.run(kRecordSetAside);
  for (const auto& item : read_set_aside(db)) db.exec("DROP INDEX " + quoted(item.name));
  return true;
}

void put_back(const DbOptions& options) {
  Connection db(options, false);
  if (read_set_aside(db).empty()) return;  // every start asks; the write lock only when needed
  db.exec("PRAGMA temp_store = FILE");
  db.exec("PRAGMA cache_size = -" + std::to_string(kBulkCacheKib));
  db.exec("PRAGMA synchronous = FULL");  // durable at COMMIT: no syncer watches this connection
  db.exec("BEGIN IMMEDIATE");
  try {
    const auto all = read_set_aside(db);  // again, now that no one else can change it
    for (const auto& item : all) {
      db.exec(item.sql);
      if (item.name == "kpi_facts_ticket") db.run(kRecountFactDays);
      if (item.name == "tickets_created") db.run(kRecountCreationOrder);
    }
    db.run(kForgetSetAside);
    db.release_statements();
    db.exec("COMMIT");
  } catch (...) {
    db.release_statements();
    try {
      db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // A failed COMMIT may have ended the transaction already.
    }
    throw;
  }
}

}  // namespace hd::store::bulk_load
