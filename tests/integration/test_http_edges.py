"""HTTP at its edges (issue 10, "HTTP edges"): framing that could smuggle a request, HEAD,
stalled requests, media types, If-Match, impossible times."""
from __future__ import annotations

import http.client
import re
import socket
import time

import pytest

from harness import (DOCUMENTED_ROUTES, PASSWORD, expect, get_ticket, new_ticket, problem,
                     raw_exchange, snapshot, status_of, ticket_count)


def responses_in(raw: bytes) -> int:
    return raw.count(b"HTTP/1.1 ")


# ------------------------------------------------------------------------- Transfer-Encoding


@pytest.mark.parametrize("coding", ["gzip", "chunked, gzip", "identity", "x-custom"])
def test_transfer_encoding_not_ending_in_chunked_is_400_and_closes(server, coding):
    smuggled = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    raw = (b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: " + coding.encode() + b"\r\n\r\n" + smuggled)
    out = raw_exchange(server.host, server.port, raw, timeout=5)
    assert status_of(out) == 400, out[:300]
    assert responses_in(out) == 1, f"the body was served as a second request: {out[:600]!r}"
    assert b"malformed_request" in out or b"400" in out


def test_transfer_encoding_in_two_fields_uses_the_last_coding(server):
    raw = (b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    out = raw_exchange(server.host, server.port, raw, timeout=5)
    assert status_of(out) == 400 and responses_in(out) == 1, out[:600]


def test_chunked_body_still_works(server, api):
    body = b'{"email": "nobody@x.test", "password": "wrong-password"}'
    raw = (b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    out = raw_exchange(server.host, server.port, raw, timeout=5)
    assert status_of(out) == 401, out[:300]


# ------------------------------------------------------------------------- HEAD


def _head_and_get(server, token, path):
    def one(method):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=15)
        try:
            conn.request(method, path, headers={"Authorization": f"Bearer {token}"})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()
    return one("HEAD"), one("GET")


def test_head_is_answered_on_every_get_route(server, api, admin_token):
    t = new_ticket(api)
    lines = server.cli("routes").stdout.split("\n")
    patterns = [ln.split(" ", 1)[1].strip() for ln in lines if ln.startswith("GET ")]
    assert len(patterns) >= 15, lines
    for pattern in patterns:
        if pattern.endswith("/stream"):
            continue  # a live stream's GET never ends; its HEAD is checked below
        the_id = t["customer"]["id"] if "customers" in pattern else t["id"]
        path = re.sub(r"\{[^}]+\}", "nope", pattern.replace("{id}", str(the_id)))
        (hs, hh, hb), (gs, gh, gb) = _head_and_get(server, admin_token, path)
        assert hs == gs, f"HEAD {path}: {hs}, GET: {gs}"
        assert hb == b"", f"HEAD {path} sent a body"
        # (lists, metrics and feeds may change between the two requests)
        if gs == 200 and not any(v in path for v in ("metrics", "events", "jobs", "tickets")):
            assert int(hh["Content-Length"]) == len(gb), f"HEAD {path}: Content-Length"
        assert hh.get("Content-Type") == gh.get("Content-Type"), path
    for pattern in patterns:
        if pattern.endswith("/stream"):
            conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
            conn.request("HEAD", pattern, headers={"Authorization": f"Bearer {admin_token}"})
            r = conn.getresponse()
            assert r.status < 500 and r.read() == b"", pattern
            conn.close()


def test_head_keeps_the_connection_usable(server):
    raw = (b"HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    out = raw_exchange(server.host, server.port, raw, timeout=5)
    assert responses_in(out) == 2, out
    assert out.rstrip().endswith(b'{"status":"ok"}'), out


def test_405_allow_lists_head_with_get(server):
    r = server.client().request("PUT", "/healthz", body=b"{}")
    problem(r, 405)
    allow = {m.strip() for m in r.header("Allow").split(",")}
    assert {"GET", "HEAD"} <= allow


# ------------------------------------------------------------------------- 408


@pytest.fixture(scope="module")
def impatient(tmp_path_factory):
    from harness import boot
    srv = boot(tmp_path_factory.mktemp("edges408"), {"HELPDESK_HTTP_READ_TIMEOUT": "1s"},
               users=[])
    try:
        yield srv
        srv.stop()
    finally:
        srv.kill_quietly()


@pytest.mark.slow
@pytest.mark.parametrize("half", [
    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
    b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100\r\n\r\n{\"email\":",
], ids=["half-header", "half-body"])
def test_a_stalled_request_gets_408(impatient, half):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as s:
        t0 = time.monotonic()
        s.sendall(half)
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        elapsed = time.monotonic() - t0
    assert status_of(data) == 408, data[:300]
    assert b"application/problem+json" in data and b"request_timeout" in data
    assert 0.5 <= elapsed <= 5, elapsed


# ------------------------------------------------------------------------- 415


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", None])
def test_json_endpoints_refuse_other_media_types(server, agent, ctype):
    login = b'{"email": "admin@x.test", "password": "' + PASSWORD.encode() + b'"}'
    c = server.client()
    r = c.request("POST", "/api/v1/session", body=login, headers={"Content-Type": ctype})
    problem(r, 415, "unsupported_media_type")
    assert not c.cookies, "a cross-site form could log in"
    n = ticket_count(agent)
    body = b'{"subject": "s", "body": "b", "customer": {"email": "m@customer.test"}}'
    problem(agent.request("POST", "/api/v1/tickets", body=body, headers={"Content-Type": ctype}),
            415, "unsupported_media_type")
    assert ticket_count(agent) == n


def test_json_with_charset_is_accepted(server):
    login = b'{"email": "agent@x.test", "password": "' + PASSWORD.encode() + b'"}'
    r = server.client().request("POST", "/api/v1/session", body=login,
                                headers={"Content-Type": "application/json; charset=utf-8"})
    expect(r, 200)


# ------------------------------------------------------------------------- If-Match


def test_a_weak_etag_never_matches(agent):
    t = new_ticket(agent)
    before = snapshot(agent, t["id"])
    for header in (f'W/"{t["version"]}"', f'w/"{t["version"]}"'):
        r = agent.patch(f"/api/v1/tickets/{t['id']}", {"priority": "high"},
                        headers={"If-Match": header})
        problem(r, 412)
    assert snapshot(agent, t["id"]) == before
    expect(agent.patch(f"/api/v1/tickets/{t['id']}", {"priority": "high"},
                       headers={"If-Match": f'"{t["version"]}"'}), 200)
    assert get_ticket(agent, t["id"])["priority"] == "high"


# ------------------------------------------------------------------------- times


@pytest.mark.parametrize("value", [
    "2026-11-23T16:00:00+99:00", "2026-11-23T16:00:00+24:00", "2026-11-23T16:00:00-12:75",
    "99999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
    "2026-11-23T25:00:00Z", "2026-11-23T16:00:00", "2026-11-23"])
def test_impossible_times_are_400(agent, value):
    p = problem(agent.get("/api/v1/tickets", params={"created_after": value}), 400,
                "invalid_query")
    assert any(e["field"] == "created_after" for e in p["errors"])


def test_a_time_with_an_offset_is_the_same_instant(agent):
    a = expect(agent.get("/api/v1/tickets", params={"created_after": "2026-01-01T01:00:00+01:00"}), 200)
    b = expect(agent.get("/api/v1/tickets", params={"created_after": "2026-01-01T00:00:00Z"}), 200)
    assert [t["id"] for t in a["items"]] == [t["id"] for t in b["items"]]
