#!/usr/bin/env bash
# Runs clang-tidy (the checks of .clang-tidy) over the C++ sources as the ci preset compiles
# them; exits non-zero on any finding. Usage: bash scripts/tidy.sh [file-regex]
#   e.g. bash scripts/tidy.sh 'server/api/'    (default: every .cpp of server/ and tests/unit/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Writes build/ci/compile_commands.json (the generated sources are written at configure time).
cmake --preset ci >/dev/null
regex="${1:-$PWD/(server|tests/unit)/.*\.cpp$}"
# The compile commands are g++'s: clang-tidy is told to ignore the warning flags it lacks.
exec run-clang-tidy -quiet -p build/ci -j "$(nproc)" -extra-arg=-Wno-unknown-warning-option \
  "$regex"
