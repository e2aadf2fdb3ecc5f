#pragma once

#include "store/database.hpp"

/// A history import into an empty database (`helpdesk import`): the tables it fills get their
/// secondary indexes and bookkeeping only once, at the end. Inserting a million tickets'
/// rows one by one into every index read index pages the cache no longer held (tests/bench/
/// README.md); building each index from the finished table sorts it once. What is set aside is
/// recorded in `set_aside_schema` in the same transaction, so an import that dies half-way leaves
/// a database that migrate() completes at the next start: never one without its indexes.
namespace hd::store::bulk_load {

/// Sets aside the non-unique indexes of the tables an import fills when the database holds no
/// ticket yet; meanwhile the import leaves `ticket_creation_order` (recounted with the index of
/// creation times; store/tickets.hpp, note_ticket_created) and `kpi_fact_days` (recounted with
/// kpi_facts_ticket; kpi::bump_fact_days) alone. Returns whether it did; with tickets present, an
/// import goes through every index and counts both as live writes do. Unique indexes stay: they
/// are what refuses a duplicate.
bool set_aside(Tx& tx);

/// Builds again what set_aside took away, and recounts what the import left alone, in one
/// durable transaction; nothing when nothing is set aside. On a connection of its own, beside
/// Database's idle writer: the sorts that build the indexes must spill to temporary files, and
/// the writer's connection keeps its temporary storage in memory (a million tickets' indexes
/// took 900 MB there), which SQLite lets no one change inside a transaction.
void put_back(const DbOptions& options);

}  // namespace hd::store::bulk_load
