"""A small server-sent events reader over a raw socket, for the live-events tests."""
from __future__ import annotations

import json
import socket
import time

from harness import Client


class EventStream:
    """Opens GET `path` with the client's credentials and parses frames as they arrive."""

    def __init__(self, client: Client, path: str = "/api/v1/events/stream",
                 headers: dict[str, str] | None = None, timeout: float = 10):
        srv = client.server
        self.sock = socket.create_connection((srv.host, srv.port), timeout=timeout)
        hdrs = {"Host": f"{srv.host}:{srv.port}", "Accept": "text/event-stream"}
        if client.token:
            hdrs["Authorization"] = f"Bearer {client.token}"
        if client.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        hdrs.update(headers or {})
        request = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        self.sock.sendall(request.encode())
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n", timeout)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
        self.comments: list[str] = []
        self.closed = False

    def _read_until(self, marker: bytes, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {marker!r} within {timeout}s; have {self.buffer[:300]!r}")
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(65536)
            if not chunk:
                self.closed = True
                raise ConnectionError(f"stream closed; have {self.buffer[:300]!r}")
            self.buffer += chunk
        before, _, self.buffer = self.buffer.partition(marker)
        return before

    def body(self, timeout: float = 5) -> bytes:
        """For a non-stream answer: the rest of the body (Content-Length)."""
        n = int(self.headers.get("content-length", "0"))
        deadline = time.monotonic() + timeout
        while len(self.buffer) < n and time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            self.buffer += self.sock.recv(65536)
        return self.buffer[:n]

    def next_frame(self, timeout: float = 10) -> dict:
        """The next frame: {"id", "event", "data" (parsed JSON when it is), "retry"}; comments are
        collected in self.comments and skipped."""
        deadline = time.monotonic() + timeout
        while True:
            raw = self._read_until(b"\n\n", max(0.01, deadline - time.monotonic()))
            frame: dict = {"id": None, "event": None, "data": None}
            data_lines = []
            comment_only = True
            for line in raw.decode("utf-8").split("\n"):
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    continue
                comment_only = False
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "data":
                    data_lines.append(value)
                elif key in ("id", "event", "retry"):
                    frame[key] = value
            if comment_only:
                continue
            if data_lines:
                text = "\n".join(data_lines)
                try:
                    frame["data"] = json.loads(text)
                except ValueError:
                    frame["data"] = text
            return frame

    def frames_until(self, predicate, timeout: float = 10) -> list[dict]:
        """Reads frames until one satisfies `predicate`; returns all read (that one last)."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            f = self.next_frame(max(0.01, deadline - time.monotonic()))
            got.append(f)
            if predicate(f):
                return got

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
