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
#   BENCH_CUSTOMERS=1000 HELPDESK_BIN=path (skip the build) BENCH_TMPDIR=dir BENCH_KEEP=1
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
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
"$bin" migrate --db "$db" >&2
printf '%s\n' "$password" | "$bin" user add --db "$db" --email "$email" --name "Bench Admin" --role admin >&2

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

auth="Authorization: Bearer $token"

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
peak_rss=$(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || true)
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
  "$(nproc)" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" "$duration" \
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
