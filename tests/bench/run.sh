#!/usr/bin/env bash
# Throughput and latency of the release server on 127.0.0.1, driven by wrk. Prints figures; it is
# not a pass/fail test (the "target" column only says whether ARCHITECTURE.md's goals were met).
#
#   bash tests/bench/run.sh
#
# Steps: build the release preset (incremental), fill a fresh database in a temporary directory
# with BENCH_TICKETS tickets, start `helpdesk serve` on a free 127.0.0.1 port, get an API token,
# then run wrk for each scenario (GET /healthz as the baseline, GET /api/v1/tickets?limit=50,
# full-text search for a word in 10% of the tickets, POST /api/v1/tickets,
# GET /api/v1/tickets/{id} with random ids) and print a table. List and search run before the
# creates, so they see the seeded tickets only. The server is stopped and the temporary
# directory removed on exit.
#
# Knobs (environment):
#   BENCH_DURATION=10s  BENCH_CONNECTIONS=64  BENCH_THREADS=2  BENCH_TICKETS=100000
#   BENCH_SEED=import   import: a generated two-year history (tests/bench/gen_history.py) through
#                       `helpdesk import`, "zeppelin" in 10% of subjects; demo: `helpdesk seed-demo`
#                       (slower to fill; searches "refund", in about 12% of its tickets)
#   HELPDESK_BIN, BENCH_TMPDIR, BENCH_KEEP: see common.sh
set -euo pipefail

bench_name=bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
tickets=${BENCH_TICKETS:-100000}
run_limit=$(($(seconds "$duration") + 30))

say "bench: migrating and filling $tickets tickets into $db (${BENCH_SEED:-import})"
make_database
seed_start=$(date +%s.%N)
if [ "${BENCH_SEED:-import}" = demo ]; then
  "$bin" seed-demo --db "$db" --tickets "$tickets" >&2
  search_word=refund
else
  search_word=$bench_search_word
  import_history "$tickets"
fi
seed_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$seed_start" "$(date +%s.%N)")
start_server
make_api_token
token=$HELPDESK_TOKEN

# One request of a scenario before timing it: a wrong status here would make its figures meaningless.
probe() { # name expected-status curl-args...
  local name=$1 want=$2 got
  shift 2
  got=$(curl -sS -o "$work/probe.out" -w '%{http_code}' "$@") || got=000
  if [ "$got" != "$want" ]; then
    say "bench: WARNING: probe for '$name' answered $got, expected $want: $(head -c 300 "$work/probe.out" 2>/dev/null)"
  fi
}

# ---------------------------------------------------------------- wrk runs
results=()
run_wrk() { # key label wrk-args...
  local key=$1 label=$2 out
  shift 2
  out=$work/wrk-$key.txt
  say "bench: $label ($duration, $connections connections, $threads threads)"
  timeout --signal=INT "$run_limit" \
    wrk --latency --timeout 5s -t "$threads" -c "$connections" -d "$duration" "$@" >"$out" 2>&1 ||
    say "bench: WARNING: wrk exited non-zero for $label"
  kill -0 "$server_pid" 2>/dev/null || die "the server died during '$label' (wrk output: $(tail -n 5 "$out"))"
  local figures
  figures=$(parse_wrk "$out") || {
    say "bench: could not parse wrk output for $label:"
    cat "$out" >&2
    figures="0 0 0 0 0 0"
  }
  results+=("$key|$label|$figures")
}

probe healthz 200 "$base/healthz"
run_wrk healthz "GET /healthz" "$base/healthz"

probe list 200 -H "$auth" "$base/api/v1/tickets?limit=50"
run_wrk list "GET /api/v1/tickets?limit=50" -H "$auth" "$base/api/v1/tickets?limit=50"

# Full-text search, newest 50, for a word in about 10% of the tickets.
probe search 200 -H "$auth" "$base/api/v1/tickets?q=$search_word&limit=50"
run_wrk search "GET /api/v1/tickets?q=$search_word" -H "$auth" "$base/api/v1/tickets?q=$search_word&limit=50"

probe create 201 -H 'Content-Type: application/json' -H "$auth" \
  -d '{"subject":"bench probe","body":"probe","customer":{"email":"bench-probe@example.org"}}' \
  "$base/api/v1/tickets"
# The server's own view of the creates (write_path.py): wrk's p99 alone can't tell slow code from a
# slow disk or a busy CPU.
curl -sS -o "$work/metrics-before-create.txt" "$base/metrics" || die "reading /metrics failed"
run_wrk create "POST /api/v1/tickets" -s "$here/create_ticket.lua" "$base/api/v1/tickets"
curl -sS -o "$work/metrics-after-create.txt" "$base/metrics" || die "reading /metrics failed"
create_server_side=$(python3 "$here/write_path.py" "$work/metrics-before-create.txt" \
  "$work/metrics-after-create.txt" /api/v1/tickets)

# Random existing ids: 1 .. the highest id on the newest page (ids are dense integers from 1;
# any gap shows up as non-2xx responses in the table).
newest=$(curl -sS --fail-with-body -H "$auth" "$base/api/v1/tickets?limit=200&sort=-created_at") ||
  die "listing tickets failed: $newest"
max_id=$(printf '%s' "$newest" | python3 -c 'import json, sys; print(max((t["id"] for t in json.load(sys.stdin)["items"]), default=0))')
[ "$max_id" -gt 0 ] || die "no tickets to read"
export BENCH_MIN_ID=1 BENCH_MAX_ID=$max_id
probe read 200 -H "$auth" "$base/api/v1/tickets/$(((RANDOM * 32768 + RANDOM) % max_id + 1))"
run_wrk read "GET /api/v1/tickets/{id}" -s "$here/get_ticket.lua" "$base/api/v1/tickets/1"

# The live event stream: 1,000 listeners while tickets are created (figures printed by stream.py).
stream_report=
if [ "${BENCH_STREAM_LISTENERS:-1000}" -gt 0 ]; then
  say "bench: event stream fan-out (${BENCH_STREAM_LISTENERS:-1000} listeners)"
  ulimit -n 8192 2>/dev/null || true
  listener=$root/build/release/tests/bench/hd_stream_listener
  (
    cd "$root"
    if [ ! -f build/release/CMakeCache.txt ]; then cmake --preset release >&2; fi
    cmake --build --preset release --target hd_stream_listener >&2
  )
  # "--": a token may start with a dash.
  stream_report=$(timeout 180 python3 "$here/stream.py" \
    --listeners "${BENCH_STREAM_LISTENERS:-1000}" --tickets "${BENCH_STREAM_TICKETS:-200}" \
    -- "$base" "$token" "$listener" 2>&1) ||
    say "bench: WARNING: the stream benchmark failed"
fi

# ---------------------------------------------------------------- report
peak_rss=$(peak_rss)
stop_server

python3 - "$duration" "$connections" "$threads" "$tickets" "$seed_seconds" "$max_id" "${peak_rss:-unknown}" \
  "$fs_type" "$(nproc)" "$(commit_id)" "${results[@]}" <<'PY'
import sys

duration, connections, threads, tickets, seed_s, max_id, rss, fs, cpus, commit = sys.argv[1:11]
rows = []
for r in sys.argv[11:]:
    key, label, figures = r.split("|")
    rps, p50, p99, non2xx, errors, requests = figures.split()
    rows.append(dict(key=key, label=label, rps=float(rps), p50=float(p50), p99=float(p99),
                     non2xx=int(non2xx), errors=int(errors), requests=int(requests)))
base = next((r["rps"] for r in rows if r["key"] == "healthz"), 0.0)

# Goals from the issues that set them (see README.md here).
goals = {"create": 0.15, "read": 0.5, "list": 0.2, "search": 0.05}
search_p99_ms = 25.0
create_p99_ms = 25.0

print(f"\nHelpdesk benchmark  commit {commit}, {cpus} CPUs, {tickets} seeded tickets (seed {seed_s} s), "
      f"db on {fs}, wrk {threads} threads x {connections} connections x {duration}\n")
head = f"{'scenario':<30} {'req/s':>10} {'x healthz':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8}  target"
print(head)
print("-" * len(head))
for r in rows:
    ratio = r["rps"] / base if base else 0.0
    target = ""
    if r["key"] in goals:
        g = goals[r["key"]]
        target = f">= {g:.2f} x: {'met' if ratio >= g else 'NOT met'}"
    if r["key"] == "create":
        target += f"; p99 < {create_p99_ms:.0f} ms: {'met' if r['p99'] < create_p99_ms else 'NOT met'}"
    if r["key"] == "search":
        target += f"; p99 <= {search_p99_ms:.0f} ms: {'met' if r['p99'] <= search_p99_ms else 'NOT met'}"
    bad = r["non2xx"] + r["errors"]
    if bad:
        target += f"  ({bad} of {r['requests']} failed: figures suspect)"
    print(f"{r['label']:<30} {r['rps']:>10.0f} {ratio:>9.2f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
          f"{r['non2xx']:>8} {r['errors']:>8}  {target}")
print(f"\nserver peak RSS (VmHWM): {rss}; random reads over ids 1..{max_id}")
PY
printf '%s: %s\n' "POST /api/v1/tickets" "$create_server_side"
if [ -n "$stream_report" ]; then printf '\n%s\n' "$stream_report"; fi
