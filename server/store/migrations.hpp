#pragma once

#include <span>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hd::store {

/// One file of schema/, embedded into the binary at build time.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

/// All migrations of this build, in version order.
std::span<const Migration> embedded_migrations();

/// The schema version this build writes.
int latest_schema_version();

/// The highest version recorded in the database; 0 for an empty one.
int applied_schema_version(Connection& connection);

/// Thrown when the database was written by a newer Helpdesk than this one.
struct SchemaTooNew : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Applies every pending migration, each in its own transaction, recording it in
/// schema_migrations. Returns the names applied (empty when up to date).
/// Throws SchemaTooNew without changing anything when the database is ahead of this build.
std::vector<std::string> migrate(Database& database, std::int64_t now_ms);

}  // namespace hd::store
