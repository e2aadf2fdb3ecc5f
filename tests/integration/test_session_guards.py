"""What the suite had left untested (issue 10, "Tests that can fail when they should"): CSRF on
PATCH, DELETE and logout; a deactivated user's existing session; max_connections -> 503;
/readyz -> 503 when the schema is not current."""
from __future__ import annotations

import socket
import sqlite3
import time

from harness import PASSWORD, expect, get_ticket, new_ticket, problem, status_of, uniq


def _fresh_user(admin, role="agent"):
    email = f"{uniq('u')}@x.test"
    user = expect(admin.post("/api/v1/users", {"email": email, "name": "Fresh", "role": role,
                                               "password": PASSWORD}), 201)
    return email, user


def test_patch_and_delete_need_the_csrf_header(server, admin, agent):
    t = new_ticket(agent)
    for csrf in (None, "not-the-token"):
        headers = {"X-CSRF-Token": csrf, "If-Match": f'"{t["version"]}"'}
        problem(agent.patch(f"/api/v1/tickets/{t['id']}", {"priority": "urgent"}, csrf=False,
                            headers=headers), 403, "csrf_missing")
    assert get_ticket(agent, t["id"])["priority"] == "normal"
    _, user = _fresh_user(admin)
    for csrf in (None, "not-the-token"):
        problem(admin.delete(f"/api/v1/users/{user['id']}", csrf=False,
                             headers={"X-CSRF-Token": csrf}), 403, "csrf_missing")
        problem(admin.patch(f"/api/v1/users/{user['id']}", {"name": "Hijacked"}, csrf=False,
                            headers={"X-CSRF-Token": csrf}), 403, "csrf_missing")
    users = {u["id"]: u for u in expect(admin.get("/api/v1/users"), 200)["items"]}
    assert users[user["id"]]["active"] is True and users[user["id"]]["name"] == "Fresh"


def test_logout_needs_the_csrf_header(server):
    c = server.client()
    expect(c.login("agent@x.test"), 200)
    for csrf in (None, "not-the-token"):
        problem(c.delete("/api/v1/session", csrf=False, headers={"X-CSRF-Token": csrf}), 403,
                "csrf_missing")
    expect(c.get("/api/v1/me"), 200)  # still logged in: a cross-site request can't log out
    assert c.delete("/api/v1/session").status == 204
    problem(c.get("/api/v1/me"), 401, "unauthenticated")


def test_a_deactivated_users_existing_session_stops_working(server, admin):
    email, user = _fresh_user(admin)
    c = server.client()
    expect(c.login(email), 200)
    expect(c.get("/api/v1/tickets"), 200)
    expect(admin.delete(f"/api/v1/users/{user['id']}"), 200)
    problem(c.get("/api/v1/tickets"), 401, "unauthenticated")
    problem(c.post("/api/v1/tickets", {"subject": "s", "body": "b",
                                       "customer": {"email": "z@customer.test"}}), 401)


def test_a_demoted_users_session_loses_the_role_at_once(server, admin):
    email, user = _fresh_user(admin, role="admin")
    c = server.client()
    expect(c.login(email), 200)
    expect(c.get("/api/v1/tokens"), 200)
    expect(admin.patch(f"/api/v1/users/{user['id']}", {"role": "agent"}), 200)
    problem(c.get("/api/v1/tokens"), 403, "forbidden")


def test_connections_beyond_max_connections_get_503(make_server):
    srv = make_server(env={"HELPDESK_HTTP_MAX_CONNECTIONS": "3"}, users=[])
    held = [socket.create_connection((srv.host, srv.port), timeout=5) for _ in range(3)]
    try:
        for s in held:  # make sure each is accepted and counted: one request, kept alive
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert status_of(s.recv(65536)) == 200
        with socket.create_connection((srv.host, srv.port), timeout=5) as extra:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data = extra.recv(65536)
        assert status_of(data) == 503, data[:300]
        assert b"application/problem+json" in data and b"too_many_connections" in data
    finally:
        for s in held:
            s.close()
    # Once they are gone, a new connection is served again.
    deadline = time.monotonic() + 5
    while True:
        r = srv.client().get("/healthz")
        if r.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert r.status == 200, r


def test_readyz_is_503_when_the_schema_is_not_current(make_server):
    srv = make_server(users=[])
    expect(srv.client().get("/readyz"), 200)
    with sqlite3.connect(srv.db) as db:
        db.execute("DELETE FROM schema_migrations WHERE version = "
                   "(SELECT MAX(version) FROM schema_migrations)")
    p = problem(srv.client().get("/readyz"), 503, "not_ready")
    assert "migrat" in p["detail"]
    expect(srv.client().get("/healthz"), 200)  # alive, just not ready
