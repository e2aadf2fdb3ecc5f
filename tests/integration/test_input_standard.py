"""Every form and JSON input meets one standard (issue 10): valid UTF-8, no control
characters, numbers that are numbers, in range. A refusal is a clear 400/422 and stores
nothing, so nothing stored can break a reader or a job afterwards."""
from __future__ import annotations

import urllib.parse

import pytest

from harness import expect, invalid, new_ticket, problem, snapshot
from test_satisfaction import (loop, page, sent_survey, staff_mails_about,  # noqa: F401
                               survey_token)

BAD_SURVEY_FORMS = [
    pytest.param(b"csat=five&resolved=yes", id="csat-word"),
    pytest.param(b"csat=4.5&resolved=yes", id="csat-fraction"),
    pytest.param(b"csat=%2B4&resolved=yes", id="csat-plus-sign"),
    pytest.param(b"csat=4&resolved=yes&nps=ten", id="nps-word"),
    pytest.param(b"csat=4&resolved=yes&ces=1e1", id="ces-exponent"),
    pytest.param(b"csat=4&resolved=yes&nps=99999999999999999999", id="nps-overflow"),
    pytest.param(b"csat=4&csat=1&resolved=yes", id="csat-twice"),
    pytest.param(b"csat=4&resolved=yes&comment=%FF%FEbad", id="comment-invalid-utf8"),
    pytest.param(b"csat=4&resolved=yes&comment=%C3%28", id="comment-broken-sequence"),
    pytest.param(b"csat=4&resolved=yes&comment=a%00b", id="comment-nul"),
    pytest.param(b"csat=4&resolved=yes&comment=%1B%5B31m", id="comment-escape"),
    pytest.param(b"csat=4&resolved=%FF", id="resolved-invalid-utf8"),
]


@pytest.mark.parametrize("raw", BAD_SURVEY_FORMS)
def test_bad_survey_form_is_refused_and_stores_nothing(loop, sent_survey, raw):
    t, token = sent_survey
    before = snapshot(loop.agent, t["id"])
    r = loop.anon.request("POST", f"/survey/{token}", body=raw, headers={
        "Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status in (400, 422), r
    assert r.content_type == "text/html", r
    assert snapshot(loop.agent, t["id"]) == before
    assert loop.survey(token)["state"] == "sent"


def test_after_refusals_a_good_answer_with_a_comment_reaches_everyone(loop):
    t, _ = loop.resolved_ticket(subject="Still broken")
    token = survey_token(loop.survey_mail(t["customer"]["email"]))
    bad = b"csat=1&resolved=no&comment=%FF" + urllib.parse.quote("not fixed").encode()
    assert loop.anon.request("POST", f"/survey/{token}", body=bad, headers={
        "Content-Type": "application/x-www-form-urlencoded"}).status == 400
    good = page(loop.anon, "POST", f"/survey/{token}",
                {"csat": "1", "resolved": "no", "comment": "Still not fixed – ärgerlich"})
    assert good.status == 200, good
    events = expect(loop.agent.get(f"/api/v1/tickets/{t['id']}/events"), 200)["items"]
    assert any("ärgerlich" in str(e["data"]) for e in events), events
    # The supervisors' notification carries the comment and doesn't fail.
    m = loop.sink.wait_for(staff_mails_about(t["id"], {"agent@x.test"}))[0]
    assert "ärgerlich" in m.text
    assert not [j for j in expect(loop.admin.get("/api/v1/jobs", params={"state": "dead"}),
                                  200)["items"] if j["payload"].get("ticket_id") == t["id"]]


def test_survey_json_comment_with_control_characters_is_refused(loop, sent_survey):
    t, token = sent_survey
    before = snapshot(loop.agent, t["id"])
    for comment in ("a\u0000b", "\u001b[2J", "bell\u0007"):
        invalid(loop.anon.post(f"/api/v1/surveys/{token}",
                               {"csat": 4, "resolved": True, "comment": comment}), "comment")
    assert snapshot(loop.agent, t["id"]) == before


CONTROL_TEXTS = ["nul\u0000inside", "escape\u001b[31m", "del\u007f"]


@pytest.mark.parametrize("text", CONTROL_TEXTS, ids=["nul", "escape", "del"])
def test_json_text_fields_refuse_control_characters(loop, text):
    agent = loop.agent
    c = {"email": "ctl@customer.test", "name": "Ctl"}
    invalid(agent.post("/api/v1/tickets", {"subject": text, "body": "b", "customer": c}), "subject")
    invalid(agent.post("/api/v1/tickets", {"subject": "s", "body": text, "customer": c}), "body")
    invalid(agent.post("/api/v1/tickets", {"subject": "s", "body": "b",
                                           "customer": {**c, "name": text}}), "name")
    t = new_ticket(agent)
    invalid(agent.post(f"/api/v1/tickets/{t['id']}/messages", {"body": text}), "body")
    invalid(agent.patch(f"/api/v1/customers/{t['customer']['id']}", {"name": text}), "name")
    invalid(loop.admin.post("/api/v1/teams", {"name": text}), "name")


def test_message_text_keeps_tabs_and_line_breaks(loop):
    t = new_ticket(loop.agent, body="line one\r\nline two\n\tindented")
    msgs = expect(loop.agent.get(f"/api/v1/tickets/{t['id']}/messages"), 200)["items"]
    assert msgs[0]["body"] == "line one\r\nline two\n\tindented"


@pytest.mark.parametrize("query", ["q=a%00b", "q=%FF%FE", "tag=a%00", "customer=%00@x.test",
                                   "limit=ten", "limit=5&limit=6", "team=1.5", "cursor=%00"])
def test_bad_query_values_are_400(loop, query):
    problem(loop.agent.get("/api/v1/tickets?" + query), 400, "invalid_query")


def test_many_bad_fields_give_a_small_answer(loop):
    body = {f"unknown{i}": i for i in range(20000)}
    r = loop.agent.post("/api/v1/tickets", body)
    p = invalid(r)
    assert len(p["errors"]) <= 10 and p["error_count"] >= 20000
    assert len(r.body) < 4000, f"{len(r.body)} bytes of errors"
    params = "&".join(f"x{i}=1" for i in range(2000))
    r = loop.agent.get("/api/v1/tickets?" + params)
    p = problem(r, 400, "invalid_query")
    assert len(p["errors"]) <= 10 and p["error_count"] >= 2000
    assert len(r.body) < 4000
