"""A token can never do more than its creator can do now, and the last active admin stays
(issue 10: a demoted admin promoted themself back with an old token)."""
from __future__ import annotations

from harness import PASSWORD, expect, problem, uniq


def _second_admin(srv, admin):
    """A new admin user, logged in: (client, user)."""
    email = f"{uniq('adm')}@x.test"
    user = expect(admin.post("/api/v1/users", {"email": email, "name": "Second", "role": "admin",
                                               "password": PASSWORD}), 201)
    c = srv.client()
    expect(c.login(email), 200)
    return c, user


def test_a_demoted_creators_token_is_demoted_with_them(make_server):
    srv = make_server()
    admin = srv.client()
    expect(admin.login("admin@x.test"), 200)
    second, user = _second_admin(srv, admin)
    secret = expect(second.post("/api/v1/tokens", {"name": "old", "role": "admin"}), 201)["token"]
    tok = srv.client(token=secret)
    expect(tok.get("/api/v1/tokens"), 200)  # an admin's token works as admin
    expect(admin.patch(f"/api/v1/users/{user['id']}", {"role": "agent"}), 200)
    # The old token may no longer do admin things: not list tokens, not promote its creator.
    problem(tok.get("/api/v1/tokens"), 403, "forbidden")
    problem(tok.patch(f"/api/v1/users/{user['id']}", {"role": "admin"}), 403, "forbidden")
    assert expect(tok.get("/api/v1/me"), 200)["role"] == "agent"
    expect(tok.get("/api/v1/tickets"), 200)  # ...but what an agent may do, it still may
    users = {u["id"]: u for u in expect(admin.get("/api/v1/users"), 200)["items"]}
    assert users[user["id"]]["role"] == "agent"


def test_a_deactivated_creators_token_is_dead(make_server):
    srv = make_server()
    admin = srv.client()
    expect(admin.login("admin@x.test"), 200)
    second, user = _second_admin(srv, admin)
    secret = expect(second.post("/api/v1/tokens", {"name": "old", "role": "agent"}), 201)["token"]
    tok = srv.client(token=secret)
    expect(tok.get("/api/v1/tickets"), 200)
    expect(admin.delete(f"/api/v1/users/{user['id']}"), 200)
    problem(tok.get("/api/v1/tickets"), 401, "unauthenticated")


def test_the_last_active_admin_can_neither_demote_nor_deactivate_themself(make_server):
    srv = make_server()
    admin = srv.client()
    me = expect(admin.login("admin@x.test"), 200)["user"]
    problem(admin.patch(f"/api/v1/users/{me['id']}", {"role": "supervisor"}), 409, "conflict")
    problem(admin.patch(f"/api/v1/users/{me['id']}", {"active": False}), (400, 409))
    problem(admin.delete(f"/api/v1/users/{me['id']}"), 409, "conflict")
    # Nothing changed: still an active admin who can do admin things.
    assert expect(admin.get("/api/v1/me"), 200)["role"] == "admin"
    expect(admin.get("/api/v1/tokens"), 200)


def test_with_another_admin_a_demotion_is_allowed_but_not_of_the_last(make_server):
    srv = make_server()
    admin = srv.client()
    me = expect(admin.login("admin@x.test"), 200)["user"]
    second, user = _second_admin(srv, admin)
    expect(admin.patch(f"/api/v1/users/{me['id']}", {"role": "supervisor"}), 200)
    # Now the second admin is the last one: it can't demote itself either.
    problem(second.patch(f"/api/v1/users/{user['id']}", {"role": "agent"}), 409, "conflict")
    problem(admin.get("/api/v1/tokens"), 403, "forbidden")  # the demoted one lost admin at once
