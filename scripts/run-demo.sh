#!/usr/bin/env bash
# Installs what is missing, builds a release binary, writes demo data into an embedded SQLite
# file (once) and starts the server on http://localhost:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p data
db=data/helpdesk.db
./build/release/server/helpdesk seed-demo --db "$db"
echo
echo "Helpdesk: http://localhost:8080   demo login: admin@demo.test / demo-password"
echo "(also lead@demo.test and agent1@demo.test ... agent12@demo.test, same password)"
exec ./build/release/server/helpdesk serve --config config/helpdesk.toml --db "$db" --listen 0.0.0.0:8080
