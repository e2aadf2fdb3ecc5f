#!/usr/bin/env bash
# Installs what is missing, builds a release binary and the agents' web app (web/ -> web/dist), writes demo data into an embedded SQLite
# file (once) and starts the server on http://localhost:8080. The mails the demo sends
# (satisfaction surveys, replies, sign-in links) go to a local mail catcher: data/mail/new.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
# Only what the demo runs (the server and the web app it serves at /app/), not the tests.
cmake --build --preset release --target helpdesk web
# A maildir: the catcher only makes its tmp/new/cur when the directory itself is new.
mkdir -p data/mail/tmp data/mail/new data/mail/cur
db=data/helpdesk.db
./build/release/server/helpdesk seed-demo --db "$db"

/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox data/mail &
catcher=$!
trap 'kill $catcher 2>/dev/null || true' EXIT
# The server sends what is due at once: wait (up to 10 s) until the catcher listens.
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
  sleep 0.1
done

echo
echo "Helpdesk: http://localhost:8080/app/   demo login: admin@demo.test / demo-password"
echo "  (also lead@demo.test and agent1@demo.test ... agent12@demo.test, same password)"
echo "  customers: http://localhost:8080/support and http://localhost:8080/my"
echo "  API: http://localhost:8080/api/v1/openapi.json   mails sent: data/mail/new/"
HELPDESK_MAIL_SMTP_URL=smtp://127.0.0.1:2525 HELPDESK_SERVER_PUBLIC_URL=http://localhost:8080 \
  ./build/release/server/helpdesk serve --config config/helpdesk.toml --db "$db" --listen 0.0.0.0:8080
