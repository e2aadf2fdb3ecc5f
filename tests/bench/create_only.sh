#!/usr/bin/env bash
# Durable creates alone, run after run on copies of one seeded database: the figures of run.sh's
# create scenario with less noise around them, for comparing two builds of the write path.
#
#   bash tests/bench/create_only.sh
#   BENCH_OTHER_BIN=/tmp/helpdesk-before bash tests/bench/create_only.sh   # alternate two binaries
#
# Fills one database like run.sh (BENCH_TICKETS tickets of a generated history through
# `helpdesk import`), then for each of BENCH_RUNS rounds: copies it, starts `helpdesk serve` on
# the copy, runs wrk with create_ticket.lua, and prints one line: creates/s, p50 and p99, the
# server's own view (write_path.py: answered within 25 ms, fdatasync waits, WAL pauses) and the
# CPU each server thread spent a create (/proc/<pid>/task/*/stat; the I/O threads are hd-io and
# the main thread, which shares the binary's name with the readers). With BENCH_OTHER_BIN each round runs that binary after this one, on its own
# fresh copy, so that both see the same database and the same hour of the machine.
#
# Knobs: BENCH_RUNS=3  BENCH_DURATION=10s  BENCH_CONNECTIONS=64  BENCH_THREADS=2
#        BENCH_TICKETS=100000  BENCH_OTHER_BIN  HELPDESK_BIN, BENCH_TMPDIR, BENCH_KEEP (common.sh)
set -euo pipefail

bench_name=create-only
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
tickets=${BENCH_TICKETS:-100000}
run_limit=$(($(seconds "$duration") + 30))
other_bin=${BENCH_OTHER_BIN:-}
[ -z "$other_bin" ] || [ -x "$other_bin" ] || die "no server binary at $other_bin"

say "$bench_name: filling $tickets tickets (a generated history through helpdesk import)"
make_database
import_history "$tickets"
seeded=$work/seeded.db
mv "$db" "$seeded"
rm -f "$db-wal" "$db-shm"

clock_ticks=$(getconf CLK_TCK)

# CPU time of each of the server's threads, summed by thread name: "name ticks" lines.
thread_ticks() {
  local task
  for task in /proc/"$server_pid"/task/*; do
    printf '%s %s\n' "$(cat "$task/comm")" "$(awk '{ print $14 + $15 }' "$task/stat")"
  done
}

one_round() { # binary label
  local serve_bin=$1 label=$2 out=$work/wrk.txt figures
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$seeded" "$db"
  sync "$db" # its writeback would otherwise land in the middle of the run
  bin=$serve_bin # start_server serves $bin
  start_server
  make_api_token
  curl -sS -o "$work/metrics-before.txt" "$base/metrics" || die "reading /metrics failed"
  timeout --signal=INT "$run_limit" wrk --latency --timeout 5s -t "$threads" -c "$connections" \
    -d "$duration" -s "$here/create_ticket.lua" "$base/api/v1/tickets" >"$out" 2>&1 ||
    say "$bench_name: WARNING: wrk exited non-zero"
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the run ($(tail -n 5 "$out"))"
  curl -sS -o "$work/metrics-after.txt" "$base/metrics" || die "reading /metrics failed"
  local cpu
  cpu=$(thread_ticks)
  stop_server
  figures=$(parse_wrk "$out") || die "could not parse wrk's output: $(cat "$out")"
  read -r rps p50 p99 non2xx errors requests <<<"$figures"
  [ "$((non2xx + errors))" -eq 0 ] || say "$bench_name: WARNING: $non2xx non-2xx and $errors socket errors"
  local server_side per_thread
  server_side=$(python3 "$here/write_path.py" "$work/metrics-before.txt" "$work/metrics-after.txt" \
    /api/v1/tickets)
  per_thread=$(printf '%s\n' "$cpu" | awk -v n="$requests" -v hz="$clock_ticks" '
    { ticks[$1] += $2 }
    END { for (name in ticks) if (ticks[name] > 0) printf " %s %.0f", name, ticks[name] / hz * 1e6 / n }')
  printf '%s: %.0f creates/s, p50 %.2f ms, p99 %.2f ms | %s | CPU us a create:%s\n' \
    "$label" "$rps" "$p50" "$p99" "$server_side" "$per_thread"
}

say "$bench_name: $runs rounds, wrk $threads threads x $connections connections x $duration"
this_bin=$bin
for round in $(seq 1 "$runs"); do
  one_round "$this_bin" "round $round, $(basename "$this_bin")"
  if [ -n "$other_bin" ]; then one_round "$other_bin" "round $round, $(basename "$other_bin") (other)"; fi
done
