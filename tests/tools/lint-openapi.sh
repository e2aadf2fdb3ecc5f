#!/usr/bin/env bash
# Lints server/api/openapi.json with Redocly CLI (tests/tools/redocly.yaml: the `recommended` rules).
# Exits non-zero on any error or warning. Runs from any directory; installs the pinned tools from
# tests/tools/package-lock.json (npm ci) when they are missing.
#
# The command it runs, from the repository root:
#   npx --prefix tests/tools --no -- redocly lint --config tests/tools/redocly.yaml server/api/openapi.json
set -euo pipefail

tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$tools/../.." && pwd)
cd "$root"   # report paths relative to the repository root
spec=server/api/openapi.json
config=tests/tools/redocly.yaml

# No usage reports, no update banner: the check must not depend on the network beyond npm ci.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  echo "lint-openapi: installing the pinned tools (npm ci in $tools)" >&2
  npm ci --prefix "$tools" --no-audit --no-fund >&2
fi

redocly() { npx --prefix "$tools" --no -- redocly "$@"; }

# Human-readable report (exit status is non-zero on errors only; warnings are caught below).
status=0
redocly lint --config "$config" --lint-config error "$spec" || status=$?

# Redocly exits 0 when there are only warnings: count them from the JSON report.
report=$(redocly lint --config "$config" --lint-config error --format json "$spec" 2>/dev/null) || true
warnings=$(printf '%s' "$report" | node -e '
  let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => {
    try { const t = JSON.parse(s).totals; console.log(t.errors + t.warnings); }
    catch { console.log("unreadable"); }
  });')

if [ "$status" -ne 0 ]; then
  echo "lint-openapi: FAILED (redocly exit status $status)" >&2
  exit "$status"
fi
if [ "$warnings" != 0 ]; then
  echo "lint-openapi: FAILED ($warnings problems in the JSON report; warnings count)" >&2
  exit 1
fi
echo "lint-openapi: OK ($spec: no errors, no warnings)"
