"""Graceful stop (issue 10, "Reliability"): a request whose first byte has arrived when SIGTERM
comes is read to the end and answered within shutdown_grace; idle keep-alive connections close
at once; the process then exits 0."""
from __future__ import annotations

import json
import signal
import socket
import time

import pytest

from harness import PASSWORD, boot, status_of


@pytest.fixture
def stoppable(tmp_path):
    srv = boot(tmp_path / "graceful", {"HELPDESK_HTTP_SHUTDOWN_GRACE": "8s",
                                       "HELPDESK_HTTP_READ_TIMEOUT": "20s"})
    try:
        yield srv
    finally:
        srv.kill_quietly()


def read_response(sock: socket.socket, limit: float) -> bytes:
    """Everything until the server closes, within `limit` seconds."""
    sock.settimeout(limit)
    data = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            b = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not b:
            break
        data += b
    return data


def closed_within(sock: socket.socket, limit: float) -> bool:
    sock.settimeout(limit)
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def wait_exit(srv, timeout: float) -> int:
    proc, srv.proc = srv.proc, None
    rc = proc.wait(timeout)
    if srv._reader:
        srv._reader.join(5)
    return rc


@pytest.mark.slow
def test_a_request_being_read_at_sigterm_is_answered(stoppable):
    srv = stoppable
    body = json.dumps({"email": "agent@x.test", "password": PASSWORD}).encode()
    head = (b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    # An idle keep-alive connection: one request answered, then nothing.
    idle = socket.create_connection((srv.host, srv.port), timeout=5)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status_of(idle.recv(65536)) == 200
    # A request in flight: its headers and the first half of its body have arrived.
    busy = socket.create_connection((srv.host, srv.port), timeout=5)
    busy.sendall(head + body[:10])
    time.sleep(0.5)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    try:
        # The idle connection is closed at once, long before the grace period ends...
        assert closed_within(idle, 3), "an idle keep-alive connection stayed open after SIGTERM"
        assert time.monotonic() - t0 < 3
        # ...while the request being read is read to its end and answered.
        time.sleep(1.0)
        busy.sendall(body[10:])
        out = read_response(busy, 8)
        assert status_of(out) == 200, out[:400]
        assert b"csrf_token" in out
        assert b"connection: close" in out.lower(), "the answer should end the connection"
    finally:
        idle.close()
        busy.close()
    assert wait_exit(srv, 15) == 0
    assert time.monotonic() - t0 < 8 + 3, "the server waited past shutdown_grace"


@pytest.mark.slow
def test_a_request_that_never_finishes_is_cut_at_the_grace_period(tmp_path):
    srv = boot(tmp_path / "grace", {"HELPDESK_HTTP_SHUTDOWN_GRACE": "2s",
                                    "HELPDESK_HTTP_READ_TIMEOUT": "30s"}, users=[])
    try:
        busy = socket.create_connection((srv.host, srv.port), timeout=5)
        busy.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        time.sleep(0.3)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        assert wait_exit(srv, 15) == 0
        assert 1.5 <= time.monotonic() - t0 <= 6
        busy.close()
    finally:
        srv.kill_quietly()
