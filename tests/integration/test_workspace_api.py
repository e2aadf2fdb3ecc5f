"""The agents' workspace endpoints: view counts, saved views, canned responses, presence, bulk
changes and a customer's past satisfaction; each with its authz and bad input."""
from __future__ import annotations

import urllib.parse

import pytest

from harness import PASSWORD, expect, get_ticket, invalid, new_ticket, problem, uniq


# -- authz for every route --------------------------------------------------------------------

def _ticket(admin):
    return new_ticket(admin)["id"]


def _canned(admin):
    return expect(admin.post("/api/v1/canned-responses", {"title": uniq("T "), "body": "b"}), 201)["id"]


# (method, path builder, body, lowest role)
ROUTES = [
    ("GET", lambda a: "/api/v1/views/counts", None, "agent"),
    ("GET", lambda a: "/api/v1/saved-views", None, "agent"),
    ("POST", lambda a: "/api/v1/saved-views", lambda: {"name": uniq("v"), "query": "status=open"}, "agent"),
    ("GET", lambda a: "/api/v1/canned-responses", None, "agent"),
    ("POST", lambda a: "/api/v1/canned-responses", lambda: {"title": uniq("t"), "body": "Hello"}, "admin"),
    ("PATCH", lambda a: f"/api/v1/canned-responses/{_canned(a)}", lambda: {"body": "x"}, "admin"),
    ("DELETE", lambda a: f"/api/v1/canned-responses/{_canned(a)}", None, "admin"),
    ("POST", lambda a: "/api/v1/tickets/bulk", lambda: {"ids": [1], "priority": "high"}, "agent"),
    ("GET", lambda a: f"/api/v1/tickets/{_ticket(a)}/presence", None, "agent"),
    ("POST", lambda a: f"/api/v1/tickets/{_ticket(a)}/presence", lambda: {"replying": False}, "agent"),
    ("DELETE", lambda a: f"/api/v1/tickets/{_ticket(a)}/presence", None, "agent"),
    ("GET", lambda a: f"/api/v1/customers/{new_ticket(a)['customer']['id']}/satisfaction", None, "agent"),
    ("GET", lambda a: "/api/v1/events?after=0&limit=1", None, "agent"),
]
RANK = {"agent": 1, "supervisor": 2, "admin": 3}


@pytest.mark.parametrize("method,path,body,role", ROUTES, ids=[f"{m} {i}" for i, (m, *_rest) in enumerate(ROUTES)])
def test_authz(server, admin, agent, supervisor, agent_token, method, path, body, role):
    url = path(admin)
    payload = body() if body else None
    kw = {"json": payload} if payload is not None else {}
    problem(server.client().request(method, url, **kw), 401, "unauthenticated")
    problem(server.client(token="bogus").request(method, url, **kw), 401)
    for name, client in (("agent", agent), ("supervisor", supervisor), ("admin", admin),
                         ("token", server.client(token=agent_token))):
        rank = RANK["agent" if name == "token" else name]
        url = path(admin)
        payload = body() if body else None
        kw = {"json": payload} if payload is not None else {}
        r = client.request(method, url, **kw)
        if rank >= RANK[role]:
            assert r.status < 400, f"{name} should be allowed {method} {url}: {r!r}"
        else:
            problem(r, 403, "forbidden")
    if method != "GET":  # cookie without CSRF header
        r = agent.request(method, path(admin), csrf=False, **kw)
        if RANK["agent"] >= RANK[role]:
            problem(r, 403, "csrf_missing")


# -- view counts ------------------------------------------------------------------------------

def counts(client) -> dict:
    body = expect(client.get("/api/v1/views/counts"), 200)
    assert [v["key"] for v in body["views"]] == [
        "mine_open", "unassigned", "my_team", "pending", "all_open", "recently_updated"]
    return {v["key"]: v for v in body["views"]}


def listed(client, query: str) -> int:
    n, cursor = 0, None
    while True:
        q = query + "&limit=200" + (f"&cursor={cursor}" if cursor else "")
        page = expect(client.get("/api/v1/tickets?" + q), 200)
        n += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return n


def test_counts_match_their_lists_and_move_with_changes(make_server):
    srv = make_server()
    admin = srv.client(); expect(admin.login("admin@x.test", PASSWORD), 200)
    agent = srv.client(); expect(agent.login("agent@x.test", PASSWORD), 200)
    team = expect(admin.post("/api/v1/teams", {"name": "Billing"}), 201)
    me = agent.user
    expect(admin.patch(f"/api/v1/users/{me['id']}", {"team_id": team["id"]}), 200)
    before = counts(agent)
    assert before["my_team"]["count"] == 0
    a = new_ticket(admin, assignee_id=me["id"])
    b = new_ticket(admin, team_id=team["id"])
    c = new_ticket(admin)
    expect(admin.post(f"/api/v1/tickets/{c['id']}/status", {"status": "pending"}), 200)
    d = new_ticket(admin, assignee_id=me["id"])
    expect(admin.post(f"/api/v1/tickets/{d['id']}/status", {"status": "resolved"}), 200)
    now = counts(agent)
    assert now["mine_open"]["count"] == 1
    assert now["unassigned"]["count"] == 2
    assert now["my_team"]["count"] == 1
    assert now["pending"]["count"] == 1
    assert now["all_open"]["count"] == 2
    assert now["recently_updated"]["count"] == 4
    for key, view in now.items():
        assert view["query"], key
        assert listed(agent, view["query"]) == view["count"], f"{key}: {view['query']}"
    # Another agent's "mine" is theirs.
    assert counts(admin)["mine_open"]["count"] == 0
    problem(agent.get("/api/v1/views/counts?x=1"), 400, "invalid_query")


# -- saved views ------------------------------------------------------------------------------

def test_saved_views_crud_and_privacy(agent, supervisor):
    name = uniq("Urgent ")
    v = expect(agent.post("/api/v1/saved-views", {"name": name, "query": "status=open&priority=urgent"}), 201)
    assert v["name"] == name and v["query"] == "status=open&priority=urgent"
    assert any(x["id"] == v["id"] for x in expect(agent.get("/api/v1/saved-views"), 200)["items"])
    assert all(x["id"] != v["id"] for x in expect(supervisor.get("/api/v1/saved-views"), 200)["items"])
    problem(agent.post("/api/v1/saved-views", {"name": name, "query": ""}), 409, "conflict")
    # Another agent can neither change nor delete it, and learns nothing (404).
    problem(supervisor.patch(f"/api/v1/saved-views/{v['id']}", {"name": "mine now"}), 404, "not_found")
    problem(supervisor.delete(f"/api/v1/saved-views/{v['id']}"), 404, "not_found")
    w = expect(agent.patch(f"/api/v1/saved-views/{v['id']}", {"query": "assignee=me&sort=-updated_at"}), 200)
    assert w["name"] == name and w["query"] == "assignee=me&sort=-updated_at"
    expect(agent.delete(f"/api/v1/saved-views/{v['id']}"), 204)
    problem(agent.delete(f"/api/v1/saved-views/{v['id']}"), 404)
    problem(agent.patch("/api/v1/saved-views/999999", {"name": "x"}), 404)


@pytest.mark.parametrize("body,field", [
    ({"query": "status=open"}, "name"),
    ({"name": "", "query": "status=open"}, "name"),
    ({"name": "x" * 101, "query": ""}, "name"),
    ({"name": "n"}, "query"),
    ({"name": "n", "query": "status=nope"}, "query"),
    ({"name": "n", "query": "colour=red"}, "query"),
    ({"name": "n", "query": "status=open&limit=5"}, "query"),
    ({"name": "n", "query": "cursor=1.2"}, "query"),
    ({"name": "n", "query": 5}, "query"),
    ({"name": "n", "query": "", "extra": 1}, "extra"),
])
def test_saved_view_bad_input(agent, body, field):
    before = expect(agent.get("/api/v1/saved-views"), 200)["items"]
    invalid(agent.post("/api/v1/saved-views", body), field)
    assert expect(agent.get("/api/v1/saved-views"), 200)["items"] == before


def test_saved_views_are_limited(make_server):
    srv = make_server(users=("agent",))
    c = srv.client(); expect(c.login("agent@x.test", PASSWORD), 200)
    for i in range(100):
        expect(c.post("/api/v1/saved-views", {"name": f"v{i}", "query": ""}), 201)
    invalid(c.post("/api/v1/saved-views", {"name": "one more", "query": ""}), "name")


# -- canned responses -------------------------------------------------------------------------

def test_canned_responses_crud(admin, agent):
    title = uniq("Refund ")
    c = expect(admin.post("/api/v1/canned-responses", {
        "title": title, "body": "We refunded you.", "status": "resolved", "priority": "low",
        "add_tags": ["refund", "billing", "refund"]}), 201)
    assert c["status"] == "resolved" and c["priority"] == "low"
    assert c["add_tags"] == ["billing", "refund"]
    listed = expect(agent.get("/api/v1/canned-responses"), 200)["items"]
    assert [x for x in listed if x["id"] == c["id"]] == [c]
    problem(admin.post("/api/v1/canned-responses", {"title": title, "body": "again"}), 409, "conflict")
    d = expect(admin.patch(f"/api/v1/canned-responses/{c['id']}", {"status": None, "body": "New text"}), 200)
    assert d["status"] is None and d["priority"] == "low" and d["body"] == "New text"
    assert d["add_tags"] == ["billing", "refund"]
    problem(agent.patch(f"/api/v1/canned-responses/{c['id']}", {"body": "agent edit"}), 403, "forbidden")
    expect(admin.delete(f"/api/v1/canned-responses/{c['id']}"), 204)
    problem(admin.delete(f"/api/v1/canned-responses/{c['id']}"), 404)
    problem(admin.patch(f"/api/v1/canned-responses/{c['id']}", {"body": "x"}), 404)


@pytest.mark.parametrize("body,field", [
    ({"body": "b"}, "title"),
    ({"title": "t"}, "body"),
    ({"title": "t", "body": "b", "status": "done"}, "status"),
    ({"title": "t", "body": "b", "priority": "asap"}, "priority"),
    ({"title": "t", "body": "b", "add_tags": "vip"}, "add_tags"),
    ({"title": "t", "body": "b", "add_tags": [""]}, "add_tags"),
    ({"title": "t", "body": "x" * 20001}, "body"),
    ({"title": "t", "body": "b", "colour": "red"}, "colour"),
])
def test_canned_bad_input(admin, body, field):
    before = expect(admin.get("/api/v1/canned-responses"), 200)["items"]
    invalid(admin.post("/api/v1/canned-responses", body), field)
    assert expect(admin.get("/api/v1/canned-responses"), 200)["items"] == before


# -- presence ---------------------------------------------------------------------------------

def test_presence_shows_who_is_there(agent, supervisor, admin):
    t = new_ticket(admin)
    path = f"/api/v1/tickets/{t['id']}/presence"
    assert expect(agent.get(path), 200) == {"ticket_id": t["id"], "viewers": []}
    p = expect(agent.post(path, {}), 200)
    assert [(v["name"], v["replying"]) for v in p["viewers"]] == [("Agent", False)]
    p = expect(supervisor.post(path, {"replying": True}), 200)
    assert [(v["name"], v["replying"]) for v in p["viewers"]] == [("Agent", False), ("Supervisor", True)]
    assert expect(agent.get(path), 200) == p
    expect(supervisor.delete(path), 204)
    assert [v["name"] for v in expect(agent.get(path), 200)["viewers"]] == ["Agent"]
    expect(agent.delete(path), 204)
    problem(agent.post("/api/v1/tickets/999999/presence", {}), 404, "not_found")
    problem(agent.get("/api/v1/tickets/999999/presence"), 404)
    invalid(agent.post(path, {"replying": "yes"}), "replying")
    invalid(agent.post(path, {"typing": True}), "typing")


# -- bulk -------------------------------------------------------------------------------------

def test_bulk_change_applies_each_and_reports_failures(admin, agent, user_ids):
    a = new_ticket(admin, tags=["old", "keep"])
    b = new_ticket(admin)
    closed = new_ticket(admin)
    expect(admin.post(f"/api/v1/tickets/{closed['id']}/status", {"status": "closed"}), 200)
    r = expect(agent.post("/api/v1/tickets/bulk", {
        "ids": [a["id"], 999999, b["id"], closed["id"]],
        "assignee_id": user_ids["agent"], "priority": "high", "status": "pending",
        "add_tags": ["bulk"], "remove_tags": ["old"]}), 200)
    assert r["succeeded"] == 2 and r["failed"] == 2
    by_id = {x["id"]: x for x in r["results"]}
    assert [x["id"] for x in r["results"]] == [a["id"], 999999, b["id"], closed["id"]]
    assert by_id[999999]["ok"] is False and by_id[999999]["status"] == 404
    assert by_id[closed["id"]]["ok"] is False and by_id[closed["id"]]["code"] == "illegal_transition"
    for t in (a, b):
        got = get_ticket(admin, t["id"])
        assert by_id[t["id"]]["ok"] is True and by_id[t["id"]]["ticket"]["id"] == t["id"]
        assert got["assignee_id"] == user_ids["agent"] and got["priority"] == "high"
        assert got["status"] == "pending" and "bulk" in got["tags"] and "old" not in got["tags"]
    assert set(get_ticket(admin, a["id"])["tags"]) == {"bulk", "keep"}
    # The refused closed ticket kept everything: its field changes rolled back with its move.
    c = get_ticket(admin, closed["id"])
    assert c["assignee_id"] is None and c["priority"] == closed["priority"] and c["version"] == closed["version"] + 1


def test_bulk_unassign_and_no_op(admin, agent, user_ids):
    t = new_ticket(admin, assignee_id=user_ids["agent"])
    r = expect(agent.post("/api/v1/tickets/bulk", {"ids": [t["id"]], "assignee_id": None}), 200)
    assert r["results"][0]["ticket"]["assignee_id"] is None
    version = get_ticket(admin, t["id"])["version"]
    expect(agent.post("/api/v1/tickets/bulk", {"ids": [t["id"]], "assignee_id": None}), 200)
    assert get_ticket(admin, t["id"])["version"] == version, "no change, no new version"


@pytest.mark.parametrize("body,field", [
    ({"priority": "high"}, "ids"),
    ({"ids": [], "priority": "high"}, "ids"),
    ({"ids": list(range(1, 102)), "priority": "high"}, "ids"),
    ({"ids": ["1"], "priority": "high"}, "ids"),
    ({"ids": [0], "priority": "high"}, "ids"),
    ({"ids": [1]}, "changes"),
    ({"ids": [1], "status": "done"}, "status"),
    ({"ids": [1], "priority": "asap"}, "priority"),
    ({"ids": [1], "assignee_id": "me"}, "assignee_id"),
    ({"ids": [1], "add_tags": "x"}, "add_tags"),
    ({"ids": [1], "priority": "high", "subject": "x"}, "subject"),
])
def test_bulk_bad_input_changes_nothing(admin, agent, body, field):
    t = new_ticket(admin)
    body = {**body, "ids": [t["id"] if i == 1 else i for i in body["ids"]]} if "ids" in body and isinstance(body["ids"], list) and body["ids"] and body["ids"][0] == 1 and len(body["ids"]) == 1 else body
    invalid(agent.post("/api/v1/tickets/bulk", body), field)
    assert get_ticket(admin, t["id"])["version"] == t["version"]


def test_bulk_unknown_assignee_is_a_per_ticket_failure(admin, agent):
    t = new_ticket(admin)
    r = expect(agent.post("/api/v1/tickets/bulk", {"ids": [t["id"]], "assignee_id": 999999}), 200)
    assert r["failed"] == 1 and r["results"][0]["status"] in (400, 422)
    assert get_ticket(admin, t["id"])["version"] == t["version"]


# -- customer panel ---------------------------------------------------------------------------

def test_customer_satisfaction_unknown_and_empty(agent, admin):
    problem(agent.get("/api/v1/customers/999999/satisfaction"), 404, "not_found")
    t = new_ticket(admin)
    s = expect(agent.get(f"/api/v1/customers/{t['customer']['id']}/satisfaction"), 200)
    assert s == {"customer_id": t["customer"]["id"], "answered": 0, "average_csat": None,
                 "unresolved": 0, "items": []}
