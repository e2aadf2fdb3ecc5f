#!/usr/bin/env bash
# Import against its floor: `helpdesk import` of a generated history (default 100,000 tickets),
# then SQLite alone storing the very rows that import stored, copied from its database with one
# INSERT ... SELECT a table (no parsing, replay, binding or statement per row; `WHERE true` makes
# each row go through SQLite's insert like an imported one, where a bare SELECT * would copy the
# records whole): the fastest any import into this schema can be on this machine. Prints both,
# phase by phase, in tickets/s.
#   bash tests/bench/import_floor.sh [tickets]
# The floor's copy sets aside the indexes and triggers an import sets aside
# (store/bulk_load.cpp) and builds them once at the end, as an import does, with foreign keys off,
# a 200 MB page cache and one durable COMMIT a phase: every choice in its favour.
# Not a timed test: nothing is asserted. Everything is removed on exit.
set -euo pipefail
bench_name=import-floor-bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tickets=${1:-100000}

say "$bench_name: generating $tickets tickets of history"
python3 "$here/gen_history.py" --tickets "$tickets" --seed 20261130 --days 730 \
  --out "$work/history.jsonl"
make_database
floor_db=$work/floor.db
"$bin" migrate --db "$floor_db" >&2
say "$bench_name: helpdesk import"
import_start=$(date +%s.%N)
"$bin" import "$work/history.jsonl" --db "$db" >"$work/import.out" 2>&1 ||
  die "import failed: $(tail -n 5 "$work/import.out")"
import_end=$(date +%s.%N)
say "$bench_name: the same rows, copied by SQLite alone"

python3 - "$db" "$floor_db" "$tickets" "$import_start" "$import_end" "$work/import.out" <<'PY'
import re, sqlite3, sys, time

imported, floor, tickets, t0, t1, import_out = sys.argv[1:7]
tickets, import_s = int(tickets), float(t1) - float(t0)
indexes_s = re.search(r"built the indexes in ([0-9.]+) s", open(import_out).read())
indexes_s = float(indexes_s.group(1)) if indexes_s else 0.0

db = sqlite3.connect(floor, isolation_level=None)
db.execute("PRAGMA foreign_keys = OFF")
db.execute("PRAGMA synchronous = FULL")
db.execute("PRAGMA cache_size = -200000")
db.execute("ATTACH ? AS src", (imported,))

# What store/bulk_load.cpp sets aside while an import fills an empty database.
set_aside = db.execute(
    "SELECT name, type, sql FROM main.sqlite_master "
    "WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' "
    "AND tbl_name IN ('tickets', 'ticket_tags', 'messages', 'ticket_events', 'surveys', "
    "                 'kpi_facts', 'kpi_tickets') "
    "ORDER BY type, name").fetchall()
for name, kind, _ in set_aside:
    db.execute(f'DROP {kind.upper()} "{name}"')

# Every plain table the import added rows to, in the order the schema created them.
tables = [name for (name,) in db.execute(
    "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "AND name NOT LIKE 'ticket_search%' ORDER BY rowid")]
def count(schema, table):
    return db.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]
added = {t: count("src", t) - count("main", t) for t in tables}
filled = [t for t in tables if added[t] > 0]

def timed(statements):
    start = time.perf_counter()
    db.execute("BEGIN")
    for sql in statements:
        db.execute(sql)
    db.execute("COMMIT")
    return time.perf_counter() - start

rows = sum(added[t] for t in filled)
rows_s = timed([f'INSERT OR IGNORE INTO main."{t}" SELECT * FROM src."{t}" WHERE true' for t in filled])
search_s = timed(["INSERT INTO main.ticket_search(rowid, body) "
                  "SELECT rowid, body FROM src.ticket_search"])
build_s = timed([sql for _, _, sql in set_aside])
floor_s = rows_s + search_s + build_s

print(f"\nImport floor  {tickets:,} tickets = {rows:,} rows in {len(filled)} tables "
      f"+ {tickets:,} search documents\n")
print(f"{'':34}{'helpdesk import':>18}{'SQLite alone':>16}")
print(f"{'rows and search documents':34}{import_s - indexes_s:>16.2f} s"
      f"{rows_s + search_s:>14.2f} s   (rows {rows_s:.2f} s, search {search_s:.2f} s)")
print(f"{'indexes set aside, built at the end':34}{indexes_s:>16.2f} s{build_s:>14.2f} s")
print(f"{'in all':34}{import_s:>16.2f} s{floor_s:>14.2f} s")
print(f"{'tickets/s':34}{tickets / import_s:>18,.0f}{tickets / floor_s:>16,.0f}")
print(f"\nhelpdesk import takes {import_s / floor_s:.1f}x the floor; "
      f"the floor is {tickets / floor_s / 50000:.2f}x issue 12's 50,000 tickets/s")
PY
