"""What supervisors act on (issue 15, server side): the review queue of bad survey answers and
reopens with its root causes, customers at risk with outreach, recognition and kudos.
(API.md "What to act on".)

The surveys go out through a real SMTP server (aiosmtpd on loopback), as in test_satisfaction;
the delay is 1 s. Each test uses fresh customers and tickets, so tests don't see each other's
items except in counts they don't assert on.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from harness import PASSWORD, expect, get_ticket, invalid, new_ticket, problem, uniq
from smtp_sink import SmtpSink
from sse_client import EventStream
from test_satisfaction import customer, start_loop, survey_token

REOPEN_AT_OR_BELOW = 2


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def bad_query(resp, field: str) -> dict:
    p = problem(resp, 400, "invalid_query")
    fields = [e.get("field") for e in p.get("errors", [])]
    assert field in fields or field in p["detail"], f"no error about {field!r}: {p}"
    return p


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    sink = SmtpSink().start()
    lp = None
    try:
        lp = start_loop(tmp_path_factory.mktemp("review"), sink)
        yield lp
        lp.srv.stop()
    finally:
        if lp is not None:
            lp.srv.kill_quietly()
        sink.stop()


def answered(loop, csat: int, resolved: bool, comment: str = "") -> dict:
    """A ticket resolved by agent@x.test whose survey the customer answered as given."""
    t, _ = loop.resolved_ticket(subject=uniq("Survey "))
    token = survey_token(loop.survey_mail(t["customer"]["email"]))
    body = {"csat": csat, "resolved": resolved}
    if comment:
        body["comment"] = comment
    expect(loop.anon.post(f"/api/v1/surveys/{token}", body), 200)
    t["token"] = token
    return t


def items_of(client, tid: int, **params) -> list[dict]:
    """Every review item of ticket `tid` (walking all pages)."""
    found, after = [], None
    while True:
        q = "&".join(f"{k}={v}" for k, v in {**params, "limit": 200,
                                             **({"after": after} if after else {})}.items())
        page = expect(client.get(f"/api/v1/reviews?{q}"), 200)
        found += [i for i in page["items"] if i["ticket"]["id"] == tid]
        after = page["next_after"]
        if after is None:
            return found


# ------------------------------------------------------------------------ the review queue


def test_a_bad_answer_makes_exactly_one_review_item(loop):
    agent_id = loop.users["agent@x.test"]["id"]
    t = answered(loop, 1, True, comment="Slow and unhelpful.")
    assert get_ticket(loop.agent, t["id"])["status"] == "open", "a bad answer reopens the ticket"
    items = items_of(loop.supervisor, t["id"])
    assert len(items) == 1, f"one bad answer, one item (not one more for its reopen): {items}"
    item = items[0]
    assert item["reason"] == "bad_rating" and item["state"] == "open"
    assert item["ticket"] == {"id": t["id"], "subject": t["subject"]}
    assert item["customer"]["email"] == t["customer"]["email"]
    assert item["agent"] == {"id": agent_id, "name": loop.users["agent@x.test"]["name"]}
    assert item["score"]["csat"] == 1 and item["score"]["resolved"] is True
    assert item["comment"] == "Slow and unhelpful."
    assert item["cause"] is None and item["reviewed_by"] is None and item["reviewed_at"] is None
    assert expect(loop.supervisor.get(f"/api/v1/reviews/{item['id']}"), 200) == item

    # Answering again is refused and adds nothing.
    problem(loop.anon.post(f"/api/v1/surveys/{t['token']}", {"csat": 1, "resolved": False}), 409)
    assert items_of(loop.supervisor, t["id"]) == [item]


def test_not_resolved_and_good_answers(loop):
    t = answered(loop, 4, False)
    items = items_of(loop.supervisor, t["id"])
    assert [i["reason"] for i in items] == ["not_resolved"]
    assert items[0]["comment"] is None and items[0]["score"]["resolved"] is False

    good = answered(loop, REOPEN_AT_OR_BELOW + 1, True)
    assert items_of(loop.supervisor, good["id"]) == [], "a good answer is not reviewed"
    assert get_ticket(loop.agent, good["id"])["status"] == "closed"


def test_each_reopen_of_a_new_resolution_is_one_item(loop):
    t = new_ticket(loop.agent, customer=customer())
    tid = t["id"]
    expect(loop.agent.post(f"/api/v1/tickets/{tid}/messages", {"body": "Try this."}), 201)
    expect(loop.agent.post(f"/api/v1/tickets/{tid}/status", {"status": "resolved"}), 200)
    # The customer writes back: a reopen of resolution 1.
    expect(loop.agent.post(f"/api/v1/tickets/{tid}/messages",
                           {"body": "Still broken.", "author": "customer"}), 201)
    items = items_of(loop.supervisor, tid)
    assert [(i["reason"], i["episode"]) for i in items] == [("reopen", 1)]
    assert items[0]["score"] is None and items[0]["comment"] is None
    assert items[0]["agent"]["id"] == loop.users["agent@x.test"]["id"]
    # Resolved again and reopened by an agent: resolution 2 did not stick either.
    expect(loop.agent.post(f"/api/v1/tickets/{tid}/status", {"status": "resolved"}), 200)
    expect(loop.agent.post(f"/api/v1/tickets/{tid}/status", {"status": "open"}), 200)
    items = items_of(loop.supervisor, tid)
    assert sorted((i["reason"], i["episode"]) for i in items) == [("reopen", 1), ("reopen", 2)]


def test_review_an_item(loop):
    t = answered(loop, 2, True, comment="Wrong answer twice.")
    [item] = items_of(loop.supervisor, t["id"])
    causes = expect(loop.supervisor.get("/api/v1/review-causes"), 200)["items"]
    wrong = next(c for c in causes if c["name"] == "wrong answer")
    sup_id = loop.users["supervisor@x.test"]["id"]

    # Bad input is refused and changes nothing.
    url = f"/api/v1/reviews/{item['id']}"
    invalid(loop.supervisor.patch(url, {"cause_id": 999999}), "cause_id")
    invalid(loop.supervisor.patch(url, {"state": "done"}), "state")
    invalid(loop.supervisor.patch(url, {"reviewed": True}), "reviewed")
    invalid(loop.supervisor.patch(url, {"action_taken": "x" * 5001}), "action_taken")
    invalid(loop.supervisor.patch(url, {}))
    assert expect(loop.supervisor.get(url), 200) == item
    problem(loop.supervisor.patch("/api/v1/reviews/999999", {"state": "reviewed"}), 404)
    problem(loop.agent.patch(url, {"state": "reviewed"}), 403)
    assert expect(loop.supervisor.get(url), 200) == item

    done = expect(loop.supervisor.patch(url, {"cause_id": wrong["id"], "state": "reviewed",
                                              "action_taken": "Coached on the printer FAQ."}), 200)
    assert done["state"] == "reviewed" and done["cause"] == {"id": wrong["id"], "name": "wrong answer"}
    assert done["action_taken"] == "Coached on the printer FAQ."
    assert done["reviewed_by"]["id"] == sup_id and done["reviewed_at"]
    assert items_of(loop.supervisor, t["id"], state="reviewed") == [done]
    assert items_of(loop.supervisor, t["id"], state="open") == []
    assert items_of(loop.supervisor, t["id"], cause=wrong["id"]) == [done]

    # Open again: who and when are cleared, the cause stays until cleared.
    again = expect(loop.supervisor.patch(url, {"state": "open", "cause_id": None}), 200)
    assert again["state"] == "open" and again["reviewed_by"] is None and again["reviewed_at"] is None
    assert again["cause"] is None and again["action_taken"] == "Coached on the printer FAQ."


def test_review_list_input_and_roles(loop):
    for params, field in [("state=closed", "state"), ("limit=0", "limit"), ("cause=abc", "cause"),
                          ("after=-1", "after"), ("colour=red", "colour")]:
        bad_query(loop.supervisor.get(f"/api/v1/reviews?{params}"), field)
    problem(loop.agent.get("/api/v1/reviews"), 403)
    problem(loop.srv.client().get("/api/v1/reviews"), 401)
    problem(loop.supervisor.get("/api/v1/reviews/999999"), 404)
    # Admins may do what supervisors may.
    expect(loop.admin.get("/api/v1/reviews?state=open&limit=5"), 200)


def test_root_causes_are_an_editable_list(loop):
    names = {c["name"] for c in expect(loop.supervisor.get("/api/v1/review-causes"), 200)["items"]}
    assert {"slow answer", "wrong answer", "product bug", "policy"} <= names
    name = uniq("cause ")
    made = expect(loop.supervisor.post("/api/v1/review-causes", {"name": name}), 201)
    assert made["name"] == name and made["items"] == 0
    problem(loop.supervisor.post("/api/v1/review-causes", {"name": name.upper()}), 409, "conflict")
    invalid(loop.supervisor.post("/api/v1/review-causes", {"name": ""}), "name")
    invalid(loop.supervisor.post("/api/v1/review-causes", {"name": "x" * 81}), "name")
    invalid(loop.supervisor.post("/api/v1/review-causes", {}), "name")
    problem(loop.agent.post("/api/v1/review-causes", {"name": uniq("nope ")}), 403)
    renamed = expect(loop.supervisor.patch(f"/api/v1/review-causes/{made['id']}",
                                           {"name": name + " renamed"}), 200)
    assert renamed["name"] == name + " renamed"
    problem(loop.supervisor.patch(f"/api/v1/review-causes/{made['id']}", {"name": "policy"}),
            409, "conflict")

    # In use: can't be deleted.
    t = answered(loop, 1, False)
    [item] = items_of(loop.supervisor, t["id"])
    expect(loop.supervisor.patch(f"/api/v1/reviews/{item['id']}", {"cause_id": made["id"]}), 200)
    problem(loop.supervisor.delete(f"/api/v1/review-causes/{made['id']}"), 409, "conflict")
    causes = expect(loop.supervisor.get("/api/v1/review-causes"), 200)["items"]
    assert next(c for c in causes if c["id"] == made["id"])["items"] == 1
    # Untagged: now it can.
    expect(loop.supervisor.patch(f"/api/v1/reviews/{item['id']}", {"cause_id": None}), 200)
    assert loop.supervisor.delete(f"/api/v1/review-causes/{made['id']}").status == 204
    problem(loop.supervisor.delete(f"/api/v1/review-causes/{made['id']}"), 404)
    problem(loop.agent.delete("/api/v1/review-causes/1"), 403)


def test_root_cause_counts_and_trend(loop):
    causes = expect(loop.supervisor.get("/api/v1/review-causes"), 200)["items"]
    bug = next(c for c in causes if c["name"] == "product bug")
    t = answered(loop, 1, True)
    [item] = items_of(loop.supervisor, t["id"])
    now = datetime.now(timezone.utc)
    params = f"from={iso(now - timedelta(days=2))}&to={iso(now + timedelta(days=1))}&interval=day"
    before = expect(loop.supervisor.get(f"/api/v1/reviews/causes/stats?{params}"), 200)
    expect(loop.supervisor.patch(f"/api/v1/reviews/{item['id']}", {"cause_id": bug["id"]}), 200)
    after = expect(loop.supervisor.get(f"/api/v1/reviews/causes/stats?{params}"), 200)
    assert after["interval"] == "day" and after["tz"] == "UTC"
    assert after["total"] == before["total"], "tagging moves an item between causes"

    def row(stats, cause_id):
        return next(r for r in stats["causes"]
                    if (r["cause"] or {}).get("id") == cause_id)
    assert row(after, bug["id"])["count"] == row(before, bug["id"])["count"] + 1
    assert row(after, None)["count"] == row(before, None)["count"] - 1
    series = row(after, bug["id"])["series"]
    assert len(series) == 4 and sum(p["count"] for p in series) == row(after, bug["id"])["count"]
    assert {r["cause"]["name"] for r in after["causes"] if r["cause"]} >= {"slow answer", "policy"}

    base = "/api/v1/reviews/causes/stats"
    bad_query(loop.supervisor.get(f"{base}?to={iso(now)}"), "from")
    bad_query(loop.supervisor.get(f"{base}?from={iso(now)}&to={iso(now)}"), "to")
    bad_query(loop.supervisor.get(f"{base}?{params}&interval=year"), "interval")
    bad_query(loop.supervisor.get(f"{base}?{params}&tz=Mars/Olympus"), "tz")
    bad_query(loop.supervisor.get(f"{base}?from=yesterday&to={iso(now)}"), "from")
    problem(loop.agent.get(f"{base}?{params}"), 403)


# --------------------------------------------------------------------- customers at risk


def test_a_bad_answer_puts_its_customer_at_risk(loop):
    t = answered(loop, 1, True)
    cid = t["customer"]["id"]
    listing = expect(loop.supervisor.get("/api/v1/customers/at-risk?days=30&limit=200"), 200)
    assert listing["days"] == 30 and listing["weights"]["bad_rating"] == 3
    entry = next(e for e in listing["items"] if e["customer"]["id"] == cid)
    reasons = {r["reason"]: r for r in entry["reasons"]}
    assert reasons["bad_rating"]["ticket_ids"] == [t["id"]] and reasons["bad_rating"]["count"] == 1
    assert "reopen" not in reasons, "a survey's reopen is counted as its bad rating, not twice"
    assert entry["score"] == sum(r["weight"] * r["count"] for r in entry["reasons"])
    assert entry["last_outreach"] is None
    scores = [e["score"] for e in listing["items"]]
    assert scores == sorted(scores, reverse=True)

    # A customer's reopen counts as well.
    expect(loop.agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    expect(loop.agent.post(f"/api/v1/tickets/{t['id']}/messages",
                           {"body": "No, it is not fixed.", "author": "customer"}), 201)
    listing = expect(loop.supervisor.get("/api/v1/customers/at-risk?limit=200"), 200)
    entry = next(e for e in listing["items"] if e["customer"]["id"] == cid)
    assert {r["reason"] for r in entry["reasons"]} == {"bad_rating", "reopen"}
    assert entry["score"] == 3 + 2

    # Outreach is recorded on the customer and shown in the entry.
    url = f"/api/v1/customers/{cid}/outreach"
    invalid(loop.supervisor.post(url, {"note": "Called.", "outcome": "happy"}), "outcome")
    invalid(loop.supervisor.post(url, {"note": "Called."}), "outcome")
    invalid(loop.supervisor.post(url, {"note": "", "outcome": "reached"}), "note")
    invalid(loop.supervisor.post(url, {"note": "x", "outcome": "reached", "extra": 1}), "extra")
    problem(loop.agent.post(url, {"note": "Called.", "outcome": "reached"}), 403)
    problem(loop.supervisor.post("/api/v1/customers/999999/outreach",
                                 {"note": "Called.", "outcome": "reached"}), 404)
    assert expect(loop.supervisor.get(url), 200)["items"] == []
    first = expect(loop.supervisor.post(url, {"note": "No answer.", "outcome": "no_answer"}), 201)
    second = expect(loop.supervisor.post(url, {"note": "Talked, sent a fix.", "outcome": "saved"}), 201)
    assert second["by"]["id"] == loop.users["supervisor@x.test"]["id"] and second["created_at"]
    assert expect(loop.supervisor.get(url), 200)["items"] == [second, first]
    page = expect(loop.supervisor.get(f"{url}?limit=1"), 200)
    assert page["items"] == [second] and page["next_before"] == second["id"]
    assert expect(loop.supervisor.get(f"{url}?limit=1&before={second['id']}"), 200)["items"] == [first]
    listing = expect(loop.supervisor.get("/api/v1/customers/at-risk?limit=200"), 200)
    entry = next(e for e in listing["items"] if e["customer"]["id"] == cid)
    assert entry["last_outreach"] == second


def test_at_risk_input_and_roles(loop):
    for params, field in [("days=0", "days"), ("days=366", "days"), ("waiting_hours=0", "waiting_hours"),
                          ("limit=201", "limit"), ("days=ten", "days"), ("who=all", "who")]:
        bad_query(loop.supervisor.get(f"/api/v1/customers/at-risk?{params}"), field)
    problem(loop.agent.get("/api/v1/customers/at-risk"), 403)
    problem(loop.srv.client().get("/api/v1/customers/at-risk"), 401)
    problem(loop.agent.get("/api/v1/customers/1/outreach"), 403)
    problem(loop.supervisor.get("/api/v1/customers/999999/outreach"), 404)
    # The customer routes of the workspace still answer as before.
    c = expect(loop.agent.post("/api/v1/customers", customer()), 201)
    assert expect(loop.agent.get(f"/api/v1/customers/{c['id']}"), 200)["id"] == c["id"]


def test_a_long_wait_counts_when_past_the_threshold(loop):
    t = new_ticket(loop.agent, customer=customer())
    cid = t["customer"]["id"]
    listing = expect(loop.supervisor.get("/api/v1/customers/at-risk?limit=200&waiting_hours=1"), 200)
    assert all(e["customer"]["id"] != cid for e in listing["items"]), "a fresh ticket is no risk"


# ------------------------------------------------------------------- recognition and kudos


def test_recognition_uses_the_kpi_figures(loop):
    answered(loop, 5, True)
    now = datetime.now(timezone.utc)
    period = f"from={iso(now - timedelta(days=1))}&to={iso(now + timedelta(minutes=1))}"
    got = expect(loop.supervisor.get(f"/api/v1/recognition?{period}"), 200)
    kpis = expect(loop.supervisor.get(f"/api/v1/kpis?{period}&group_by=agent"), 200)
    agent_id = loop.users["agent@x.test"]["id"]
    mine = next(i for i in got["items"] if i["agent"]["id"] == agent_id)
    figures = next(g["figures"] for g in kpis["groups"] if (g["key"] or {}).get("id") == agent_id)
    for name in ("csat", "one_touch_rate"):
        for key in ("value", "n", "ci", "low_confidence"):
            assert mine[name][key] == figures[name][key], (name, key)
    assert mine["first_response"]["calendar"]["median"] == figures["first_response"]["calendar"]["median"]
    assert mine["first_response"]["calendar"]["n"] == figures["first_response"]["calendar"]["n"]
    assert mine["csat"]["n"] >= 1
    # Fewer than 30 answers: listed, never ranked.
    assert got["min_n_to_rank"] == 30
    assert all(i["rank_group"] is None for i in got["items"] if i["csat"]["n"] < 30)

    # An agent sees their own line only.
    own = expect(loop.agent.get(f"/api/v1/recognition?{period}"), 200)
    assert [i["agent"]["id"] for i in own["items"]] == [agent_id]
    assert own["items"][0] == mine

    bad_query(loop.supervisor.get("/api/v1/recognition?from=soon"), "from")
    bad_query(loop.supervisor.get(f"/api/v1/recognition?from={iso(now)}&to={iso(now)}"), "to")
    bad_query(loop.supervisor.get("/api/v1/recognition?group_by=agent"), "group_by")
    problem(loop.srv.client().get("/api/v1/recognition"), 401)


def test_kudos(loop):
    agent_id = loop.users["agent@x.test"]["id"]
    t = new_ticket(loop.agent, customer=customer())
    with EventStream(loop.agent) as stream:
        assert stream.status == 200
        stream.frames_until(lambda f: f["event"] == "hello")
        k = expect(loop.supervisor.post("/api/v1/kudos", {
            "agent_id": agent_id, "message": "Great save on the printer!", "ticket_id": t["id"]}), 201)
        frames = stream.frames_until(lambda f: f["event"] == "kudos")
        assert frames[-1]["data"] == k and frames[-1]["id"] is None
    assert k["agent"]["id"] == agent_id and k["from"]["id"] == loop.users["supervisor@x.test"]["id"]
    assert k["ticket_id"] == t["id"] and k["message"] == "Great save on the printer!"

    mine = expect(loop.agent.get("/api/v1/kudos?agent=me"), 200)["items"]
    assert mine[0] == k
    assert expect(loop.agent.get("/api/v1/kudos"), 200)["items"][0] == k
    assert expect(loop.agent.get(f"/api/v1/kudos?agent={agent_id}"), 200)["items"][0] == k
    assert any(i["id"] == k["id"] for i in expect(loop.supervisor.get("/api/v1/kudos"), 200)["items"])
    other = loop.users["supervisor@x.test"]["id"]
    problem(loop.agent.get(f"/api/v1/kudos?agent={other}"), 403)
    assert all(i["agent"]["id"] == other
               for i in expect(loop.supervisor.get(f"/api/v1/kudos?agent={other}"), 200)["items"])
    bad_query(loop.agent.get("/api/v1/kudos?agent=everyone"), "agent")
    bad_query(loop.agent.get("/api/v1/kudos?limit=0"), "limit")

    count = len(expect(loop.supervisor.get("/api/v1/kudos?limit=200"), 200)["items"])
    problem(loop.agent.post("/api/v1/kudos", {"agent_id": agent_id, "message": "Me!"}), 403)
    invalid(loop.supervisor.post("/api/v1/kudos", {"agent_id": 999999, "message": "Hi"}), "agent_id")
    invalid(loop.supervisor.post("/api/v1/kudos", {"agent_id": agent_id, "message": "Hi",
                                                   "ticket_id": 999999}), "ticket_id")
    invalid(loop.supervisor.post("/api/v1/kudos", {"agent_id": agent_id}), "message")
    invalid(loop.supervisor.post("/api/v1/kudos", {"message": "Hi"}), "agent_id")
    invalid(loop.supervisor.post("/api/v1/kudos", {"agent_id": "me", "message": "Hi"}), "agent_id")
    invalid(loop.supervisor.post("/api/v1/kudos", {"agent_id": agent_id, "message": "x" * 2001}),
            "message")
    assert len(expect(loop.supervisor.get("/api/v1/kudos?limit=200"), 200)["items"]) == count
