#!/usr/bin/env bash
# Inbound mail throughput: realistic raw mails (plain UTF-8, HTML-only ISO-8859-1, multipart with a
# 24 KiB PDF, an Outlook windows-1252 reply) POSTed to /api/v1/mail/inbound of the release server
# on 127.0.0.1 with wrk, each with its own Message-ID. Every 202 means the mail was stored and
# filed durably (two group commits: the raw mail, then its ticket). Prints mails/s, p50/p99 and
# the server's peak RSS. Not a pass/fail test: the goal (>= 1,000 mails/s) is only reported.
#
#   bash tests/bench/mail_inbound.sh
#
# Knobs (environment): BENCH_DURATION=10s BENCH_CONNECTIONS=64 BENCH_THREADS=2
#   BENCH_CUSTOMERS=1000; HELPDESK_BIN, BENCH_TMPDIR, BENCH_KEEP: see common.sh
set -euo pipefail

bench_name=bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
run_limit=$(($(seconds "$duration") + 30))

make_database
start_server
make_api_token

# ---------------------------------------------------------------- run
probe=$(curl -sS -w ' %{http_code}' -H "$auth" -H 'Content-Type: message/rfc822' \
  --data-binary $'From: probe@example.org\r\nSubject: probe\r\nMessage-ID: <probe@bench>\r\n\r\nprobe\r\n' \
  "$base/api/v1/mail/inbound")
case $probe in *" 202") ;; *) die "the probe mail was not accepted: $probe" ;; esac

out=$work/wrk-mail.txt
say "bench: POST /api/v1/mail/inbound ($duration, $connections connections, $threads threads)"
timeout --signal=INT "$run_limit" \
  wrk --latency --timeout 5s -t "$threads" -c "$connections" -d "$duration" \
  -s "$here/mail_inbound.lua" "$base/api/v1/mail/inbound" >"$out" 2>&1 ||
  say "bench: WARNING: wrk exited non-zero"
kill -0 "$server_pid" 2>/dev/null || die "the server died during the run: $(tail -n 5 "$out")"
figures=$(parse_wrk "$out") || { cat "$out" >&2; die "could not parse the wrk output"; }
peak_rss=$(peak_rss)
stop_server

# What became of the mails, from the database itself (the server is stopped).
outcomes=$(python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT state, COUNT(*) FROM inbound_mails GROUP BY state ORDER BY state").fetchall()
print(", ".join(f"{state} {count}" for state, count in rows))
PY
)

read -r rps p50 p99 non2xx errors requests <<<"$figures"
python3 - "$rps" "$p50" "$p99" "$non2xx" "$errors" "$requests" "${peak_rss:-unknown}" "$fs_type" \
  "$(nproc)" "$(commit_id)" "$duration" \
  "$connections" "$threads" "$outcomes" <<'PY'
import sys
rps, p50, p99, non2xx, errors, requests, rss, fs, cpus, commit, duration, conns, threads, outcomes = sys.argv[1:]
rps = float(rps)
print(f"\nHelpdesk inbound mail benchmark  commit {commit}, {cpus} CPUs, db on {fs}, "
      f"wrk {threads} threads x {conns} connections x {duration}\n")
print(f"  mails/s      {rps:10.0f}   goal >= 1000: {'met' if rps >= 1000 else 'NOT met'}")
print(f"  p50 / p99    {float(p50):8.2f} / {float(p99):.2f} ms")
print(f"  mails        {requests} posted, {non2xx} not 2xx, {errors} socket errors")
print(f"  outcomes     {outcomes}")
print(f"  peak RSS     {rss}")
if int(non2xx) or int(errors):
    print("  WARNING: some requests failed; the figures include the error path")
PY
