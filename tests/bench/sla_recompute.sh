#!/usr/bin/env bash
# SLA recompute benchmark: a backlog of open and pending tickets (default 1,000,000, imported),
# then an admin edits the default SLA policy, which recomputes every one of them from its event
# log in the background (`sla_recompute` job). Prints how long the recompute took, tickets/s,
# how long each of its writes held the writer and each checkpoint paused it (the /metrics
# histograms), and what a create made during the recompute waited (p50/p99/max of sequential
# creates, one every 50 ms).
#   bash tests/bench/sla_recompute.sh [tickets]
# Targets (issue 11): 1,000,000 open tickets in <= 60 s, never holding the writer > 50 ms at a time.
# Not a timed test: nothing is asserted. Only 127.0.0.1; everything is removed on exit.
set -euo pipefail
bench_name=sla-recompute-bench
source "$(dirname "$0")/common.sh"
tickets=${1:-1000000}

say "$bench_name: generating a backlog of $tickets open tickets"
# The last 30 minutes' tickets: most are still open (waiting for a first answer), some pending.
python3 "$here/gen_history.py" --tickets "$tickets" --seed 11 --days 0.02 \
  --end "$(date -u +%Y-%m-%dT%H:%M:00Z)" --agents 60 --out "$work/backlog.jsonl"
make_database
import_start=$(date +%s.%N)
"$bin" import "$work/backlog.jsonl" --db "$db" >"$work/import.out" 2>&1 || {
  tail -5 "$work/import.out" >&2
  die "import failed"
}
import_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$import_start" "$(date +%s.%N)")
say "$bench_name: imported in $import_s s"
start_server
make_api_token

python3 - "$base" "$admin_email" "$admin_password" "$db" "$tickets" "$import_s" "$server_pid" <<'PY'
import http.client, json, os, sqlite3, sys, threading, time, urllib.parse

base, email, password, db_path, tickets, import_s, pid = sys.argv[1:8]
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
token = os.environ["HELPDESK_TOKEN"]

def connect():
    return http.client.HTTPConnection(host, port, timeout=120)

def call(conn, method, path, body=None, headers=None):
    h = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, json.dumps(body) if body is not None else None, h)
    r = conn.getresponse()
    return r.status, r.read()

def writer_histograms():
    """{histogram: {upper bound: cumulative count}} of helpdesk_db_write_batch_seconds (how long
    each commit held the writer) and helpdesk_db_writer_paused_seconds (how long each checkpoint
    paused it so that the WAL could start over)."""
    status, body = call(connect(), "GET", "/metrics")
    found = {"helpdesk_db_write_batch_seconds": {}, "helpdesk_db_writer_paused_seconds": {}}
    for line in body.decode().splitlines():
        name = line.split("_bucket{")[0]
        if name in found:
            le = line.split('le="')[1].split('"')[0]
            found[name][le] = float(line.split()[-1])
    return found

def print_histogram(title, before, after):
    print(title)
    prev = 0.0
    for value, key in sorted((float(k) if k != "+Inf" else float("inf"), k) for k in after):
        n = (after[key] - before.get(key, 0)) - prev
        prev += n
        label = f"<= {value * 1000:g} ms" if value != float("inf") else "> 1000 ms"
        print(f"  {label:>12}: {int(n):,}")
    total = after.get("+Inf", 0) - before.get("+Inf", 0)
    over = total - (after.get("0.05", 0) - before.get("0.05", 0))
    print(f"  {int(total):,} in all, {int(over):,} over 50 ms")

admin = connect()
admin.request("POST", "/api/v1/session", json.dumps({"email": email, "password": password}),
              {"Content-Type": "application/json"})
r = admin.getresponse()
login = json.loads(r.read())
session = {"Cookie": r.getheader("Set-Cookie").split(";")[0], "X-CSRF-Token": login["csrf_token"]}

db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
backlog = db.execute("SELECT count(*) FROM tickets WHERE status IN ('open', 'pending')").fetchone()[0]
before = writer_histograms()

# Sequential creates beside the recompute: each waits for the write batch ahead of it.
waits, stop = [], threading.Event()
def probe():
    conn = connect()
    auth = {"Authorization": f"Bearer {token}"}
    i = 0
    while not stop.is_set():
        i += 1
        t = time.perf_counter()
        status, _ = call(conn, "POST", "/api/v1/tickets", {
            "subject": f"Probe {i}", "body": "Written during the recompute",
            "customer": {"email": f"probe{i}@bench.test"}}, auth)
        if status == 201:
            waits.append((time.perf_counter() - t) * 1000)
        time.sleep(0.05)

status, body = call(admin, "GET", "/api/v1/sla-policies", headers=session)
policy = next(p for p in json.loads(body)["items"] if p["is_default"])
t0 = time.monotonic()
status, body = call(admin, "PATCH", f"/api/v1/sla-policies/{policy['id']}",
                    {"targets": {"first_response": 240, "next_reply": 480, "resolution": 2880}}, session)
assert status == 200, body
prober = threading.Thread(target=probe)
prober.start()
done_at = None
deadline = t0 + 1800
while time.monotonic() < deadline:
    # fetchall: a statement left mid-result would hold a read snapshot, which stalls the
    # server's WAL restarts (and so its writer) for [db] checkpoint_wait.
    rows = db.execute("SELECT state FROM jobs WHERE kind = 'sla_recompute' ORDER BY id DESC LIMIT 1").fetchall()
    if rows and rows[0][0] in ("done", "dead"):
        done_at = time.monotonic()
        state = rows[0][0]
        break
    time.sleep(0.2)
stop.set()
prober.join()
after = writer_histograms()
version = json.loads(body)["version"]
current = db.execute("SELECT count(*) FROM tickets WHERE status IN ('open', 'pending') AND sla_policy_version = ?",
                     (version,)).fetchone()[0]
rss = "?"
with open(f"/proc/{pid}/status") as f:
    for line in f:
        if line.startswith("VmHWM"):
            rss = f"{int(line.split()[1]) / 1024:.0f} MiB"

print(f"\nSLA recompute benchmark: {backlog:,} open or pending tickets (imported in {import_s} s)")
if done_at is None:
    print("the recompute did not finish within 30 minutes")
    sys.exit(1)
took = done_at - t0
print(f"recompute after a policy edit: {took:.1f} s = {backlog / took:,.0f} tickets/s (job {state}); "
      f"{current:,} tickets now on policy version {version}")
for name, title in (("helpdesk_db_write_batch_seconds",
                     "writes during the recompute, by how long each held the writer:"),
                    ("helpdesk_db_writer_paused_seconds",
                     "checkpoints pausing the writer meanwhile (so that the WAL starts over), by how long:")):
    print_histogram(title, before[name], after[name])
if waits:
    waits.sort()
    p = lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]
    print(f"a create during the recompute ({len(waits)} of them): p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {waits[-1]:.1f} ms")
print(f"server peak RSS: {rss}")
PY
