#!/usr/bin/env bash
# Throughput and latency of the release server on 127.0.0.1, driven by wrk. Prints figures; it is
# not a pass/fail test (the "target" column only says whether ARCHITECTURE.md's goals were met).
#
#   bash tests/bench/run.sh
#
# Steps: build the release preset (incremental), seed a fresh database in a temporary directory
# with BENCH_TICKETS tickets, start `helpdesk serve` on a free 127.0.0.1 port, get an API token,
# then run wrk for each scenario (GET /healthz as the baseline, POST /api/v1/tickets,
# GET /api/v1/tickets?limit=50, GET /api/v1/tickets/{id} with random ids) and print a table.
# The server is stopped and the temporary directory removed on exit.
#
# Knobs (environment):
#   BENCH_DURATION=10s  BENCH_CONNECTIONS=64  BENCH_THREADS=2  BENCH_TICKETS=100000
#   HELPDESK_BIN=path   use this binary, don't build
#   BENCH_TMPDIR=dir    where the temporary directory goes (default: build/, on the project's
#                       disk: a tmpfs would make fsync free and the create figures meaningless)
#   BENCH_KEEP=1        keep the temporary directory (database, server log, raw wrk output)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
tickets=${BENCH_TICKETS:-100000}
host=127.0.0.1

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps.sh installs it)"
command -v curl >/dev/null || die "curl is not installed (scripts/install-deps.sh installs it)"
command -v python3 >/dev/null || die "python3 is not installed (scripts/install-deps.sh installs it)"

# Seconds in a wrk duration (10, 10s, 2m, 1h), to bound each run with timeout(1).
seconds() {
  local d=$1
  case $d in
    *h) echo $((${d%h} * 3600)) ;;
    *m) echo $((${d%m} * 60)) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
run_limit=$(($(seconds "$duration") + 30))

# ---------------------------------------------------------------- build
if [ -n "${HELPDESK_BIN:-}" ]; then
  bin=$HELPDESK_BIN
else
  bin=$root/build/release/server/helpdesk
  say "bench: building the release preset"
  (
    cd "$root"
    if [ ! -f build/release/CMakeCache.txt ]; then cmake --preset release >&2; fi
    cmake --build --preset release >&2
  )
fi
[ -x "$bin" ] || die "no server binary at $bin"

# ---------------------------------------------------------------- temp dir, cleanup
tmp_parent=${BENCH_TMPDIR:-$root/build}
mkdir -p "$tmp_parent"
work=$(mktemp -d "$tmp_parent/bench.XXXXXX")
db=$work/helpdesk.db
log=$work/server.log
server_pid=

stop_server() {
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      say "bench: the server did not stop within 10 s of SIGTERM; killing it"
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
cleanup() {
  local status=$?
  stop_server
  if [ "$status" -gt 128 ]; then
    say "bench: interrupted"
  elif [ "$status" -ne 0 ] && [ -f "$log" ]; then
    say "bench: failed; last lines of the server log:"
    tail -n 20 "$log" >&2 || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "bench: kept $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fs_type=$(stat -f -c %T "$work")
if [ "$fs_type" = tmpfs ]; then
  say "bench: WARNING: $work is on tmpfs, where fsync costs nothing: create figures are not durable ones"
fi

# ---------------------------------------------------------------- database
email=bench-admin@example.org
password=bench-password-$RANDOM$RANDOM

say "bench: migrating and seeding $tickets tickets into $db"
"$bin" migrate --db "$db" >&2
printf '%s\n' "$password" | "$bin" user add --db "$db" --email "$email" --name "Bench Admin" --role admin >&2
seed_start=$(date +%s.%N)
"$bin" seed-demo --db "$db" --tickets "$tickets" >&2
seed_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$seed_start" "$(date +%s.%N)")

# ---------------------------------------------------------------- server
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://$host:$port

"$bin" serve --db "$db" --listen "$host:$port" >"$log" 2>&1 &
server_pid=$!

ready=0
for _ in $(seq 1 300); do # up to 30 s
  kill -0 "$server_pid" 2>/dev/null || die "the server exited during start-up"
  if grep -q "listening on http://$host:$port" "$log" 2>/dev/null &&
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
[ "$ready" = 1 ] || die "the server did not answer $base/healthz within 30 s"
say "bench: server pid $server_pid listening on $base"

# Log in, then create an agent API token with the session cookie and CSRF token.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
jar=$work/cookies.txt
login=$(curl -sS --fail-with-body -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session") ||
  die "login failed: $login"
csrf=$(printf '%s' "$login" | json_field csrf_token)
created=$(curl -sS --fail-with-body -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d '{"name":"bench","role":"agent"}' "$base/api/v1/tokens") ||
  die "creating the API token failed: $created"
token=$(printf '%s' "$created" | json_field token)
export HELPDESK_TOKEN=$token
auth="Authorization: Bearer $token"

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
# wrk output -> "req/s p50_ms p99_ms non2xx socket_errors requests"
parse_wrk() {
  awk '
    function ms(v,   n, unit) {
      n = v + 0; unit = v; sub(/^[0-9.]+/, "", unit)
      if (unit == "us") return n / 1000
      if (unit == "ms") return n
      if (unit == "s") return n * 1000
      if (unit == "m") return n * 60000
      if (unit == "h") return n * 3600000
      return -1
    }
    /^Requests\/sec:/ { rps = $2 }
    /^[ \t]+50%[ \t]/ { p50 = ms($2) }
    /^[ \t]+99%[ \t]/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errors = $4 + $6 + $8 + $10 }
    / requests in / { requests = $1 }
    END {
      if (rps == "") { print "error"; exit 1 }
      printf "%s %.3f %.3f %d %d %d\n", rps, p50, p99, non2xx, errors, requests
    }
  ' "$1"
}

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

probe create 201 -H 'Content-Type: application/json' -H "$auth" \
  -d '{"subject":"bench probe","body":"probe","customer":{"email":"bench-probe@example.org"}}' \
  "$base/api/v1/tickets"
run_wrk create "POST /api/v1/tickets" -s "$here/create_ticket.lua" "$base/api/v1/tickets"

probe list 200 -H "$auth" "$base/api/v1/tickets?limit=50"
run_wrk list "GET /api/v1/tickets?limit=50" -H "$auth" "$base/api/v1/tickets?limit=50"

# Full-text search, newest 50: "refund" is one of the seed's eight topics, in about 12% of tickets.
probe search 200 -H "$auth" "$base/api/v1/tickets?q=refund&limit=50"
run_wrk search "GET /api/v1/tickets?q=refund" -H "$auth" "$base/api/v1/tickets?q=refund&limit=50"

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
  stream_report=$(timeout 180 python3 "$here/stream.py" "$base" "$token" \
    --listeners "${BENCH_STREAM_LISTENERS:-1000}" --tickets "${BENCH_STREAM_TICKETS:-200}" 2>&1) ||
    say "bench: WARNING: the stream benchmark failed"
fi

# ---------------------------------------------------------------- report
peak_rss=$(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || true)
stop_server

python3 - "$duration" "$connections" "$threads" "$tickets" "$seed_seconds" "$max_id" "${peak_rss:-unknown}" \
  "$fs_type" "$(nproc)" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" "${results[@]}" <<'PY'
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
if [ -n "$stream_report" ]; then printf '\n%s\n' "$stream_report"; fi
