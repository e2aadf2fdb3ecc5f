#include "store/migrations.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>
#include <vector>

#include "store/bulk_load.hpp"
#include "store/jobs_store.hpp"
#include "store/people.hpp"
#include "store/tickets.hpp"
#include "temp_database.hpp"

namespace hd::store {
namespace {

using testing::kMigratedAt;
using testing::TempDatabase;

// Inspection queries of these tests (never built from input).
constexpr const char* kSchemaObjects =
    "SELECT type, name, COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name";
constexpr const char* kMigrationRows =
    "SELECT version, name, applied_at FROM schema_migrations ORDER BY version";
constexpr const char* kRecordFutureMigration =
    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'from_the_future', 1)";
constexpr const char* kCreateMigrationsTableByHand =
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at INTEGER NOT NULL)";
constexpr const char* kRecordMigrationByHand =
    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)";
constexpr const char* kCreateClashingTable = "CREATE TABLE jobs (something_else TEXT)";
constexpr const char* kDropClashingTable = "DROP TABLE jobs";

using SchemaObject = std::tuple<std::string, std::string, std::string>;
using MigrationRow = std::tuple<int, std::string, std::int64_t>;

std::vector<SchemaObject> schema_objects(Database& db) {
  return db.read_blocking([](Connection& c) {
    auto& s = c.statement(kSchemaObjects);
    std::vector<SchemaObject> objects;
    while (s.executeStep())
      objects.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getString(),
                           s.getColumn(2).getString());
    return objects;
  });
}

bool has_object(const std::vector<SchemaObject>& objects, const std::string& type,
                const std::string& name) {
  for (const auto& [t, n, sql] : objects)
    if (t == type && n == name) return true;
  return false;
}

std::vector<MigrationRow> migration_rows(Database& db) {
  return db.read_blocking([](Connection& c) {
    auto& s = c.statement(kMigrationRows);
    std::vector<MigrationRow> rows;
    while (s.executeStep())
      rows.emplace_back(s.getColumn(0).getInt(), s.getColumn(1).getString(),
                        s.getColumn(2).getInt64());
    return rows;
  });
}

std::vector<std::string> embedded_names() {
  std::vector<std::string> names;
  for (const auto& migration : embedded_migrations()) names.emplace_back(migration.name);
  return names;
}

// Applies the first `count` embedded migrations as a release that knew only those did.
void apply_by_hand(Tx& tx, std::size_t count) {
  const auto migrations = embedded_migrations();
  tx.connection().exec(kCreateMigrationsTableByHand);
  for (std::size_t i = 0; i < count; ++i) {
    tx.connection().exec(migrations[i].sql);
    auto& record = tx.connection().statement(kRecordMigrationByHand);
    record.bind(1, migrations[i].version);
    record.bind(2, migrations[i].name);
    record.bind(3, kMigratedAt - 1);
    record.exec();
  }
}

// How many embedded migrations come before `version`: what a release before it applied.
std::size_t migrations_before(int version) {
  const auto migrations = embedded_migrations();
  return static_cast<std::size_t>(std::count_if(
      migrations.begin(), migrations.end(), [&](const auto& m) { return m.version < version; }));
}

// The schema but for the bookkeeping table, which apply_by_hand() creates with its own text.
std::vector<SchemaObject> without_bookkeeping(std::vector<SchemaObject> objects) {
  std::erase_if(objects, [](const SchemaObject& o) {
    return std::get<1>(o) == "schema_migrations" ||
           std::get<1>(o).starts_with("sqlite_autoindex_schema_migrations");
  });
  return objects;
}

bool current(Database& db) {
  return db.read_blocking([](Connection& c) { return schema_is_current(c); });
}

int applied_version(Database& db) {
  return db.read_blocking([](Connection& c) { return applied_schema_version(c); });
}

TEST_CASE("the embedded migrations are numbered in order and named after their files") {
  const auto migrations = embedded_migrations();
  REQUIRE_FALSE(migrations.empty());
  CHECK(migrations.front().version == 1);
  int previous = 0;
  for (const auto& migration : migrations) {
    CAPTURE(migration.name);
    CHECK(migration.version > previous);
    previous = migration.version;
    // NNNN_name: the number in the name is the version.
    const std::string name = migration.name;
    REQUIRE(name.size() > 5);
    CHECK(std::isdigit(static_cast<unsigned char>(name[0])));
    CHECK(name[4] == '_');
    CHECK(std::stoi(name.substr(0, 4)) == migration.version);
    CHECK(std::string(migration.sql).find(';') != std::string::npos);  // its file's statements
  }
  CHECK(latest_schema_version() == migrations.back().version);
}

TEST_CASE("migrate on an empty database applies every embedded migration and records each") {
  TempDatabase temp(TempDatabase::Schema::empty);
  Database& db = temp.db();

  CHECK(applied_version(db) == 0);
  CHECK_FALSE(current(db));
  CHECK(schema_objects(db).empty());

  const auto applied = migrate(db, kMigratedAt);
  CHECK(applied == embedded_names());

  std::vector<MigrationRow> expected_rows;
  for (const auto& migration : embedded_migrations())
    expected_rows.emplace_back(migration.version, migration.name, kMigratedAt);
  CHECK(migration_rows(db) == expected_rows);
  CHECK(applied_version(db) == latest_schema_version());
  CHECK(current(db));

  const auto objects = schema_objects(db);
  for (const char* table :
       {"schema_migrations", "teams", "users", "sessions", "api_tokens", "customers", "tickets",
        "ticket_tags", "messages", "ticket_events", "ticket_search", "jobs"}) {
    CAPTURE(table);
    CHECK(has_object(objects, "table", table));
  }
  CHECK(has_object(objects, "trigger", "ticket_events_append_only_update"));
  CHECK(has_object(objects, "trigger", "ticket_events_append_only_delete"));

  // The store works on the migrated schema, from the writer and from a reader.
  CHECK(db.read_blocking([](Connection& c) { return count_tickets(c); }) == 0);
  CHECK(db.read_blocking([](Connection& c) { return count_queued_jobs(c); }).empty());
}

TEST_CASE("a second migrate applies nothing and changes nothing, also after a restart") {
  TempDatabase temp(TempDatabase::Schema::empty);
  REQUIRE(migrate(temp.db(), kMigratedAt) == embedded_names());
  const auto objects = schema_objects(temp.db());
  const auto rows = migration_rows(temp.db());

  CHECK(migrate(temp.db(), kMigratedAt + 1000).empty());
  CHECK(schema_objects(temp.db()) == objects);
  CHECK(migration_rows(temp.db()) == rows);  // applied_at is not touched either

  temp.reopen();
  CHECK(current(temp.db()));
  CHECK(migrate(temp.db(), kMigratedAt + 2000).empty());
  CHECK(schema_objects(temp.db()) == objects);
  CHECK(migration_rows(temp.db()) == rows);
}

TEST_CASE("migrate brings a database of an earlier release up to date and keeps its data") {
  const auto migrations = embedded_migrations();
  for (std::size_t done = 1; done < migrations.size(); ++done) {
    CAPTURE(done);
    TempDatabase temp(TempDatabase::Schema::empty);
    // The database as the release with the first `done` migrations left it, with some data.
    temp.db().write_blocking([&](Tx& tx) {
      apply_by_hand(tx, done);
      return create_team(tx, "Kept", kMigratedAt - 1).id;
    });
    CHECK(applied_version(temp.db()) == migrations[done - 1].version);
    CHECK_FALSE(current(temp.db()));

    std::vector<std::string> pending;
    for (std::size_t i = done; i < migrations.size(); ++i) pending.emplace_back(migrations[i].name);
    CHECK(migrate(temp.db(), kMigratedAt) == pending);
    CHECK(current(temp.db()));
    const auto rows = migration_rows(temp.db());
    REQUIRE(rows.size() == migrations.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      CHECK(std::get<2>(rows[i]) == (i < done ? kMigratedAt - 1 : kMigratedAt));
    const auto teams = temp.db().read_blocking([](Connection& c) { return list_teams(c); });
    REQUIRE(teams.size() == 1);
    CHECK(teams[0].name == "Kept");
    // The upgraded schema is the same as a fresh one's (but for the text of the bookkeeping
    // table, created by hand above).
    TempDatabase fresh;
    CHECK(without_bookkeeping(schema_objects(temp.db())) ==
          without_bookkeeping(schema_objects(fresh.db())));
  }
}

TEST_CASE("an import interrupted before version 19 leaves no copy of the event index it drops") {
  TempDatabase temp(TempDatabase::Schema::empty);
  // What `helpdesk import` into an empty version-18 database left when it died half-way.
  REQUIRE(temp.db().write_blocking([&](Tx& tx) {
    apply_by_hand(tx, migrations_before(19));
    return bulk_load::set_aside(tx);
  }));
  REQUIRE_FALSE(has_object(schema_objects(temp.db()), "index", "ticket_events_at"));

  migrate(temp.db(), kMigratedAt);  // version 19, then builds what the import set aside
  const auto objects = schema_objects(temp.db());
  CHECK_FALSE(has_object(objects, "index", "ticket_events_at"));
  CHECK(has_object(objects, "index", "ticket_events_reopened"));
  CHECK(has_object(objects, "index", "ticket_events_ticket"));
  TempDatabase fresh;
  CHECK(without_bookkeeping(objects) == without_bookkeeping(schema_objects(fresh.db())));
}

// What an import of an older build set aside before it died: `index` and `trigger`, recorded in
// set_aside_schema and dropped; and a customer, 1, for the rows it imported.
void set_aside_as_an_old_import_did(Connection& c, const std::string& index,
                                    const std::string& trigger) {
  auto& record = c.statement(
      "INSERT INTO set_aside_schema(name, type, sql) SELECT name, type, sql FROM sqlite_master "
      "WHERE name IN (?1, ?2)");
  record.bind(1, index);
  record.bind(2, trigger);
  record.exec();
  c.exec("DROP TRIGGER \"" + trigger + "\"");
  c.exec("DROP INDEX \"" + index + "\"");
  c.exec(
      "INSERT INTO customers(id, email, created_at, updated_at) VALUES (1, 'a@example.com', 0, "
      "0)");
}

// Migrates `temp`, then checks that the old import's `index` is built again, its `trigger` gone,
// and the schema that of a fresh database.
void migrate_and_check_put_back(TempDatabase& temp, const char* index, const char* trigger) {
  migrate(temp.db(), kMigratedAt);
  const auto objects = schema_objects(temp.db());
  CHECK_FALSE(has_object(objects, "trigger", trigger));
  CHECK(has_object(objects, "index", index));
  TempDatabase fresh;
  CHECK(without_bookkeeping(objects) == without_bookkeeping(schema_objects(fresh.db())));
}

TEST_CASE("an import interrupted before version 20 gets its creation order recounted") {
  TempDatabase temp(TempDatabase::Schema::empty);
  // What `helpdesk import` of a version-19 build left when it died half-way: the creation-order
  // trigger and the index of creation times set aside, and a ticket imported days older than
  // the one before it, which the trigger would have recorded.
  temp.db().write_blocking([&](Tx& tx) {
    apply_by_hand(tx, migrations_before(20));
    auto& c = tx.connection();
    set_aside_as_an_old_import_did(c, "tickets_created", "tickets_creation_order");
    const Millis day = 86'400'000;
    for (const Millis at : {100 * day, 101 * day, 90 * day, 102 * day}) {
      auto& s = c.statement(
          "INSERT INTO tickets(subject, status, priority, channel, customer_id, created_at, "
          "updated_at, status_since) VALUES ('s', 'open', 'normal', 'web', 1, ?1, ?1, ?1)");
      s.bind(1, at);
      s.exec();
    }
    return 0;
  });

  // Version 20, then what the import set aside.
  migrate_and_check_put_back(temp, "tickets_created", "tickets_creation_order");
  // Ticket 3 is older than ticket 2 by more than the tolerance: up to it, ids do not follow
  // creation times.
  CHECK(temp.db().read_blocking([](Connection& c) {
    auto& s = c.statement("SELECT last_out_of_order_id FROM ticket_creation_order");
    s.executeStep();
    return s.getColumn(0).getInt64();
  }) == 3);
}

TEST_CASE("an import interrupted before version 21 gets its KPI facts' days counted") {
  TempDatabase temp(TempDatabase::Schema::empty);
  // What `helpdesk import` of a version-20 build left when it died half-way: the trigger that
  // counted facts' days and the index of facts by ticket set aside, and facts on two days of one
  // metric imported without being counted.
  const Millis day = 86'400'000;
  temp.db().write_blocking([&](Tx& tx) {
    apply_by_hand(tx, migrations_before(21));
    auto& c = tx.connection();
    set_aside_as_an_old_import_did(c, "kpi_facts_ticket", "kpi_facts_day_insert");
    c.exec(
        "INSERT INTO tickets(id, subject, status, priority, channel, customer_id, created_at, "
        "updated_at, status_since) VALUES (1, 's', 'open', 'normal', 'web', 1, 0, 0, 0)");
    for (const Millis at : {10 * day + 5, 10 * day + 6, 11 * day}) {
      auto& s = c.statement(
          "INSERT INTO kpi_facts(metric, at, ticket_id, seq, channel, priority, created_at) "
          "VALUES (1, ?, 1, 0, 0, 1, 0)");
      s.bind(1, at);
      s.exec();
    }
    return 0;
  });

  // Version 21, then what the import set aside.
  migrate_and_check_put_back(temp, "kpi_facts_ticket", "kpi_facts_day_insert");
  const auto versions = temp.db().read_blocking([](Connection& c) {
    std::vector<std::pair<std::int64_t, std::int64_t>> all;
    auto& s = c.statement("SELECT day, version FROM kpi_fact_days WHERE metric = 1 ORDER BY day");
    while (s.executeStep()) all.emplace_back(s.getColumn(0).getInt64(), s.getColumn(1).getInt64());
    return all;
  });
  CHECK(versions == std::vector<std::pair<std::int64_t, std::int64_t>>{{10, 2}, {11, 1}});
}

TEST_CASE("a database written by a newer Helpdesk makes migrate throw SchemaTooNew") {
  const int future = latest_schema_version() + 1;

  SUBCASE("fully migrated, with one version more than this build knows") {
    TempDatabase temp;
    temp.db().write_blocking([future](Tx& tx) {
      auto& s = tx.connection().statement(kRecordFutureMigration);
      s.bind(1, future);
      return s.exec();
    });
    const auto objects = schema_objects(temp.db());
    const auto rows = migration_rows(temp.db());
    CHECK_FALSE(current(temp.db()));
    CHECK(applied_version(temp.db()) == future);

    CHECK_THROWS_AS(migrate(temp.db(), kMigratedAt + 1), SchemaTooNew);
    CHECK(schema_objects(temp.db()) == objects);
    CHECK(migration_rows(temp.db()) == rows);
    CHECK_FALSE(current(temp.db()));

    // The message says what to do and which versions are involved.
    try {
      migrate(temp.db(), kMigratedAt + 2);
      FAIL("migrate did not throw");
    } catch (const SchemaTooNew& e) {
      const std::string what = e.what();
      CHECK(what.find(std::to_string(future)) != std::string::npos);
      CHECK(what.find(std::to_string(latest_schema_version())) != std::string::npos);
    }
    // Still refused after a restart, and the data of the newer version is left alone.
    temp.reopen();
    CHECK_THROWS_AS(migrate(temp.db(), kMigratedAt + 3), SchemaTooNew);
    CHECK(schema_objects(temp.db()) == objects);
    CHECK(migration_rows(temp.db()) == rows);
  }

  SUBCASE("only the newer version's record, none of the older ones' tables") {
    TempDatabase temp(TempDatabase::Schema::empty);
    temp.db().write_blocking([future](Tx& tx) {
      tx.connection().exec(kCreateMigrationsTableByHand);
      auto& s = tx.connection().statement(kRecordFutureMigration);
      s.bind(1, future);
      return s.exec();
    });
    const auto objects = schema_objects(temp.db());
    const auto rows = migration_rows(temp.db());

    CHECK_THROWS_AS(migrate(temp.db(), kMigratedAt), SchemaTooNew);
    CHECK(schema_objects(temp.db()) == objects);  // no migration ran: no tickets table
    CHECK_FALSE(has_object(schema_objects(temp.db()), "table", "tickets"));
    CHECK(migration_rows(temp.db()) == rows);
  }
}

TEST_CASE("schema_is_current tells an empty, a partial and a migrated database apart") {
  TempDatabase temp(TempDatabase::Schema::empty);
  CHECK_FALSE(current(temp.db()));

  // The bookkeeping table alone, with no migration recorded, is not current either.
  temp.db().write_blocking([](Tx& tx) {
    tx.connection().exec(kCreateMigrationsTableByHand);
    return 0;
  });
  CHECK(applied_version(temp.db()) == 0);
  CHECK_FALSE(current(temp.db()));

  migrate(temp.db(), kMigratedAt);
  CHECK(current(temp.db()));
  // Readers opened before the migration see the new schema too (they are pooled).
  CHECK(temp.db().read_blocking([](Connection& c) { return schema_is_current(c); }));
}

TEST_CASE("a migration that fails is rolled back whole and recorded nowhere") {
  TempDatabase temp(TempDatabase::Schema::empty);
  // A table in the way of the first migration (as if someone had created it by hand).
  temp.db().write_blocking([](Tx& tx) {
    tx.connection().exec(kCreateClashingTable);
    return 0;
  });

  CHECK_THROWS_AS(migrate(temp.db(), kMigratedAt), std::exception);
  const auto objects = schema_objects(temp.db());
  CHECK(migration_rows(temp.db()).empty());
  CHECK(applied_version(temp.db()) == 0);
  CHECK_FALSE(current(temp.db()));
  // What the migration created before it failed is gone with it.
  CHECK_FALSE(has_object(objects, "table", "teams"));
  CHECK_FALSE(has_object(objects, "table", "tickets"));
  CHECK_FALSE(has_object(objects, "trigger", "ticket_events_append_only_update"));

  // Once the obstacle is gone, the same migration applies cleanly.
  temp.db().write_blocking([](Tx& tx) {
    tx.connection().exec(kDropClashingTable);
    return 0;
  });
  CHECK(migrate(temp.db(), kMigratedAt) == embedded_names());
  CHECK(current(temp.db()));
}

// An insert into each table a ticket write touches, of the value its CHECK is about, and the
// insert's EXPLAIN.
struct CheckedInsert {
  const char* table;
  const char* sql;
  const char* explain;
};
#define HD_CHECKED_INSERT(table, sql) \
  { table, sql, "EXPLAIN " sql }
constexpr CheckedInsert kCheckedInserts[] = {
    HD_CHECKED_INSERT("tickets",
                      "INSERT INTO tickets(subject, status, priority, channel, customer_id, "
                      "created_at, updated_at, status_since) VALUES ('s', ?, 'low', 'web', 1, 1, "
                      "1, 1)"),
    HD_CHECKED_INSERT("messages",
                      "INSERT INTO messages(ticket_id, author_kind, internal, body, created_at) "
                      "VALUES (1, ?, 0, 'b', 1)"),
    HD_CHECKED_INSERT("ticket_events",
                      "INSERT INTO ticket_events(ticket_id, type, actor_kind, at) "
                      "VALUES (1, 'x', ?, 1)"),
    HD_CHECKED_INSERT(
        "jobs",
        "INSERT INTO jobs(kind, run_at, state, created_at, updated_at) VALUES ('k', 1, ?, 1, 1)"),
    HD_CHECKED_INSERT("surveys",
                      "INSERT INTO surveys(ticket_id, episode, customer_id, state, created_at) "
                      "VALUES (1, 1, 1, ?, 1)"),
    HD_CHECKED_INSERT("mails",
                      "INSERT INTO mails(kind, recipient, message_id, state, created_at) "
                      "VALUES ('k', 'r', 'm', ?, 1)"),
};
#undef HD_CHECKED_INSERT

// Whether SQLite's program for the statement builds a temporary b-tree (a list to look in).
bool builds_a_list(Connection& c, const CheckedInsert& insert) {
  auto& explain = c.statement(insert.explain);
  bool ephemeral = false;
  while (explain.executeStep())
    ephemeral = ephemeral || explain.getColumn(1).getString() == "OpenEphemeral";
  return ephemeral;
}

TEST_CASE("the tables a ticket write touches check their values in place, and still refuse") {
  TempDatabase temp(TempDatabase::Schema::migrated);
  for (const auto& insert : kCheckedInserts) {
    CAPTURE(insert.table);
    // On a reader, and on the writer whose schema the migration edited.
    CHECK_FALSE(temp.db().read_blocking([&](Connection& c) { return builds_a_list(c, insert); }));
    temp.db().write_blocking([&](Tx& tx) {
      CHECK_FALSE(builds_a_list(tx.connection(), insert));
      auto& bad = tx.connection().statement(insert.sql);
      bad.bind(1, "not-a-known-value");
      CHECK_THROWS_WITH_AS(bad.exec(), doctest::Contains("CHECK constraint failed"),
                           SQLite::Exception);
      return 0;
    });
  }
}

}  // namespace
}  // namespace hd::store
