"""Who may call what (API.md "Authentication" and the role of each route), plus the session
cookie's safety properties: CSRF, rate limits, revocation, deactivation, logout."""
from __future__ import annotations

import pytest

from harness import (DOCUMENTED_ROUTES, PASSWORD, expect, get_ticket, new_ticket, problem,
                     ticket_count, uniq)

RANK = {"agent": 1, "supervisor": 2, "admin": 3}
CALLERS = ["anonymous", "agent", "supervisor", "admin", "token"]  # token = Bearer, agent role


class Setup:
    """Builds a fresh, valid request for one route, using the admin for any fixtures it needs,
    so that an allowed caller gets past validation and a refused one can only fail on authz.
    (Resources are throwaway: a DELETE never hits the suite's own users, teams or tokens.)"""

    def __init__(self, admin):
        self.admin = admin

    def ticket(self):
        return new_ticket(self.admin)

    def user(self):
        return expect(self.admin.post("/api/v1/users", {
            "email": f"{uniq('u')}@x.test", "name": "Throwaway", "role": "agent",
            "password": PASSWORD}), 201)

    def team(self):
        return expect(self.admin.post("/api/v1/teams", {"name": uniq("Team ")}), 201)

    def customer(self):
        return expect(self.admin.post("/api/v1/customers", {
            "email": f"{uniq('c')}@customer.test", "name": "Cus"}), 201)

    def token(self):
        return expect(self.admin.post("/api/v1/tokens", {"name": uniq("tok")}), 201)

    def calendar(self):
        return expect(self.admin.post("/api/v1/calendars", _calendar_body()), 201)

    def policy(self):
        return expect(self.admin.post("/api/v1/sla-policies", _policy_body()), 201)


def _calendar_body():
    return {"name": uniq("Cal "), "time_zone": "Europe/Berlin", "hours": {"mon": [["09:00", "17:00"]]}}


def _policy_body():
    # A condition no other test's ticket meets: the shared server's tickets keep their clocks.
    return {"name": uniq("Pol "), "conditions": {"organization": [uniq("authz-org")]},
            "targets": {"first_response": 60}}


def _ticket_body():
    return {"subject": "Authz", "body": "b", "customer": {"email": f"{uniq('c')}@customer.test"}}


# method, path, min role, builder(setup) -> (path, json body or None, extra headers)
def _patch_ticket(s):
    t = s.ticket()
    return f"/api/v1/tickets/{t['id']}", {"priority": "high"}, {"If-Match": f'"{t["version"]}"'}


BUILDERS = {
    ("GET", "/healthz"): lambda s: ("/healthz", None, {}),
    ("GET", "/readyz"): lambda s: ("/readyz", None, {}),
    ("GET", "/metrics"): lambda s: ("/metrics", None, {}),
    ("GET", "/api/v1/openapi.json"): lambda s: ("/api/v1/openapi.json", None, {}),
    ("GET", "/api/v1/me"): lambda s: ("/api/v1/me", None, {}),
    ("GET", "/api/v1/tickets"): lambda s: ("/api/v1/tickets", None, {}),
    ("POST", "/api/v1/tickets"): lambda s: ("/api/v1/tickets", _ticket_body(), {}),
    ("GET", "/api/v1/tickets/{id}"): lambda s: (f"/api/v1/tickets/{s.ticket()['id']}", None, {}),
    ("PATCH", "/api/v1/tickets/{id}"): _patch_ticket,
    ("POST", "/api/v1/tickets/{id}/messages"): lambda s: (
        f"/api/v1/tickets/{s.ticket()['id']}/messages", {"body": "note", "internal": True}, {}),
    ("GET", "/api/v1/tickets/{id}/messages"): lambda s: (
        f"/api/v1/tickets/{s.ticket()['id']}/messages", None, {}),
    ("POST", "/api/v1/tickets/{id}/status"): lambda s: (
        f"/api/v1/tickets/{s.ticket()['id']}/status", {"status": "pending", "note": "n"}, {}),
    ("GET", "/api/v1/tickets/{id}/events"): lambda s: (
        f"/api/v1/tickets/{s.ticket()['id']}/events", None, {}),
    ("GET", "/api/v1/users"): lambda s: ("/api/v1/users", None, {}),
    ("POST", "/api/v1/users"): lambda s: ("/api/v1/users", {
        "email": f"{uniq('u')}@x.test", "name": "New", "role": "agent", "password": PASSWORD}, {}),
    ("PATCH", "/api/v1/users/{id}"): lambda s: (f"/api/v1/users/{s.user()['id']}", {"name": "Renamed"}, {}),
    ("DELETE", "/api/v1/users/{id}"): lambda s: (f"/api/v1/users/{s.user()['id']}", None, {}),
    ("GET", "/api/v1/teams"): lambda s: ("/api/v1/teams", None, {}),
    ("POST", "/api/v1/teams"): lambda s: ("/api/v1/teams", {"name": uniq("Team ")}, {}),
    ("PATCH", "/api/v1/teams/{id}"): lambda s: (f"/api/v1/teams/{s.team()['id']}", {"name": uniq("T ")}, {}),
    ("DELETE", "/api/v1/teams/{id}"): lambda s: (f"/api/v1/teams/{s.team()['id']}", None, {}),
    ("GET", "/api/v1/customers"): lambda s: ("/api/v1/customers", None, {}),
    ("POST", "/api/v1/customers"): lambda s: ("/api/v1/customers", {
        "email": f"{uniq('c')}@customer.test", "name": "New"}, {}),
    ("GET", "/api/v1/customers/{id}"): lambda s: (f"/api/v1/customers/{s.customer()['id']}", None, {}),
    ("PATCH", "/api/v1/customers/{id}"): lambda s: (
        f"/api/v1/customers/{s.customer()['id']}", {"name": "Renamed"}, {}),
    ("GET", "/api/v1/tokens"): lambda s: ("/api/v1/tokens", None, {}),
    ("POST", "/api/v1/tokens"): lambda s: ("/api/v1/tokens", {"name": uniq("tok")}, {}),
    ("DELETE", "/api/v1/tokens/{id}"): lambda s: (f"/api/v1/tokens/{s.token()['id']}", None, {}),
    ("GET", "/api/v1/tickets/{id}/sla"): lambda s: (f"/api/v1/tickets/{s.ticket()['id']}/sla", None, {}),
    ("GET", "/api/v1/calendars"): lambda s: ("/api/v1/calendars", None, {}),
    ("POST", "/api/v1/calendars"): lambda s: ("/api/v1/calendars", _calendar_body(), {}),
    ("GET", "/api/v1/calendars/{id}"): lambda s: (f"/api/v1/calendars/{s.calendar()['id']}", None, {}),
    ("PATCH", "/api/v1/calendars/{id}"): lambda s: (
        f"/api/v1/calendars/{s.calendar()['id']}", {"name": uniq("Cal ")}, {}),
    ("DELETE", "/api/v1/calendars/{id}"): lambda s: (f"/api/v1/calendars/{s.calendar()['id']}", None, {}),
    ("GET", "/api/v1/calendars/{id}/due"): lambda s: (
        f"/api/v1/calendars/{s.calendar()['id']}/due?from=2026-11-30T08:00:00Z&minutes=30", None, {}),
    ("GET", "/api/v1/calendars/{id}/duration"): lambda s: (
        f"/api/v1/calendars/{s.calendar()['id']}/duration?from=2026-11-30T08:00:00Z"
        "&to=2026-12-01T08:00:00Z", None, {}),
    ("GET", "/api/v1/sla-policies"): lambda s: ("/api/v1/sla-policies", None, {}),
    ("POST", "/api/v1/sla-policies"): lambda s: ("/api/v1/sla-policies", _policy_body(), {}),
    ("GET", "/api/v1/sla-policies/{id}"): lambda s: (f"/api/v1/sla-policies/{s.policy()['id']}", None, {}),
    ("PATCH", "/api/v1/sla-policies/{id}"): lambda s: (
        f"/api/v1/sla-policies/{s.policy()['id']}", {"name": uniq("Pol ")}, {}),
    ("DELETE", "/api/v1/sla-policies/{id}"): lambda s: (f"/api/v1/sla-policies/{s.policy()['id']}", None, {}),
}

# The session endpoints themselves are tested below, not in the table.
TABLE = [(m, p, role) for m, p, role in DOCUMENTED_ROUTES if p != "/api/v1/session"]


def test_table_covers_every_documented_route():
    assert {(m, p) for m, p, _ in TABLE} == set(BUILDERS)


def expected(min_role, caller) -> str:
    if min_role is None:
        return "ok"
    if caller == "anonymous":
        return "401"
    rank = RANK["agent" if caller == "token" else caller]
    return "ok" if rank >= RANK[min_role] else "403"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("method,route,min_role", TABLE, ids=[f"{m} {p}" for m, p, _ in TABLE])
def test_authorization_table(server, admin, agent, supervisor, agent_token,
                             method, route, min_role, caller):
    clients = {"anonymous": server.client(), "agent": agent, "supervisor": supervisor,
               "admin": admin, "token": server.client(token=agent_token)}
    path, body, headers = BUILDERS[(method, route)](Setup(admin))
    kw = {"headers": headers}
    if body is not None:
        kw["json"] = body
    r = clients[caller].request(method, path, **kw)
    want = expected(min_role, caller)
    if want == "401":
        problem(r, 401, "unauthenticated")
    elif want == "403":
        problem(r, 403, "forbidden")
    else:
        # Allowed: the request was valid, so anything but an auth failure or a crash is the
        # route's own business (tested elsewhere). A token is not a user, so /me may say so.
        assert r.status not in (401, 403) and r.status < 500, f"{caller} {method} {path}: {r!r}"
        if route != "/api/v1/me" or caller != "token":
            assert 200 <= r.status < 300, f"{caller} {method} {path}: {r!r}"


def test_refused_write_changes_nothing(admin, agent):
    """A 403 must be decided before the change: an agent creating a user leaves no user."""
    email = f"{uniq('u')}@x.test"
    problem(agent.post("/api/v1/users", {"email": email, "name": "N", "role": "admin",
                                         "password": PASSWORD}), 403, "forbidden")
    users = expect(admin.get("/api/v1/users"), 200)["items"]
    assert email not in {u["email"] for u in users}


def test_agent_cannot_promote_itself(agent, admin, user_ids):
    problem(agent.patch(f"/api/v1/users/{user_ids['agent']}", {"role": "admin"}), 403, "forbidden")
    me = expect(agent.get("/api/v1/me"), 200)
    assert me["role"] == "agent"


# ---------------------------------------------------------------------------------- sessions


def test_me_returns_the_logged_in_user(agent, user_ids):
    me = expect(agent.get("/api/v1/me"), 200)
    assert (me["id"], me["email"], me["role"], me["active"]) == (
        user_ids["agent"], "agent@x.test", "agent", True)
    assert "password" not in me and "password_hash" not in me


def test_cookie_write_without_csrf_is_refused(agent, admin):
    n = ticket_count(admin)
    body = {"subject": "csrf", "body": "b", "customer": {"email": f"{uniq('c')}@customer.test"}}
    problem(agent.post("/api/v1/tickets", body, csrf=False), 403, "csrf_missing")
    # A wrong token is no better than none.
    r = agent.post("/api/v1/tickets", body, headers={"X-CSRF-Token": "not-the-token"})
    problem(r, 403)
    assert ticket_count(admin) == n
    # The same write with the header goes through, and a Bearer client never needs one.
    expect(agent.post("/api/v1/tickets", body), 201)


def test_token_writes_need_no_csrf(server, agent_token):
    c = server.client(token=agent_token)
    expect(c.post("/api/v1/tickets", {"subject": "t", "body": "b",
                                      "customer": {"email": f"{uniq('c')}@customer.test"}}), 201)


def test_session_cookie_flags(server):
    c = server.client()
    r = c.login("agent@x.test")
    expect(r, 200)
    cookies = [sc for sc in r.headers.get_all("Set-Cookie") or [] if sc.startswith("hd_session=")]
    assert len(cookies) == 1, r.headers.get_all("Set-Cookie")
    attrs = {a.strip().split("=")[0].lower(): a.strip() for a in cookies[0].split(";")[1:]}
    assert "httponly" in attrs
    assert attrs.get("samesite", "").lower() == "samesite=lax"
    assert attrs.get("path", "").lower() == "path=/"
    body = r.json()
    assert body["user"]["email"] == "agent@x.test" and body["csrf_token"]
    assert body["csrf_token"] not in cookies[0], "the CSRF token must not be the cookie"


def test_wrong_password_and_unknown_email(server):
    c = server.client()
    problem(c.login("agent@x.test", "wrong-password"), 401, "invalid_credentials")
    problem(c.login(f"{uniq('nobody')}@x.test", PASSWORD), 401, "invalid_credentials")
    assert not c.cookies
    problem(c.get("/api/v1/me"), 401, "unauthenticated")


def test_logout_invalidates_the_cookie(server):
    c = server.client()
    expect(c.login("supervisor@x.test"), 200)
    stolen = dict(c.cookies)
    expect(c.get("/api/v1/me"), 200)
    r = c.delete("/api/v1/session")
    assert r.status == 204, r
    # Replaying the old cookie value must fail: the session is gone server-side, not only
    # forgotten by the browser.
    c.cookies = stolen
    problem(c.get("/api/v1/me"), 401, "unauthenticated")


def test_garbage_bearer_and_cookie_are_unauthenticated(server):
    problem(server.client(token="hd_" + "0" * 40).get("/api/v1/tickets"), 401, "unauthenticated")
    c = server.client()
    c.cookies = {"hd_session": "forged"}
    problem(c.get("/api/v1/tickets"), 401, "unauthenticated")


def test_revoked_token_gets_401(server, admin):
    tok = expect(admin.post("/api/v1/tokens", {"name": uniq("rev"), "role": "agent"}), 201)
    assert tok["role"] == "agent" and tok["token"]
    c = server.client(token=tok["token"])
    expect(c.get("/api/v1/tickets"), 200)
    listed = expect(admin.get("/api/v1/tokens"), 200)["items"]
    mine = [t for t in listed if t["id"] == tok["id"]]
    assert mine and "token" not in mine[0], "the secret is shown once, never listed"
    r = admin.delete(f"/api/v1/tokens/{tok['id']}")
    assert r.status == 204, r
    problem(c.get("/api/v1/tickets"), 401, "unauthenticated")


def test_token_role_is_enforced(server, admin):
    tok = expect(admin.post("/api/v1/tokens", {"name": uniq("sup"), "role": "supervisor"}), 201)
    c = server.client(token=tok["token"])
    expect(c.post("/api/v1/teams", {"name": uniq("Team ")}), 201)
    problem(c.get("/api/v1/tokens"), 403, "forbidden")


def test_deactivated_user_cannot_log_in(server, admin):
    email = f"{uniq('gone')}@x.test"
    u = expect(admin.post("/api/v1/users", {"email": email, "name": "Gone", "role": "agent",
                                            "password": PASSWORD}), 201)
    expect(server.client().login(email), 200)  # the account worked before
    gone = expect(admin.delete(f"/api/v1/users/{u['id']}"), 200)
    assert gone["active"] is False
    fresh = server.client()
    r = fresh.login(email)
    problem(r, (401, 403))
    assert not fresh.cookies


def test_duplicate_user_email_conflicts(admin):
    body = {"email": f"{uniq('dup')}@x.test", "name": "D", "role": "agent", "password": PASSWORD}
    expect(admin.post("/api/v1/users", body), 201)
    problem(admin.post("/api/v1/users", body), 409, "conflict")


# ---------------------------------------------------------------------------------- rate limits
# Private servers: failed logins from 127.0.0.1 would otherwise eat the shared server's
# per-address budget and lock every later login out.


def test_login_rate_limit_per_account(make_server):
    srv = make_server()
    c = srv.client()
    for i in range(5):
        problem(c.login("agent@x.test", f"wrong-{i}"), 401, "invalid_credentials")
    r = c.login("agent@x.test", "wrong-again")
    problem(r, 429, "too_many_attempts")
    assert r.header("Retry-After") and int(r.header("Retry-After")) > 0
    # The right password does not slip through a locked account...
    problem(c.login("agent@x.test", PASSWORD), 429, "too_many_attempts")
    # ...and another account from the same address is unaffected (5 < 20 per address).
    expect(srv.client().login("supervisor@x.test"), 200)


def test_login_rate_limit_per_address(make_server):
    srv = make_server()
    c = srv.client()
    # 20 failures spread over distinct accounts, so no single account reaches its limit of 5.
    for i in range(20):
        problem(c.login(f"nobody{i}@x.test", "wrong"), 401, "invalid_credentials")
    r = c.login("admin@x.test", PASSWORD)
    problem(r, 429, "too_many_attempts")
    assert int(r.header("Retry-After")) > 0
