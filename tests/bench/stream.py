#!/usr/bin/env python3
"""Fan-out of the live event stream: N agents' streams connected (default 1,000), tickets created
one after another; for each ticket, the time from its create request being answered to its
`created` event reaching each stream. Prints p50/p99/max over every (ticket, stream) pair and how
many streams got every event. Figures only: nothing is asserted.

    python3 tests/bench/stream.py BASE_URL TOKEN [--listeners 1000] [--tickets 200]

BASE_URL is a running server (127.0.0.1), TOKEN an agent API token (tests/bench/run.sh passes
both). One thread reads all streams with selectors; another creates the tickets.
"""
from __future__ import annotations

import argparse
import http.client
import json
import selectors
import socket
import threading
import time
import urllib.parse


def open_stream(host: str, port: int, token: str) -> socket.socket:
    s = socket.create_connection((host, port), timeout=10)
    s.sendall((f"GET /api/v1/events/stream HTTP/1.1\r\nHost: {host}\r\n"
               f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("token")
    ap.add_argument("--listeners", type=int, default=1000)
    ap.add_argument("--tickets", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.02, help="seconds between creates")
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.base)
    host, port = url.hostname, url.port

    sel = selectors.DefaultSelector()
    buffers: dict[int, bytes] = {}
    sockets = []
    for i in range(args.listeners):
        s = open_stream(host, port, args.token)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
        buffers[i] = b""
        sockets.append(s)

    created_at: dict[int, float] = {}      # ticket id -> when its create was answered
    arrivals: dict[int, list[float]] = {}  # ticket id -> latency per stream (seconds)
    ready = [0]
    lock = threading.Lock()
    done = threading.Event()

    def reader() -> None:
        hello = set()
        while not done.is_set():
            for key, _ in sel.select(timeout=0.2):
                s = key.fileobj
                i = key.data
                try:
                    chunk = s.recv(262144)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(s)
                    continue
                now = time.monotonic()
                buf = buffers[i] + chunk
                *frames, rest = buf.split(b"\n\n")
                buffers[i] = rest
                for f in frames:
                    if b"event: hello" in f:
                        hello.add(i)
                        ready[0] = len(hello)
                    elif b"event: ticket" in f and b'"type":"created"' in f:
                        data = f.split(b"data: ", 1)[1]
                        tid = json.loads(data)["ticket_id"]
                        with lock:
                            t0 = created_at.get(tid)
                            arrivals.setdefault(tid, []).append(now if t0 is None else now - t0)
                            if t0 is None:
                                arrivals[tid][-1] = -now  # the event beat the answer: fix up later

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = time.monotonic() + 60
    while ready[0] < args.listeners and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"stream bench: {ready[0]} of {args.listeners} streams connected")

    conn = http.client.HTTPConnection(host, port, timeout=10)
    body = json.dumps({"subject": "stream bench", "body": "fan-out",
                       "customer": {"email": "stream-bench@example.org"}})
    started = time.monotonic()
    for _ in range(args.tickets):
        conn.request("POST", "/api/v1/tickets", body=body,
                     headers={"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        answered = time.monotonic()
        if r.status != 201:
            print("create failed:", r.status, data[:200])
            continue
        tid = json.loads(data)["id"]
        with lock:
            created_at[tid] = answered
            # Events that arrived before the answer count as 0 ms.
            arrivals[tid] = [0.0 if x < 0 else x for x in arrivals.get(tid, [])]
        time.sleep(args.interval)
    elapsed = time.monotonic() - started
    time.sleep(2)
    done.set()
    t.join(2)

    latencies = sorted(x for tid in created_at for x in arrivals.get(tid, []))
    complete = sum(1 for tid in created_at if len(arrivals.get(tid, [])) >= ready[0])
    missing = sum(max(0, ready[0] - len(arrivals.get(tid, []))) for tid in created_at)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    print(f"stream bench: {len(created_at)} tickets created in {elapsed:.1f} s "
          f"({len(created_at) / elapsed:.0f}/s) while {ready[0]} streams listened")
    print(f"stream bench: {len(latencies)} deliveries, {missing} missing; "
          f"{complete} of {len(created_at)} tickets reached every stream")
    print(f"stream bench: create answered -> event received: p50 {pct(0.5):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000 if latencies else float('nan'):.1f} ms "
          f"(target p99 <= 100 ms: {'met' if latencies and pct(0.99) <= 100 else 'NOT met'})")
    for s in sockets:
        s.close()


if __name__ == "__main__":
    main()
