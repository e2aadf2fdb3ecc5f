#!/usr/bin/env bash
# Browser tests of Helpdesk's public pages: Debian's chromium (/usr/bin/chromium) driven by
# playwright-core, accessibility by axe-core, mail through Debian's python3-aiosmtpd.
# Never downloads a browser. Works from any directory; exits non-zero when a test fails.
#   HELPDESK_BIN        the server binary (default /work/main/build/dev/server/helpdesk)
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

# The whole run is bounded: `timeout` signals the process group, whose test processes then
# kill the servers and SMTP sinks they started. Each test also has its own timeout.
exec timeout --kill-after=10 90 \
  node --test --test-reporter=spec survey.test.mjs portal.test.mjs
