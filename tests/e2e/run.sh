#!/usr/bin/env bash
# Browser tests of Helpdesk's public pages and of the agents' workspace (web/): Debian's chromium (/usr/bin/chromium) driven by
# playwright-core, accessibility by axe-core, mail through Debian's python3-aiosmtpd.
# Never downloads a browser. Works from any directory; exits non-zero when a test fails.
#   HELPDESK_BIN        the server binary (default: build/dev/server/helpdesk of this checkout)
#   HELPDESK_E2E_KEEP=1 keep the temporary work directories (database, logs, Maildir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

for need in /usr/bin/chromium /usr/bin/python3 node npm; do
  command -v "$need" >/dev/null || { echo "e2e: $need is missing" >&2; exit 2; }
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null \
  || { echo "e2e: Debian's python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)" >&2; exit 2; }

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi

# The agents' workspace is tested from its build: (re)build web/dist when it is missing or older
# than its sources (HELPDESK_WEB_DIST names another build and skips this).
web="$here/../../web"
if [ -z "${HELPDESK_WEB_DIST:-}" ] && { [ ! -f "$web/dist/index.html" ] || [ -n "$(find "$web/src" "$web/index.html" "$web/package-lock.json" -newer "$web/dist/index.html" -print -quit)" ]; }; then
  (cd "$web" && { [ -d node_modules/vite ] || npm ci --no-audit --no-fund; } && npm run build)
fi

files=(*.test.mjs)
# Every top-level test() of the files must run and pass: a run that ran fewer (none found, a
# file left out, a skip) fails, as does one with no test at all.
declared=$(cat "${files[@]}" | grep -cE '^[[:space:]]*test\(' || true)
tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT

# The whole run is bounded: `timeout` signals the process group, whose test processes then
# kill the servers and SMTP sinks they started. Each test also has its own timeout.
rc=0
timeout --kill-after=10 300 \
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}" || rc=$?
((rc == 0)) || exit "$rc"

count() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$tap" | tail -1; }
passed=$(count pass); skipped=$(count skipped); todo=$(count todo)
if ((declared == 0 || ${passed:-0} < declared || ${skipped:-0} > 0 || ${todo:-0} > 0)); then
  echo "e2e: the files declare $declared tests; ${passed:-0} passed, ${skipped:-0} skipped," \
       "${todo:-0} todo: every declared test must run and pass" >&2
  exit 1
fi
echo "e2e: all $declared declared tests ran and passed"
