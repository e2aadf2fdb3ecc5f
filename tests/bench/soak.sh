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
#   HELPDESK_BIN, BENCH_TMPDIR, BENCH_KEEP: see common.sh
set -euo pipefail

bench_name=soak
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

duration=${SOAK_DURATION:-180}
sample=${SOAK_SAMPLE:-10}
connections=${SOAK_CONNECTIONS:-32}
threads=${SOAK_THREADS:-2}
tickets=${SOAK_TICKETS:-20000}
[ "$duration" -le 1800 ] || duration=1800

say "soak: seeding $tickets tickets into $db"
make_database
"$bin" seed-demo --db "$db" --tickets "$tickets" >&2
start_server
make_api_token
token=$HELPDESK_TOKEN
export BENCH_MAX_ID=$tickets SOAK_WRITE_SHARE=${SOAK_WRITE_SHARE:-20}

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
load_pid=$!

printf '\n%8s %10s %10s %10s %10s %10s\n' "t (s)" "WAL MiB" "db MiB" "read p50" "read p99" "read max"
start=$(date +%s)
max_wal=0
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$sample"
  kill -0 "$server_pid" 2>/dev/null || die "the server died under load"
  kill -0 "$load_pid" 2>/dev/null || break
  wal=$(size_mib "$db-wal")
  max_wal=$(python3 -c "print(max(float('$wal'), float('$max_wal')))")
  read -r p50 p99 pmax <<<"$(probe_reads)"
  printf '%8d %10s %10s %10s %10s %10s\n' $(($(date +%s) - start)) "$wal" "$(size_mib "$db")" "$p50" "$p99" "$pmax"
done
wait "$load_pid" || say "soak: WARNING: wrk exited non-zero"
load_pid=

echo
echo "largest WAL seen: $max_wal MiB"
awk '/^Requests\/sec:/ { print "mixed load: " $2 " req/s" } /^[ \t]+(50|99)%/ { sub(/%/, "", $1); print "  p" $1 " " $2 }
     /Non-2xx/ { print "  non-2xx: " $NF }' "$work/wrk.txt"
echo "checkpoints (from /metrics):"
curl -sS "$base/metrics" | grep -E '^helpdesk_db_(checkpoints_total|wal_bytes)' || echo "  (none exported)"
