"""Durability across a graceful restart, health and metrics, and the read/idle timeouts."""
from __future__ import annotations

import http.client
import re
import socket
import time

import pytest

from harness import PASSWORD, expect, get_ticket, new_ticket, problem, stable, status_of, uniq


def login(srv, role):
    c = srv.client()
    expect(c.login(f"{role}@x.test"), 200)
    return c


def observe(srv, admin, tid, customer_id, team_id, token_id):
    """What must survive a restart, read over the API."""
    return {
        "ticket": stable(get_ticket(admin, tid)),
        "messages": expect(admin.get(f"/api/v1/tickets/{tid}/messages"), 200)["items"],
        "events": expect(admin.get(f"/api/v1/tickets/{tid}/events"), 200)["items"],
        "customer": expect(admin.get(f"/api/v1/customers/{customer_id}"), 200),
        "users": sorted(expect(admin.get("/api/v1/users"), 200)["items"], key=lambda u: u["id"]),
        "teams": sorted(expect(admin.get("/api/v1/teams"), 200)["items"], key=lambda t: t["id"]),
        "tokens": [t for t in expect(admin.get("/api/v1/tokens"), 200)["items"] if t["id"] == token_id],
        "listing": [stable(t) for t in
                    expect(admin.get("/api/v1/tickets", params={"limit": 200}), 200)["items"]],
    }


def test_everything_survives_a_graceful_restart(make_server):
    srv = make_server()
    admin, agent = login(srv, "admin"), login(srv, "agent")

    team = expect(admin.post("/api/v1/teams", {"name": uniq("Team ")}), 201)
    email = f"{uniq('new')}@x.test"
    expect(admin.post("/api/v1/users", {"email": email, "name": "Newcomer", "role": "agent",
                                        "password": PASSWORD, "team_id": team["id"]}), 201)
    tok = expect(admin.post("/api/v1/tokens", {"name": "survivor", "role": "agent"}), 201)
    t = new_ticket(agent, team_id=team["id"], tags=["restart"], priority="high")
    tid = t["id"]
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": "note", "internal": True}), 201)
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": "hi", "status": "pending"}), 201)
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": "thanks", "author": "customer"}), 201)
    cur = get_ticket(agent, tid)
    expect(agent.patch(f"/api/v1/tickets/{tid}", {"subject": "Renamed before restart"},
                       headers={"If-Match": f'"{cur["version"]}"'}), 200)
    expect(agent.post(f"/api/v1/tickets/{tid}/status", {"status": "resolved", "note": "done"}), 200)
    before = observe(srv, admin, tid, t["customer"]["id"], team["id"], tok["id"])
    assert before["tokens"], "the token is listed before the restart"

    # An idle keep-alive connection must not keep the server from stopping (stop() asserts
    # exit code 0 within its timeout).
    idle = http.client.HTTPConnection(srv.host, srv.port, timeout=5)
    idle.request("GET", "/healthz")
    idle.getresponse().read()
    srv.restart()
    idle.close()

    admin = login(srv, "admin")
    after = observe(srv, admin, tid, t["customer"]["id"], team["id"], tok["id"])
    for key in before:
        assert after[key] == before[key], f"{key} changed across the restart"

    # Credentials persist: the token still works, the new user can log in.
    expect(srv.client(token=tok["token"]).get(f"/api/v1/tickets/{tid}"), 200)
    expect(srv.client().login(email), 200)
    # And the database keeps working: a new ticket gets a fresh id.
    assert new_ticket(admin)["id"] > tid

    r = srv.client().get("/readyz")
    assert expect(r, 200) == {"status": "ready"}
    assert expect(srv.client().get("/healthz"), 200) == {"status": "ok"}


def test_restart_keeps_the_time_figures(make_server):
    """The KPI times are stored, not recomputed from a clock that restarted."""
    srv = make_server(users=["agent"])
    agent = login(srv, "agent")
    t = new_ticket(agent)
    expect(agent.post(f"/api/v1/tickets/{t['id']}/messages", {"body": "hello"}), 201)
    expect(agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    before = get_ticket(agent, t["id"])["times"]
    srv.restart()
    after = get_ticket(login(srv, "agent"), t["id"])["times"]
    assert after == before, "a resolved ticket's clocks are stopped, even across a restart"


# ---------------------------------------------------------------------------------- metrics


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def request_counters(text: str) -> dict[str, float]:
    """Sum of every http request counter family, by family name."""
    families = [n for n in re.findall(r"^# TYPE (\S+) counter\s*$", text, re.M)
                if "http" in n and "request" in n]
    totals = {f: 0.0 for f in families}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if not m:
            continue
        for f in families:
            if m.group(1) in (f, f + "_total"):
                totals[f] += float(m.group(3))
    return totals


def test_metrics_count_http_requests(server):
    c = server.client()
    problem(c.get("/api/v1/tickets"), 401)  # a fresh server may print no series before one
    r = c.get("/metrics")
    assert r.status == 200
    assert r.content_type in ("text/plain", "application/openmetrics-text"), r.content_type
    before = request_counters(r.body.decode())
    assert before, "no counter named like http...request... in /metrics"
    # An API request, not /healthz: exporters often leave health probes out of the count.
    for _ in range(7):
        problem(c.get("/api/v1/tickets"), 401)
    after = request_counters(c.get("/metrics").body.decode())
    assert any(after[f] - before[f] >= 7 for f in before), (before, after)


# ---------------------------------------------------------------------------------- timeouts


@pytest.fixture(scope="module")
def impatient(tmp_path_factory):
    from harness import boot
    srv = boot(tmp_path_factory.mktemp("timeouts"),
               {"HELPDESK_HTTP_READ_TIMEOUT": "2s", "HELPDESK_HTTP_IDLE_TIMEOUT": "2s"}, users=[])
    try:
        yield srv
        srv.stop()
    finally:
        srv.kill_quietly()


def wait_for_close(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    t0 = time.monotonic()
    sock.settimeout(limit)
    data = b""
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                break
            data += b
    except socket.timeout:
        raise AssertionError(f"connection still open after {limit}s; got {data[:200]!r}")
    except ConnectionResetError:
        pass
    return data, time.monotonic() - t0


@pytest.mark.slow
@pytest.mark.parametrize("half", [
    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",  # headers never finish
    b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100\r\n\r\n{\"email\":",  # body never finishes
], ids=["half-header", "half-body"])
def test_slow_client_is_cut_off(impatient, half):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as s:
        t0 = time.monotonic()
        s.sendall(half)
        # Meanwhile, the server keeps serving everybody else.
        expect(impatient.client().get("/healthz", timeout=1.5), 200)
        data, _ = wait_for_close(s, 8)
        elapsed = time.monotonic() - t0
    assert status_of(data) == 408, data[:300]  # the 408 docs/API.md promises, not a bare close
    assert 1.0 <= elapsed <= 6.0, f"closed after {elapsed:.1f}s with read_timeout=2s"


@pytest.mark.slow
def test_idle_keep_alive_connection_is_closed(impatient):
    with socket.create_connection((impatient.host, impatient.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        s.settimeout(5)
        first = s.recv(65536)
        assert status_of(first) == 200, first[:200]
        data, elapsed = wait_for_close(s, 8)
    assert 1.0 <= elapsed <= 6.0, f"idle connection closed after {elapsed:.1f}s (idle_timeout=2s)"
