#!/usr/bin/env bash
# Soak benchmark: a steady mix of creates and reads against the release server on 127.0.0.1 for
# a few minutes, printing the WAL file's size and the read latency over time, then the
# checkpoint counters of /metrics. It shows whether the WAL stays bounded under load that never
# lets readers go idle. Prints figures; not a pass/fail test.
#
#   bash tests/bench/soak.sh
#
# Knobs (environment):
#   SOAK_DURATION=180   seconds of load (bounded: at most 1800)
#   SOAK_SAMPLE=10      seconds between samples
#   SOAK_CONNECTIONS=32 SOAK_THREADS=2 wrk connections and threads
#   SOAK_WRITE_SHARE=20 percent of requests that create a ticket
#   SOAK_TICKETS=20000  tickets seeded before the load
#   HELPDESK_BIN=path   use this binary, don't build
#   BENCH_TMPDIR=dir    parent of the temporary directory (default build/: fsync must be real)
#   BENCH_KEEP=1        keep the temporary directory
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

duration=${SOAK_DURATION:-180}
sample=${SOAK_SAMPLE:-10}
connections=${SOAK_CONNECTIONS:-32}
threads=${SOAK_THREADS:-2}
tickets=${SOAK_TICKETS:-20000}
host=127.0.0.1
[ "$duration" -le 1800 ] || duration=1800

say() { printf '%s\n' "$*" >&2; }
die() { say "soak: $*"; exit 1; }
for tool in wrk curl python3; do
  command -v $tool >/dev/null || die "$tool is not installed (scripts/install-deps.sh installs it)"
done

if [ -n "${HELPDESK_BIN:-}" ]; then
  bin=$HELPDESK_BIN
else
  bin=$root/build/release/server/helpdesk
  say "soak: building the release preset"
  (
    cd "$root"
    if [ ! -f build/release/CMakeCache.txt ]; then cmake --preset release >&2; fi
    cmake --build --preset release --target helpdesk >&2
  )
fi
[ -x "$bin" ] || die "no server binary at $bin"

tmp_parent=${BENCH_TMPDIR:-$root/build}
mkdir -p "$tmp_parent"
work=$(mktemp -d "$tmp_parent/soak.XXXXXX")
db=$work/helpdesk.db
log=$work/server.log
server_pid=
wrk_pid=

cleanup() {
  local status=$?
  [ -n "$wrk_pid" ] && kill -INT "$wrk_pid" 2>/dev/null && wait "$wrk_pid" 2>/dev/null
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$log" ]; then tail -n 20 "$log" >&2 || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "soak: kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

email=soak-admin@example.org
password=soak-password-$RANDOM$RANDOM
say "soak: seeding $tickets tickets into $db"
"$bin" migrate --db "$db" >&2
printf '%s\n' "$password" | "$bin" user add --db "$db" --email "$email" --name "Soak Admin" --role admin >&2
"$bin" seed-demo --db "$db" --tickets "$tickets" >&2

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://$host:$port
"$bin" serve --db "$db" --listen "$host:$port" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  kill -0 "$server_pid" 2>/dev/null || die "the server exited during start-up"
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  sleep 0.1
done

json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
jar=$work/cookies.txt
login=$(curl -sS --fail-with-body -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session") || die "login failed"
csrf=$(printf '%s' "$login" | json_field csrf_token)
token=$(curl -sS --fail-with-body -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d '{"name":"soak","role":"agent"}' "$base/api/v1/tokens" | json_field token) || die "no API token"
export HELPDESK_TOKEN=$token BENCH_MAX_ID=$tickets SOAK_WRITE_SHARE=${SOAK_WRITE_SHARE:-20}

# Read latency now: 40 sequential single-ticket reads beside the load; prints "p50 p99 max" in ms.
probe_reads() {
  local i
  for i in $(seq 1 40); do
    curl -sS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
      "$base/api/v1/tickets/$(((RANDOM * 32768 + RANDOM) % tickets + 1))" || echo 5
  done | python3 -c '
import sys
v = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print(f"{pick(0.5):.2f} {pick(0.99):.2f} {v[-1]:.2f}")'
}
size_mib() { python3 -c 'import os, sys; p = sys.argv[1]; print(f"{(os.path.getsize(p) if os.path.exists(p) else 0) / 1048576:.1f}")' "$1"; }

say "soak: ${duration}s of load, $connections connections, ${SOAK_WRITE_SHARE}% creates"
timeout --signal=INT $((duration + 30)) wrk --latency --timeout 5s -t "$threads" -c "$connections" \
  -d "${duration}s" -s "$here/mixed.lua" "$base/" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!

printf '\n%8s %10s %10s %10s %10s %10s\n' "t (s)" "WAL MiB" "db MiB" "read p50" "read p99" "read max"
start=$(date +%s)
max_wal=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep "$sample"
  kill -0 "$server_pid" 2>/dev/null || die "the server died under load"
  kill -0 "$wrk_pid" 2>/dev/null || break
  wal=$(size_mib "$db-wal")
  max_wal=$(python3 -c "print(max(float('$wal'), float('$max_wal')))")
  read -r p50 p99 pmax <<<"$(probe_reads)"
  printf '%8d %10s %10s %10s %10s %10s\n' $(($(date +%s) - start)) "$wal" "$(size_mib "$db")" "$p50" "$p99" "$pmax"
done
wait "$wrk_pid" || say "soak: WARNING: wrk exited non-zero"
wrk_pid=

echo
echo "largest WAL seen: $max_wal MiB"
awk '/^Requests\/sec:/ { print "mixed load: " $2 " req/s" } /^[ \t]+(50|99)%/ { sub(/%/, "", $1); print "  p" $1 " " $2 }
     /Non-2xx/ { print "  non-2xx: " $NF }' "$work/wrk.txt"
echo "checkpoints (from /metrics):"
curl -sS "$base/metrics" | grep -E '^helpdesk_db_(checkpoints_total|wal_bytes)' || echo "  (none exported)"
