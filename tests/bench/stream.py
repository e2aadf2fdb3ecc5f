#!/usr/bin/env python3
"""Fan-out of the live event stream: N agents' streams connected (default 1,000), tickets created
one after another; for each ticket, the time from its create request being answered to its
`created` event reaching each stream. Prints p50/p99/max over every (ticket, stream) pair and how
many streams got every event. Figures only: nothing is asserted.

    python3 tests/bench/stream.py [--listeners 1000] [--tickets 200] -- BASE_URL TOKEN LISTENER

BASE_URL is a running server (127.0.0.1), TOKEN an agent API token, LISTENER the built
hd_stream_listener (stream_listener.cpp; tests/bench/run.sh passes all three). The listener holds
the streams and stamps each event with the kernel's receive time; a listener in Python cost most
of a CPU at a thousand streams and, on two cores, starved the server it measured. This script
creates the tickets (answer times from time.time(), CLOCK_REALTIME like the kernel's stamps) and
joins the two at the end.
"""
from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import time
import urllib.parse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("token")
    ap.add_argument("listener")
    ap.add_argument("--listeners", type=int, default=1000)
    ap.add_argument("--tickets", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.02, help="seconds between creates")
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.base)
    host, port = url.hostname, url.port

    listener = subprocess.Popen([args.listener, host, str(port), args.token, str(args.listeners)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    first = listener.stdout.readline().split()
    connected = int(first[1]) if len(first) == 2 and first[0] == "ready" else 0
    print(f"stream bench: {connected} of {args.listeners} streams connected")

    conn = http.client.HTTPConnection(host, port, timeout=10)
    body = json.dumps({"subject": "stream bench", "body": "fan-out",
                       "customer": {"email": "stream-bench@example.org"}})
    answered_at: dict[int, float] = {}  # ticket id -> when its create was answered
    started = time.monotonic()
    for _ in range(args.tickets if connected else 0):
        conn.request("POST", "/api/v1/tickets", body=body,
                     headers={"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        answered = time.time()
        if r.status != 201:
            print("create failed:", r.status, data[:200])
            continue
        answered_at[json.loads(data)["id"]] = answered
        time.sleep(args.interval)
    elapsed = time.monotonic() - started
    time.sleep(2)
    out, _ = listener.communicate(input="", timeout=60)  # closing its stdin ends the listening

    per_ticket: dict[int, list[float]] = {}
    for line in out.splitlines():
        tid, at_ns = (int(x) for x in line.split())
        if tid in answered_at:  # an event that beat the answer counts as 0 ms
            per_ticket.setdefault(tid, []).append(max(0.0, at_ns / 1e9 - answered_at[tid]))
    latencies = sorted(x for xs in per_ticket.values() for x in xs)
    complete = sum(1 for tid in answered_at if len(per_ticket.get(tid, [])) >= connected)
    missing = sum(max(0, connected - len(per_ticket.get(tid, []))) for tid in answered_at)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    print(f"stream bench: {len(answered_at)} tickets created in {elapsed:.1f} s "
          f"({len(answered_at) / max(elapsed, 1e-9):.0f}/s) while {connected} streams listened")
    print(f"stream bench: {len(latencies)} deliveries, {missing} missing; "
          f"{complete} of {len(answered_at)} tickets reached every stream")
    print(f"stream bench: create answered -> event received: p50 {pct(0.5):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000 if latencies else float('nan'):.1f} ms "
          f"(target p99 <= 100 ms: {'met' if latencies and pct(0.99) <= 100 else 'NOT met'})")


if __name__ == "__main__":
    main()
