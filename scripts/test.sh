#!/usr/bin/env bash
# Installs what is missing, builds the dev preset (ASan + UBSan) and runs every test:
# unit (doctest), integration (the real binary over HTTP) and the OpenAPI lint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset dev
cmake --build --preset dev
ctest --preset dev
