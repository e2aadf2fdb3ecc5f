#!/usr/bin/env bash
# Builds the business-calendar micro-benchmark with the release preset and prints ns per call.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset release >/dev/null
cmake --build --preset release --target hd_calendar_bench >/dev/null
./build/release/tests/bench/hd_calendar_bench
