#!/usr/bin/env bash
# Installs what is missing, builds with ASan and UBSan and warnings as errors (the ci preset:
# dev + -Werror) and runs every test: unit (doctest), integration (the real binary over HTTP),
# browser, the OpenAPI lint; then builds the fuzz targets with clang (the fuzz preset) and runs
# each for a few seconds from its seed corpus. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci
cmake --preset fuzz
cmake --build --preset fuzz
ctest --preset fuzz
