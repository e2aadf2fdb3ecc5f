"""GET /api/v1/events/stream (server-sent events) and its polling fallback GET /api/v1/events:
authz, order, resume by Last-Event-ID, notifications only for the agent concerned, presence,
heartbeats, and a slow client dropped without holding up the others."""
from __future__ import annotations

import socket
import time

import pytest

from harness import PASSWORD, expect, get_ticket, new_ticket, problem, uniq
from sse_client import EventStream

STREAM = "/api/v1/events/stream"


def hello(stream: EventStream) -> int:
    f = stream.next_frame()
    assert f["retry"] == "3000" or f["event"] == "hello"
    if f["event"] != "hello":
        f = stream.next_frame()
    assert f["event"] == "hello" and f["id"] is None
    return int(f["data"]["last_event_id"])


def ticket_frames_for(stream: EventStream, ticket_id: int, want_type: str, timeout: float = 10):
    return stream.frames_until(lambda f: f["event"] == "ticket" and f["data"]["ticket_id"] == ticket_id
                               and f["data"]["type"] == want_type, timeout)


# -- authz ------------------------------------------------------------------------------------

def test_stream_needs_an_agent(server, admin):
    anon = server.client()
    with EventStream(anon) as s:
        assert s.status == 401
        assert s.headers["content-type"] == "application/problem+json"
    bad = server.client(token="not-a-token")
    with EventStream(bad) as s:
        assert s.status == 401
    r = server.client().get("/api/v1/events")
    problem(r, 401, "unauthenticated")


def test_stream_with_cookie_and_with_token(server, agent, agent_token):
    for client in (agent, server.client(token=agent_token)):
        with EventStream(client) as s:
            assert s.status == 200
            assert s.headers["content-type"].startswith("text/event-stream")
            assert "no-cache" in s.headers["cache-control"]
            assert s.headers.get("x-accel-buffering") == "no"
            assert hello(s) >= 0


def test_bad_resume_positions_are_refused(server, agent):
    for path, headers in ((STREAM + "?after=abc", {}), (STREAM + "?after=-1", {}),
                          (STREAM + "?since=3", {}), (STREAM, {"Last-Event-ID": "x1"})):
        with EventStream(agent, path, headers) as s:
            assert s.status == 400, path
            assert s.headers["content-type"] == "application/problem+json"


# -- the feed ---------------------------------------------------------------------------------

def test_changes_reach_the_stream_in_order_with_ticket_state(server, agent, admin, user_ids):
    with EventStream(agent) as s:
        start = hello(s)
        t = new_ticket(admin, subject=f"Live {uniq()}")
        frames = ticket_frames_for(s, t["id"], "message")
        mine = [f for f in frames if f["event"] == "ticket" and f["data"]["ticket_id"] == t["id"]]
        assert [f["data"]["type"] for f in mine] == ["created", "message"]
        ids = [int(f["id"]) for f in mine]
        assert ids == sorted(ids) and ids[0] > start
        ev = mine[0]["data"]
        assert ev["id"] == ids[0] and ev["actor"]["kind"] == "agent"
        assert ev["ticket"]["status"] == "open" and ev["ticket"]["subject"] == t["subject"]
        # The same ids as the ticket's own history.
        history = expect(admin.get(f"/api/v1/tickets/{t['id']}/events"), 200)["items"]
        assert [e["id"] for e in history] == ids
        # A status change and an assignment follow, in commit order.
        expect(admin.post(f"/api/v1/tickets/{t['id']}/status", {"status": "pending"}), 200)
        f = ticket_frames_for(s, t["id"], "status")[-1]
        assert f["data"]["data"]["to"] == "pending" and f["data"]["ticket"]["status"] == "pending"
        assert int(f["id"]) > ids[-1]


def test_resume_with_last_event_id_replays_exactly_what_was_missed(server, agent, admin):
    with EventStream(agent) as s:
        hello(s)
        t1 = new_ticket(admin)
        last = int(ticket_frames_for(s, t1["id"], "message")[-1]["id"])
    t2 = new_ticket(admin)  # while disconnected
    expect(admin.post(f"/api/v1/tickets/{t2['id']}/status", {"status": "resolved"}), 200)
    for headers, path in (({"Last-Event-ID": str(last)}, STREAM), ({}, f"{STREAM}?after={last}")):
        with EventStream(agent, path, headers) as s:
            position = hello(s)
            frames = ticket_frames_for(s, t2["id"], "status")
            ticket_frames = [f for f in frames if f["event"] == "ticket"]
            ids = [int(f["id"]) for f in ticket_frames]
            assert ids == sorted(ids) and len(set(ids)) == len(ids)
            assert all(i > last for i in ids)
            # Other tickets' events may interleave (background jobs share this server); t2's
            # are all there, in order, with the ids of its history.
            t2_frames = [f for f in ticket_frames if f["data"]["ticket_id"] == t2["id"]]
            history = expect(admin.get(f"/api/v1/tickets/{t2['id']}/events"), 200)["items"]
            assert [int(f["id"]) for f in t2_frames] == [e["id"] for e in history]
            assert [f["data"]["type"] for f in t2_frames] == ["created", "message", "status"]
            # No bound against `position`: the status change is published to live streams just
            # after its 200, so it may come live (id > position) rather than from the replay.
            assert position >= last


def test_unknown_position_gets_a_reset(server, agent):
    with EventStream(agent, STREAM, {"Last-Event-ID": "999999999"}) as s:
        position = hello(s)
        f = s.next_frame()
        assert f["event"] == "reset" and f["data"]["last_event_id"] == position


def test_heartbeat_on_a_quiet_stream(make_server):
    srv = make_server(env={"HELPDESK_EVENTS_HEARTBEAT": "300ms"})
    c = srv.client()
    expect(c.login("agent@x.test", PASSWORD), 200)
    with EventStream(c) as s:
        hello(s)
        deadline = time.monotonic() + 5
        while "heartbeat" not in s.comments and time.monotonic() < deadline:
            try:
                s.next_frame(timeout=0.5)
            except TimeoutError:
                pass
        assert "heartbeat" in s.comments


# -- notifications ----------------------------------------------------------------------------

def test_assignment_notifies_only_the_assignee(server, agent, supervisor, admin, user_ids):
    t = new_ticket(admin)
    with EventStream(agent) as mine, EventStream(supervisor) as other:
        hello(mine)
        hello(other)
        r = admin.patch(f"/api/v1/tickets/{t['id']}", {"assignee_id": user_ids["agent"]},
                        headers={"If-Match": f'"{t["version"]}"'})
        expect(r, 200)
        frames = mine.frames_until(lambda f: f["event"] == "notification")
        n = frames[-1]
        assert n["data"]["kind"] == "assigned" and n["data"]["ticket_id"] == t["id"]
        assert n["data"]["subject"] == t["subject"]
        assigned = [f for f in frames if f["event"] == "ticket" and f["data"]["type"] == "assigned"]
        assert assigned and n["id"] == assigned[-1]["id"], "the notification carries its event's id"
        # The supervisor sees the ticket event but no notification.
        seen = other.frames_until(lambda f: f["event"] == "ticket" and f["data"]["type"] == "assigned"
                                  and f["data"]["ticket_id"] == t["id"])
        assert not [f for f in seen if f["event"] == "notification"]
        # A marker event proves nothing else was queued for the supervisor in between.
        marker = new_ticket(admin)
        seen = other.frames_until(lambda f: f["event"] == "ticket" and f["data"]["ticket_id"] == marker["id"])
        assert not [f for f in seen if f["event"] == "notification"]


def test_assigning_yourself_is_no_notification(server, agent, user_ids, admin):
    t = new_ticket(admin)
    with EventStream(agent) as s:
        hello(s)
        r = agent.patch(f"/api/v1/tickets/{t['id']}", {"assignee_id": user_ids["agent"]},
                        headers={"If-Match": f'"{t["version"]}"'})
        expect(r, 200)
        marker = new_ticket(admin)
        frames = s.frames_until(lambda f: f["event"] == "ticket" and f["data"]["ticket_id"] == marker["id"])
        assert not [f for f in frames if f["event"] == "notification"]


def test_customer_reopening_my_ticket_notifies_me(server, agent, admin, user_ids):
    t = new_ticket(admin, assignee_id=user_ids["agent"])
    expect(admin.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    with EventStream(agent) as s:
        hello(s)
        expect(admin.post(f"/api/v1/tickets/{t['id']}/messages",
                          {"body": "Still broken", "author": "customer"}), 201)
        n = s.frames_until(lambda f: f["event"] == "notification")[-1]
        assert n["data"]["kind"] == "reopened" and n["data"]["ticket_id"] == t["id"]
        assert n["data"]["reason"] == "customer_message"
    # The polling fallback reports the same notification to the assignee only.
    after = int(n["id"]) - 1
    mine = expect(agent.get("/api/v1/events", params={"after": after}), 200)
    assert [x["kind"] for x in mine["notifications"]] == ["reopened"]
    theirs = expect(admin.get("/api/v1/events", params={"after": after}), 200)
    assert theirs["notifications"] == []


# -- polling fallback -------------------------------------------------------------------------

def test_polling_pages_through_events(server, agent, admin):
    start = expect(agent.get("/api/v1/events"), 200)
    assert start["items"] == [] and start["notifications"] == [] and start["more"] is False
    position = start["last_event_id"]
    tickets = [new_ticket(admin) for _ in range(3)]
    page = expect(agent.get("/api/v1/events", params={"after": position, "limit": 2}), 200)
    assert len(page["items"]) == 2 and page["more"] is True
    seen = list(page["items"])
    while page["more"]:
        page = expect(agent.get("/api/v1/events", params={"after": page["last_event_id"], "limit": 2}), 200)
        seen += page["items"]
    ids = [e["id"] for e in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) and ids[0] > position
    mine = {t["id"] for t in tickets}
    assert {e["ticket_id"] for e in seen} >= mine
    assert all(e["ticket"]["status"] for e in seen)
    assert page["last_event_id"] == ids[-1]
    empty = expect(agent.get("/api/v1/events", params={"after": ids[-1]}), 200)
    assert empty["items"] == [] and empty["last_event_id"] == ids[-1]


@pytest.mark.parametrize("params", [{"after": "x"}, {"after": -1}, {"limit": 0}, {"limit": 1001},
                                    {"after": 0, "what": 1}])
def test_polling_refuses_bad_parameters(agent, params):
    problem(agent.get("/api/v1/events", params=params), 400, "invalid_query")


# -- presence on the stream -------------------------------------------------------------------

def test_presence_changes_are_streamed(server, agent, supervisor, admin):
    t = new_ticket(admin)
    with EventStream(supervisor) as s:
        hello(s)
        expect(agent.post(f"/api/v1/tickets/{t['id']}/presence", {"replying": False}), 200)
        f = s.frames_until(lambda f: f["event"] == "presence" and f["data"]["ticket_id"] == t["id"])[-1]
        assert f["id"] is None, "presence has no id: nothing to resume"
        assert [v["name"] for v in f["data"]["viewers"]] == ["Agent"]
        assert f["data"]["viewers"][0]["replying"] is False
        expect(agent.post(f"/api/v1/tickets/{t['id']}/presence", {"replying": True}), 200)
        f = s.frames_until(lambda f: f["event"] == "presence" and f["data"]["ticket_id"] == t["id"])[-1]
        assert f["data"]["viewers"][0]["replying"] is True
        expect(agent.delete(f"/api/v1/tickets/{t['id']}/presence"), 204)
        f = s.frames_until(lambda f: f["event"] == "presence" and f["data"]["ticket_id"] == t["id"])[-1]
        assert f["data"]["viewers"] == []


# -- a slow client ----------------------------------------------------------------------------

def metric(srv, name: str) -> float:
    text = srv.client().get("/metrics").body.decode()
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{}"):
            return float(line.split()[-1])
    raise AssertionError(f"no {name} in /metrics")


def test_a_slow_client_is_dropped_and_the_others_get_everything(make_server):
    srv = make_server(env={"HELPDESK_EVENTS_QUEUE_LIMIT": "16", "HELPDESK_EVENTS_WRITE_TIMEOUT": "1s"})
    admin = srv.client()
    expect(admin.login("admin@x.test", PASSWORD), 200)
    agent = srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    assert metric(srv, "helpdesk_event_streams") == 0

    # The slow client: a tiny receive buffer, and it never reads.
    slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    slow.connect((srv.host, srv.port))
    cookie = "; ".join(f"{k}={v}" for k, v in agent.cookies.items())
    slow.sendall(f"GET {STREAM} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n".encode())
    try:
        created = []
        with EventStream(agent) as fast:
            hello(fast)
            deadline = time.monotonic() + 60
            while metric(srv, "helpdesk_event_stream_drops_total") < 1:
                assert time.monotonic() < deadline, "the slow client was never dropped"
                for i in range(10):
                    created.append(new_ticket(admin, subject=f"Flood {len(created)} " + "x" * 200)["id"])
            assert metric(srv, "helpdesk_event_streams") == 1, "only the fast client is left"
            # The fast one was never held up: it has every change, in order.
            frames = fast.frames_until(lambda f: f["event"] == "ticket" and f["data"]["ticket_id"] == created[-1]
                                       and f["data"]["type"] == "message", timeout=30)
            ticket_frames = [f for f in frames if f["event"] == "ticket"]
            assert set(created) <= {f["data"]["ticket_id"] for f in ticket_frames}
            ids = [int(f["id"]) for f in ticket_frames]
            assert ids == sorted(ids)
        # A dropped client resumes with Last-Event-ID and loses nothing (the last 40 here: a
        # longer gap than 1,000 events is a `reset`, tested above).
        tail = ids[-40:]
        with EventStream(agent, STREAM, {"Last-Event-ID": str(tail[0] - 1)}) as again:
            hello(again)
            frames = again.frames_until(lambda f: f["event"] == "ticket" and f["data"]["ticket_id"] == created[-1]
                                        and f["data"]["type"] == "message", timeout=30)
            assert [int(f["id"]) for f in frames if f["event"] == "ticket"] == tail
    finally:
        slow.close()
