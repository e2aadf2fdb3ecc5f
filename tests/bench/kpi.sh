#!/usr/bin/env bash
# KPI benchmark: generates a seeded history (default 1,000,000 tickets over two years), imports
# it with `helpdesk import` (prints the rate), serves it, and times the dashboard's queries
# server-side (from the access log): 90 days by agent with a weekly series, the same by team,
# and the drill-down's first page, each repeated; prints p50/p99 and the server's peak RSS.
#   bash tests/bench/kpi.sh [tickets] [repeats]
# Not a timed test: it never fails on slow figures. Only 127.0.0.1; everything is removed on exit
# (KPI_KEEP=1 keeps the database, the server log and the credentials in build/kpi-bench.*).
set -euo pipefail
cd "$(dirname "$0")/../.."
tickets=${1:-1000000}
repeats=${2:-30}
say() { printf '%s\n' "$*" >&2; }
die() { say "kpi bench: $*"; exit 1; }

export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
cmake --preset release >/dev/null
cmake --build --preset release --target helpdesk >&2
bin=$PWD/build/release/server/helpdesk

mkdir -p build
# KPI_REUSE names a directory kept by KPI_KEEP=1: its database is served again, without
# generating or importing (the import figures are then not printed).
reuse=${KPI_REUSE:-}
if [ -n "$reuse" ]; then work=$reuse; else work=$(mktemp -d "$PWD/build/kpi-bench.XXXXXX"); fi
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ "${KPI_KEEP:-0}" = 1 ] || [ -n "$reuse" ]; then say "kpi bench: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# KPI_HISTORY names a file made before with the same generator arguments (kept between runs).
history=${KPI_HISTORY:-$work/history.jsonl}
db=$work/helpdesk.db
gen_start=$(date +%s.%N)
if [ -n "$reuse" ]; then
  [ -s "$db" ] && [ -s "$work/password" ] || die "$reuse holds no kept database and password"
  "$bin" migrate --db "$db" >&2
  password=$(cat "$work/password")
  gen_end=$gen_start import_start=0 import_end=0
  echo 0 >"$work/import.rss"
else
  if [ ! -s "$history" ]; then
    say "kpi bench: generating $tickets tickets"
    python3 tests/bench/gen_history.py --tickets "$tickets" --seed 20261130 --days 730 \
      --end 2026-11-01T00:00:00Z --agents 60 --out "$history"
  fi
  gen_end=$(date +%s.%N)
  "$bin" migrate --db "$db" >&2
  password=bench-password-$RANDOM$RANDOM
  printf '%s\n' "$password" >"$work/password"
  printf '%s\n' "$password" | "$bin" user add --db "$db" --email lead@bench.test --name Lead --role supervisor >&2
  say "kpi bench: importing"
  import_start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/import.rss" "$bin" import "$history" --db "$db" >"$work/import.out" 2>"$work/import.err" ||
    { cat "$work/import.err" >&2; die "import failed"; }
  import_end=$(date +%s.%N)
  tail -1 "$work/import.out" >&2
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$work/server.log
"$bin" serve --db "$db" --listen "127.0.0.1:$port" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done

python3 - "$port" "$password" "$log" "$server_pid" "$repeats" "$tickets" "$gen_start" "$gen_end" \
  "$import_start" "$import_end" "$(cat "$work/import.rss")" "$(du -m "$db" | cut -f1)" "$history" <<'PY'
import datetime as dt, http.client, json, re, sys, time
(port, password, log, pid, repeats, tickets, g0, g1, i0, i1, import_rss, db_mb, history) = sys.argv[1:14]
port, repeats = int(port), int(repeats)
with open(history, "rb") as f:  # the history's size and its newest day
    tickets = sum(1 for _ in f)
    f.seek(max(0, f.tell() - 20000))
    last = json.loads(f.read().splitlines()[-1])["created_at"]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def call(method, path, body=None, headers=None):
    h = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, json.dumps(body) if body is not None else None, h)
    r = conn.getresponse()
    data = r.read()
    return r, data
r, data = call("POST", "/api/v1/session", {"email": "lead@bench.test", "password": password})
assert r.status == 200, data
cookie = r.getheader("Set-Cookie").split(";")[0]
auth = {"Cookie": cookie}
end = dt.datetime.fromisoformat(last[:10])
to = end.strftime("%Y-%m-%dT00:00:00Z")  # the 90 days ending with the history
frm = (end - dt.timedelta(days=90)).strftime("%Y-%m-%dT00:00:00Z")
queries = {
    "90 days by agent, weekly": f"/api/v1/kpis?from={frm}&to={to}&group_by=agent&interval=week",
    "90 days by team, weekly": f"/api/v1/kpis?from={frm}&to={to}&group_by=team&interval=week",
    "drill-down first page": f"/api/v1/kpis/tickets?from={frm}&to={to}&metric=first_response&limit=50",
}
route_of = {"90 days by agent, weekly": "/api/v1/kpis", "90 days by team, weekly": "/api/v1/kpis",
            "drill-down first page": "/api/v1/kpis/tickets"}
results = {}
sample_n = None
for name, path in queries.items():
    t = time.perf_counter()
    r, data = call("GET", path, headers=auth)
    first = (time.perf_counter() - t) * 1000  # facts not yet in memory, fresh heaps
    assert r.status == 200, data[:300]
    if name.startswith("90 days by team"):
        body = json.loads(data)
        sample_n = sum(g["figures"]["volume"]["n"] for g in body["groups"])
    with open(log) as f:
        f.seek(0, 2); start = f.tell()
    client = []
    for _ in range(repeats):
        t = time.perf_counter()
        r, data = call("GET", path, headers=auth)
        client.append((time.perf_counter() - t) * 1000)
    time.sleep(0.3)
    with open(log) as f:
        f.seek(start)
        server = [float(m.group(1)) for m in
                  (re.search(r" GET " + re.escape(route_of[name]) + r" 200 \d+B ([0-9.]+)ms", l) for l in f) if m]
    server.sort(); client.sort()
    def pct(v, p): return v[max(0, -(-p * len(v) // 100) - 1)]
    results[name] = (first, pct(server, 50), pct(server, 99), pct(client, 50), len(data))
rss = "unknown"
with open(f"/proc/{pid}/status") as f:
    for line in f:
        if line.startswith("VmHWM"):
            rss = line.split()[1] + " kB"
import_s = float(i1) - float(i0)
print(f"\nHelpdesk KPI benchmark: {tickets} tickets, 1,370 a day (generated in {float(g1)-float(g0):.0f} s), database {db_mb} MB")
if import_s > 0:
    print(f"import: {import_s:.1f} s (migrated, empty database, one process) = {tickets / import_s:,.0f} tickets/s, import peak RSS {int(import_rss)/1024:.0f} MB")
else:
    print("import: not run (KPI_REUSE: a database imported before)")
print(f"90-day range {frm} - {to} holds {sample_n} tickets created; {repeats} requests per query\n")
print(f"{'query':28} {'first':>9} {'server p50':>11} {'server p99':>11} {'client p50':>11} {'bytes':>9}")
for name, (first, p50, p99, c50, size) in results.items():
    print(f"{name:28} {first:7.1f}ms {p50:9.1f}ms {p99:9.1f}ms {c50:9.1f}ms {size:9d}")
print("(first: the query's first request, client-side, not in the percentiles)")
print(f"\nserver peak RSS (VmHWM) while serving: {rss}")
PY

# The dashboard in a browser on the same server (skipped without the web app or playwright-core).
if [ -f web/dist/index.html ] && [ -d tests/e2e/node_modules/playwright-core ] && command -v chromium >/dev/null; then
  last_day=$(tail -c 20000 "$history" | tail -1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["created_at"][:10])')
  first_day=$(python3 -c 'import datetime as d, sys; print(d.date.fromisoformat(sys.argv[1]) - d.timedelta(days=90))' "$last_day")
  to_day=$(python3 -c 'import datetime as d, sys; print(d.date.fromisoformat(sys.argv[1]) - d.timedelta(days=1))' "$last_day")
  node tests/bench/dashboard_load.mjs "http://127.0.0.1:$port" lead@bench.test "$password" "$first_day" "$to_day"
else
  say "kpi bench: no web/dist or tests/e2e/node_modules: the dashboard's browser load is not measured"
fi
