#!/usr/bin/env bash
# The web app's Vitest tests (logic and components) and its type check. Installs web/'s pinned
# npm packages first when they are missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../web"
[ -d node_modules/vitest ] && [ -d node_modules/typescript ] || npm ci --no-audit --no-fund
npx tsc --noEmit
npx vitest run
