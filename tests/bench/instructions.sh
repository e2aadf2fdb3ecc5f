#!/usr/bin/env bash
# Instructions a request: the release server under callgrind (user space, every thread), for the
# busiest read routes and a create. Wall-clock figures on a shared 2-core host swing by more than a 5% change;
# instruction counts do not, so this decides small changes to a hot path. Prints one line a route.
#   bash tests/bench/instructions.sh [requests=50]
# Steps: import BENCH_TICKETS (100,000) generated tickets ("zeppelin" in 10% of subjects, as
# run.sh), get an API token, restart the server under `valgrind --tool=callgrind` with
# instrumentation off, then per route: 20 requests to warm up, `requests` counted ones over one
# keep-alive connection, and the dump's total divided by `requests`.
# Not a timed test: nothing is asserted. Only 127.0.0.1; everything is removed on exit.
set -euo pipefail
bench_name=instructions-bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
requests=${1:-50}
tickets=${BENCH_TICKETS:-100000}
command -v callgrind_control >/dev/null || die "valgrind is missing: bash scripts/install-deps.sh"

say "$bench_name: importing $tickets generated tickets"
make_database
import_history "$tickets"
start_server
make_api_token
stop_server

port=${base##*:}

# Starts the server under callgrind with instrumentation off, and waits until it is idle: the
# start's read-ahead of the reports' facts (seconds under valgrind) must not share the counts.
start_counted_server() {
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.%p" \
    "$bin" serve --db "$db" --listen "$host:$port" >"$log" 2>&1 &
  server_pid=$!
  local cpu last=-1 _
  for _ in $(seq 1 300); do
    kill -0 "$server_pid" 2>/dev/null || die "the server exited under valgrind"
    cpu=$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")
    if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && [ $((cpu - last)) -le 2 ]; then return; fi
    last=$cpu
    sleep 1
  done
  die "the server was not idle within 5 minutes"
}

# `count` GETs of `path` over one connection (a curl config file: one url and output each).
get() { # count path
  local i
  for ((i = 0; i < $1; i++)); do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$base" "$2"; done >"$work/curl.cfg"
  curl -sS --fail -H "$auth" -K "$work/curl.cfg"
}

# `count` POSTs of a new ticket over one connection, each with its own subject and one of 50
# customers (as create_ticket.lua does).
post() { # count
  local i
  for ((i = 0; i < $1; i++)); do
    ((i == 0)) || echo next
    printf 'url = "%s/api/v1/tickets"\nheader = "%s"\nheader = "Content-Type: application/json"\n' "$base" "$auth"
    printf 'output = "/dev/null"\nfail\n'
    printf 'data = "{\\"subject\\":\\"Refund %d\\",\\"customer\\":{\\"email\\":\\"c%d@example.org\\"},\\"body\\":\\"I was charged twice for order %d, please refund the second payment.\\"}"\n' "$i" $((i % 50)) "$i"
  done >"$work/curl.cfg"
  curl -sS -K "$work/curl.cfg"
}

# One server a route: callgrind's later dumps of a multi-threaded process miscount. A create
# counts every thread's work until the dump, the job that mails its acknowledgement included
# (no mail server here: the send fails at once and is retried later).
printf '\n%s\n' "Instructions a request (callgrind, user space), commit $(commit_id), $tickets tickets, $requests requests each"
send() { # route count: "POST" creates, anything else is a path to GET
  if [ "$1" = POST ]; then post "$2"; else get "$2" "$1"; fi
}
for route in "/healthz" "/api/v1/tickets?limit=50" "/api/v1/tickets?q=zeppelin&limit=50" "/api/v1/tickets/$((tickets / 2))" "POST"; do
  start_counted_server
  send "$route" 20
  callgrind_control --instr=on "$server_pid" >/dev/null 2>&1
  send "$route" "$requests"
  callgrind_control --dump "$server_pid" >/dev/null 2>&1
  dump=$work/callgrind.$server_pid.1
  [ -f "$dump" ] || die "callgrind wrote no $dump"
  total=$(awk '/^summary:/ { print $2; exit }' "$dump")
  stop_server
  [ "$route" = POST ] && route="POST /api/v1/tickets" || route="GET $route"
  printf '%-40s %12s\n' "$route" "$(python3 -c "print(f'{$total // $requests:,}')")"
done
