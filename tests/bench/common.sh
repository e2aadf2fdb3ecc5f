# Shared by the benchmark scripts here (run.sh, create_only.sh, soak.sh, ...): source it, never
# run it.
# It finds or builds the release binary, makes a temporary directory on the project's disk,
# starts `helpdesk serve` on a free 127.0.0.1 port with an admin account and an agent API token,
# reads wrk's figures, and stops the server and removes the directory on exit.
#
# Before sourcing, set `bench_name` (the prefix of every message). Knobs (environment):
#   HELPDESK_BIN=path   use this binary, don't build
#   BENCH_TMPDIR=dir    where the temporary directory goes (default: build/, on the project's
#                       disk: a tmpfs would make fsync free and write figures meaningless)
#   BENCH_KEEP=1        keep the temporary directory (database, server log, raw wrk output)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
host=127.0.0.1

say() { printf '%s\n' "$*" >&2; }
die() { say "$bench_name: $*"; exit 1; }

for tool in wrk curl python3; do
  command -v $tool >/dev/null || die "$tool is not installed (scripts/install-deps.sh installs it)"
done

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

# ---------------------------------------------------------------- binary
if [ -n "${HELPDESK_BIN:-}" ]; then
  bin=$HELPDESK_BIN
else
  bin=$root/build/release/server/helpdesk
  say "$bench_name: building the release preset"
  (
    cd "$root"
    if [ ! -f build/release/CMakeCache.txt ]; then cmake --preset release >&2; fi
    cmake --build --preset release --target helpdesk >&2
  )
fi
[ -x "$bin" ] || die "no server binary at $bin"

# ---------------------------------------------------------------- temp dir, cleanup
tmp_parent=${BENCH_TMPDIR:-$root/build}
mkdir -p "$tmp_parent"
work=$(mktemp -d "$tmp_parent/$bench_name.XXXXXX")
db=$work/helpdesk.db
log=$work/server.log
server_pid=
load_pid= # a load generator running in the background, stopped first on exit

stop_server() {
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      say "$bench_name: the server did not stop within 10 s of SIGTERM; killing it"
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
cleanup() {
  local status=$?
  if [ -n "$load_pid" ] && kill -INT "$load_pid" 2>/dev/null; then wait "$load_pid" 2>/dev/null || true; fi
  stop_server
  if [ "$status" -gt 128 ]; then
    say "$bench_name: interrupted"
  elif [ "$status" -ne 0 ] && [ -f "$log" ]; then
    say "$bench_name: failed; last lines of the server log:"
    tail -n 20 "$log" >&2 || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "$bench_name: kept $work"
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
  say "$bench_name: WARNING: $work is on tmpfs, where fsync costs nothing: write figures are not durable ones"
fi

# ---------------------------------------------------------------- database, server, token
admin_email=bench-admin@example.org
admin_password=bench-password-$RANDOM$RANDOM

# A migrated database with one admin account.
make_database() {
  "$bin" migrate --db "$db" >&2
  printf '%s\n' "$admin_password" |
    "$bin" user add --db "$db" --email "$admin_email" --name "Bench Admin" --role admin >&2
}

# Fills the migrated $db with the benchmarks' history: $1 generated tickets over two years through
# `helpdesk import`, the word in $bench_search_word in the subject of a tenth of them.
bench_search_word=zeppelin
import_history() {
  python3 "$here/gen_history.py" --tickets "$1" --seed 20261201 --days 730 \
    --end 2026-11-01T00:00:00Z --marker "$bench_search_word" --marker-share 0.1 \
    --out "$work/history.jsonl"
  "$bin" import "$work/history.jsonl" --db "$db" >"$work/import.out" 2>&1 ||
    die "import failed: $(tail -n 5 "$work/import.out")"
}

# Starts the server on a free port; sets server_pid and base.
start_server() {
  local port ready=0
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  base=http://$host:$port
  "$bin" serve --db "$db" --listen "$host:$port" >"$log" 2>&1 &
  server_pid=$!
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
  say "$bench_name: server pid $server_pid listening on $base"
}

# Logs the admin in, then creates an agent API token with the session cookie and CSRF token;
# sets and exports HELPDESK_TOKEN (the Lua scripts read it) and sets auth (a curl header).
make_api_token() {
  local jar=$work/cookies.txt login csrf created
  json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
  login=$(curl -sS --fail-with-body -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" "$base/api/v1/session") ||
    die "login failed: $login"
  csrf=$(printf '%s' "$login" | json_field csrf_token)
  created=$(curl -sS --fail-with-body -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d "{\"name\":\"$bench_name\",\"role\":\"agent\"}" "$base/api/v1/tokens") ||
    die "creating the API token failed: $created"
  HELPDESK_TOKEN=$(printf '%s' "$created" | json_field token)
  export HELPDESK_TOKEN
  auth="Authorization: Bearer $HELPDESK_TOKEN"
}

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

peak_rss() { awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || true; }
commit_id() { git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'; }
