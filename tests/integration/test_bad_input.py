"""Bad input gets the right 4xx as application/problem+json, and changes nothing
(ARCHITECTURE.md: "never a 500 and never a half-written change")."""
from __future__ import annotations

import contextlib
import json

import pytest

from harness import (PASSWORD, expect, get_ticket, invalid, new_ticket, problem, raw_exchange,
                     snapshot, status_of, ticket_count, uniq)


@contextlib.contextmanager
def nothing_changes(client, tid=None):
    """Asserts the number of tickets, and the given ticket with its messages and events,
    are the same after the block as before it."""
    n = ticket_count(client)
    before = snapshot(client, tid) if tid else None
    yield
    assert ticket_count(client) == n, "a refused request created a ticket"
    if tid:
        assert snapshot(client, tid) == before, "a refused request changed the ticket"


def good_body(**over):
    b = {"subject": "Broken", "body": "It broke.",
         "customer": {"email": f"{uniq('c')}@customer.test", "name": "C"}}
    b.update(over)
    return b


def without(d, key):
    return {k: v for k, v in d.items() if k != key}


@pytest.fixture(scope="module")
def victim(agent):
    """One ticket every refused write below aims at."""
    return new_ticket(agent, subject="Target of bad requests")


# ---------------------------------------------------------------------------------- create

CREATE_CASES = [
    # id, body (dict -> JSON, bytes -> sent raw), field the errors must name (None: any)
    ("malformed json", b'{"subject": "x", ', None),
    ("not an object", b'[1, 2, 3]', None),
    ("empty body", b"", None),
    ("subject not a string", good_body(subject=123), "subject"),
    ("tags not a list", good_body(tags="refund"), "tags"),
    ("tag not a string", good_body(tags=[1]), "tags"),
    ("customer not an object", good_body(customer="a@b.test"), "customer"),
    ("priority not a string", good_body(priority=3), "priority"),
    ("team_id not an int", good_body(team_id="one"), "team_id"),
    ("unknown field", good_body(colour="red"), "colour"),
    ("unknown customer field", good_body(customer={"email": "z@customer.test", "phone": "1"}), "phone"),
    ("missing subject", without(good_body(), "subject"), "subject"),
    ("missing body", without(good_body(), "body"), "body"),
    ("missing customer", without(good_body(), "customer"), "customer"),
    ("missing customer email", good_body(customer={"name": "No Mail"}), "email"),
    ("bad priority", good_body(priority="critical"), "priority"),
    ("bad channel", good_body(channel="fax"), "channel"),
    ("empty subject", good_body(subject=""), "subject"),
    ("subject of 251 chars", good_body(subject="s" * 251), "subject"),
    ("empty body text", good_body(body=""), "body"),
    ("unknown team", good_body(team_id=987654321), "team_id"),
    ("unknown assignee", good_body(assignee_id=987654321), "assignee_id"),
    ("null subject", good_body(subject=None), "subject"),
]


@pytest.mark.parametrize("body,field", [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES])
def test_create_refuses_bad_input(agent, body, field):
    with nothing_changes(agent):
        if isinstance(body, bytes):
            r = agent.request("POST", "/api/v1/tickets", body=body)
            # Broken JSON syntax is a plain 400; valid JSON of the wrong shape may be 422.
            problem(r, 400 if body.startswith(b"{") else (400, 422))
        else:
            invalid(agent.post("/api/v1/tickets", body), field)


def test_body_text_over_100000_chars_is_refused(agent):
    with nothing_changes(agent):
        r = agent.post("/api/v1/tickets", good_body(body="b" * 100_001))
        if r.status == 413:  # a body_limit below 100 kB would answer first; also fine
            problem(r, 413)
        else:
            invalid(r, "body")


def test_subject_limit_counts_characters_not_bytes(agent):
    """1..250 chars: 250 ASCII and 250 two-byte characters are both fine."""
    assert new_ticket(agent, subject="s" * 250)["subject"] == "s" * 250
    assert new_ticket(agent, subject="é" * 250)["subject"] == "é" * 250


# ---------------------------------------------------------------------------------- ticket writes


PATCH_CASES = [
    ("status is not patchable", {"status": "closed"}, "status"),
    ("unknown field", {"colour": "red"}, "colour"),
    ("bad priority", {"priority": "extreme"}, "priority"),
    ("empty subject", {"subject": ""}, "subject"),
    ("long subject", {"subject": "s" * 251}, "subject"),
    ("tags not a list", {"tags": "a,b"}, "tags"),
    ("team_id wrong type", {"team_id": "abc"}, "team_id"),
    ("unknown assignee", {"assignee_id": 987654321}, "assignee_id"),
    ("unknown team", {"team_id": 987654321}, "team_id"),
]


@pytest.mark.parametrize("body,field", [c[1:] for c in PATCH_CASES], ids=[c[0] for c in PATCH_CASES])
def test_patch_refuses_bad_input(agent, victim, body, field):
    etag = agent.get(f"/api/v1/tickets/{victim['id']}").header("ETag")
    with nothing_changes(agent, victim["id"]):
        invalid(agent.patch(f"/api/v1/tickets/{victim['id']}", body, headers={"If-Match": etag}), field)


def test_patch_malformed_json(agent, victim):
    etag = agent.get(f"/api/v1/tickets/{victim['id']}").header("ETag")
    with nothing_changes(agent, victim["id"]):
        problem(agent.request("PATCH", f"/api/v1/tickets/{victim['id']}", body=b"{nope",
                              headers={"If-Match": etag}), 400)


def test_stale_etag_changes_nothing(agent, victim):
    t = get_ticket(agent, victim["id"])
    with nothing_changes(agent, victim["id"]):
        problem(agent.patch(f"/api/v1/tickets/{victim['id']}", {"priority": "low"},
                            headers={"If-Match": f'"{t["version"] - 1}"'}), 412, "version_mismatch")
        problem(agent.patch(f"/api/v1/tickets/{victim['id']}", {"priority": "low"}), 428,
                "precondition_required")


MESSAGE_CASES = [
    ("empty body", {"body": ""}, "body"),
    ("missing body", {"internal": True}, "body"),
    ("bad author", {"body": "x", "author": "robot"}, "author"),
    ("internal not a bool", {"body": "x", "internal": "yes"}, "internal"),
    ("unknown field", {"body": "x", "cc": "boss@x.test"}, "cc"),
    ("internal customer message", {"body": "x", "author": "customer", "internal": True}, None),
    ("status on a customer message", {"body": "x", "author": "customer", "status": "pending"}, None),
    ("bad status", {"body": "x", "status": "solved"}, "status"),
]


@pytest.mark.parametrize("body,field", [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES])
def test_message_refuses_bad_input(agent, victim, body, field):
    with nothing_changes(agent, victim["id"]):
        r = agent.post(f"/api/v1/tickets/{victim['id']}/messages", body)
        invalid(r, field)


def test_reply_with_illegal_status_writes_no_message(agent, victim):
    """The reply and its move are one change: if the move is illegal (an agent can't close),
    the message must not be stored either."""
    with nothing_changes(agent, victim["id"]):
        r = agent.post(f"/api/v1/tickets/{victim['id']}/messages", {"body": "bye", "status": "closed"})
        assert r.status in (400, 409, 422), r
        problem(r, r.status)


@pytest.mark.parametrize("caller,target,allowed", [
    ("agent", "follow_up", {"pending", "resolved"}),   # the survey job's move, not a caller's
    ("agent", "closed", {"pending", "resolved"}),      # agents can't close
    ("agent", "open", {"pending", "resolved"}),        # already open
    ("supervisor", "follow_up", {"pending", "resolved", "closed"}),
])
def test_illegal_transition_lists_allowed_moves(request, victim, caller, target, allowed):
    client = request.getfixturevalue(caller)
    with nothing_changes(client, victim["id"]):
        p = problem(client.post(f"/api/v1/tickets/{victim['id']}/status", {"status": target}),
                    409, "illegal_transition")
    assert sorted(p["allowed"]) == sorted(allowed)


@pytest.mark.parametrize("body,field", [({"status": "bogus"}, "status"), ({}, "status"),
                                        ({"status": 1}, "status")])
def test_status_refuses_bad_input(agent, victim, body, field):
    with nothing_changes(agent, victim["id"]):
        invalid(agent.post(f"/api/v1/tickets/{victim['id']}/status", body), field)


# ---------------------------------------------------------------------------------- not found


@pytest.mark.parametrize("method,suffix,body", [
    ("GET", "", None), ("PATCH", "", {"priority": "low"}), ("GET", "/messages", None),
    ("POST", "/messages", {"body": "x"}), ("POST", "/status", {"status": "pending"}),
    ("GET", "/events", None),
])
def test_unknown_ticket_is_404(agent, method, suffix, body):
    with nothing_changes(agent):
        kw = {"json": body} if body is not None else {}
        r = agent.request(method, f"/api/v1/tickets/987654321{suffix}",
                          headers={"If-Match": '"1"'}, **kw)
        problem(r, 404, "not_found")


@pytest.mark.parametrize("raw_id", ["abc", "-1", "1.5", "0x10", "99999999999999999999999"])
def test_non_numeric_or_out_of_range_id(agent, raw_id):
    problem(agent.get(f"/api/v1/tickets/{raw_id}"), (400, 404))


def test_unknown_route_is_a_problem(agent):
    problem(agent.get("/api/v1/no-such-thing"), 404)


# ---------------------------------------------------------------------------------- list params


@pytest.mark.parametrize("params", [
    {"status": "bogus"}, {"status": "open,bogus"}, {"priority": "extreme"},
    {"limit": "0"}, {"limit": "201"}, {"limit": "abc"}, {"limit": "-5"},
    {"sort": "subject"}, {"sort": "+created_at"},
    {"created_after": "yesterday"}, {"created_before": "2026-13-45T00:00:00.000Z"},
    {"updated_after": "1700000000"},
    {"cursor": "not-a-real-cursor"},
    {"assignee": "someone"}, {"team": "abc"},
], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_bad_list_parameter_is_400(agent, params):
    problem(agent.get("/api/v1/tickets", params=params), 400)


# ---------------------------------------------------------------------------------- limits


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A private server with small HTTP limits (they are global configuration)."""
    from harness import boot
    srv = boot(tmp_path_factory.mktemp("limits"),
               {"HELPDESK_HTTP_BODY_LIMIT": "1024", "HELPDESK_HTTP_HEADER_LIMIT": "2048"},
               users=["admin"])
    try:
        c = srv.client()
        expect(c.login("admin@x.test", PASSWORD), 200)
        tok = expect(c.post("/api/v1/tokens", {"name": "limits", "role": "admin"}), 201)["token"]
        yield srv, srv.client(token=tok)
        srv.stop()
    finally:
        srv.kill_quietly()


def _sized_ticket(total: int) -> bytes:
    body = good_body(body="")
    base = len(json.dumps(body).encode())
    body["body"] = "x" * (total - base)
    data = json.dumps(body).encode()
    assert len(data) == total
    return data


def test_body_within_limit_is_accepted(limited):
    srv, api = limited
    expect(api.request("POST", "/api/v1/tickets", body=_sized_ticket(1000)), 201)


def test_oversized_body_is_413(limited):
    srv, api = limited
    n = ticket_count(api)
    problem(api.request("POST", "/api/v1/tickets", body=_sized_ticket(2000)), 413)
    assert ticket_count(api) == n


def test_oversized_chunked_body_is_413(limited):
    """The limit holds without a Content-Length too."""
    srv, api = limited
    n = ticket_count(api)
    data = _sized_ticket(3000)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 500]), data[i:i + 500])
                      for i in range(0, len(data), 500))
    raw = (b"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Authorization: Bearer " + api.token.encode() + b"\r\n"
           b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
           b"Connection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    out = raw_exchange(srv.host, srv.port, raw)
    assert status_of(out) == 413, out[:300]
    assert ticket_count(api) == n


def test_header_within_limit_is_accepted(limited):
    srv, api = limited
    expect(api.get("/healthz", headers={"X-Pad": "a" * 1000}), 200)


def test_oversized_header_is_431(limited):
    srv, api = limited
    problem(api.get("/healthz", headers={"X-Pad": "a" * 4000}), 431)
    # The server is still fine afterwards.
    expect(api.get("/healthz"), 200)


# ---------------------------------------------------------------------------------- CLI


def test_cli_user_add_rejects_bad_input(tmp_path):
    from harness import Server
    srv = Server(tmp_path)
    srv.migrate()
    def add(email, role, password=PASSWORD):
        return srv.cli("user", "add", "--db", str(srv.db), "--email", email, "--name", "N",
                       "--role", role, stdin=password + "\n")
    assert add("ok@x.test", "agent").returncode == 0
    for r in (add("bad-role@x.test", "god"),      # no such role
              add("ok@x.test", "agent"),          # duplicate email
              add("short@x.test", "agent", "short")):  # API.md: passwords have >= 10 chars
        assert r.returncode != 0 and (r.stdout + r.stderr).strip(), r
