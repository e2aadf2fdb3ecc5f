#pragma once

#include "store/database.hpp"

/// A history import into an empty database (`helpdesk import`): the tables it fills get their
/// secondary indexes and bookkeeping triggers only once, at the end. Inserting a million tickets'
/// rows one by one into every index read index pages the cache no longer held (tests/bench/
/// README.md); building each index from the finished table sorts it once. What is set aside is
/// recorded in `set_aside_schema` in the same transaction, so an import that dies half-way leaves
/// a database that migrate() completes at the next start: never one without its indexes.
namespace hd::store::bulk_load {

/// Sets aside the non-unique indexes of the tables an import fills, and the triggers that keep
/// `kpi_fact_days` and `ticket_creation_order`, when the database holds no ticket yet. Returns
/// whether it did; with tickets present, an import goes through every index as live writes do.
/// Unique indexes stay: they are what refuses a duplicate.
bool set_aside(Tx& tx);

/// Builds again what set_aside took away, and recounts what its triggers would have kept;
/// nothing when nothing is set aside.
void put_back(Tx& tx);

}  // namespace hd::store::bulk_load
