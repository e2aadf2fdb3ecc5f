"""The satisfaction follow-up, end to end against a real SMTP server (aiosmtpd on loopback):
resolve -> after the delay a survey mail -> the customer answers on the page or the API -> the
ticket closes or reopens; reopen before the delay, mail server outages, restarts, dead jobs,
bad and expired tokens, opt-out. (Issue "ask every customer how it went"; KPIS.md
"Satisfaction"; API.md "Surveys" and "Jobs".)

Timing: the survey delay is 1 s, job retries start at 1 s and stay under 2 s; every wait polls
with a deadline. Mails are told apart by recipient (each test uses fresh customer addresses)
and by the survey link they carry, so mails of other kinds (acknowledgements, replies) don't
disturb the counts.
"""
from __future__ import annotations

import re
import signal
import threading
import time
import urllib.parse
from typing import Callable

import pytest

from harness import (PASSWORD, Client, Server, boot, expect, get_ticket, invalid,
                     new_ticket, problem, settle_jobs, snapshot, uniq)
from smtp_sink import Received, SmtpSink

FROM_ADDRESS = "help@support.test"
MAIL_DOMAIN = "support.test"
PUBLIC_URL = "https://help.example.test"  # links point here; the tests call the real port
DELAY_S = 1.0
SURVEY_LINK = re.compile(re.escape(PUBLIC_URL) + r"/survey/([A-Za-z0-9_\-]+)")


def server_env(sink: SmtpSink, **extra: str) -> dict[str, str]:
    env = {
        "HELPDESK_MAIL_SMTP_URL": sink.url,
        "HELPDESK_MAIL_FROM": f"Helpdesk <{FROM_ADDRESS}>",
        "HELPDESK_SERVER_PUBLIC_URL": PUBLIC_URL,
        "HELPDESK_SURVEY_DELAY": "1s",
        "HELPDESK_SURVEY_REMINDER_AFTER": "1h",
        "HELPDESK_SURVEY_EXPIRE_AFTER": "2h",
        "HELPDESK_SURVEY_REOPEN_AT_OR_BELOW": "2",
        "HELPDESK_JOBS_FIRST_RETRY": "1s",
        "HELPDESK_JOBS_MAX_RETRY": "2s",
    }
    env.update(extra)
    return env


# --------------------------------------------------------------------------------- helpers


def wait_until(check: Callable[[], object], timeout: float = 10, what: str = "condition",
               every: float = 0.1):
    """Polls `check` until it returns something truthy (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {got!r}")
        time.sleep(every)


def survey_token(m: Received) -> str | None:
    """The token of a survey mail (None for mails without a survey link); every survey link in
    the mail (text and HTML, rating buttons and opt-out) carries the same one."""
    tokens = set(SURVEY_LINK.findall(m.text + "\n" + m.html))
    assert len(tokens) <= 1, f"one mail, several survey tokens: {tokens}"
    return tokens.pop() if tokens else None


def survey_mails_to(address: str) -> Callable[[Received], bool]:
    return lambda m: address in m.rcpt_tos and survey_token(m) is not None


def staff_mails_about(tid: int, addresses: set[str]) -> Callable[[Received], bool]:
    return lambda m: bool(set(m.rcpt_tos) & addresses) and f"[#{tid}]" in m.subject


def customer() -> dict:
    return {"email": f"{uniq('c')}@customer.test", "name": "Cus Tomer"}


def resolve(client: Client, tid: int) -> dict:
    return expect(client.post(f"/api/v1/tickets/{tid}/status", {"status": "resolved"}), 200)


def page(anon: Client, method: str, path: str, form: dict | None = None):
    """A browser-like request for an HTML page; asserts it is HTML."""
    headers = {"Accept": "text/html"}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    r = anon.request(method, path, body=body, headers=headers)
    assert r.content_type == "text/html", f"{method} {path}: {r!r}"
    assert r.header("X-Request-Id")
    return r


def jobs(admin: Client, **params) -> list[dict]:
    return expect(admin.get("/api/v1/jobs", params=params or None), 200)["items"]


def check_job(admin: Client, tid: int) -> dict | None:
    """The newest satisfaction_check job of ticket `tid`."""
    for j in jobs(admin):
        if j["kind"] == "satisfaction_check" and j["payload"].get("ticket_id") == tid:
            return j
    return None


def event_types(client: Client, tid: int) -> list[str]:
    return [e["type"] for e in expect(client.get(f"/api/v1/tickets/{tid}/events"), 200)["items"]]


class Loop:
    """One helpdesk server wired to one SMTP sink, with logged-in staff clients."""

    def __init__(self, srv: Server, sink: SmtpSink):
        self.srv, self.sink = srv, sink
        self.admin = srv.client()
        expect(self.admin.login("admin@x.test"), 200)
        self.agent = srv.client()
        expect(self.agent.login("agent@x.test"), 200)
        self.supervisor = srv.client()
        expect(self.supervisor.login("supervisor@x.test"), 200)
        self.users = {u["email"]: u for u in expect(self.admin.get("/api/v1/users"), 200)["items"]}
        self.anon = srv.client()

    def resolved_ticket(self, **fields) -> tuple[dict, float]:
        """A new ticket, assigned to agent@x.test, answered by it and resolved; returns the
        ticket and the monotonic time just before the resolution."""
        fields.setdefault("customer", customer())
        fields.setdefault("assignee_id", self.users["agent@x.test"]["id"])
        t = new_ticket(self.agent, **fields)
        expect(self.agent.post(f"/api/v1/tickets/{t['id']}/messages",
                               {"body": "Unplug it, then plug it in again."}), 201)
        before = time.monotonic()
        return resolve(self.agent, t["id"]), before

    def survey_mail(self, address: str, timeout: float = 10) -> Received:
        """The one survey mail to `address`, once the server has recorded it as sent (the
        mail goes out first, then the survey and the ticket move to sent / follow_up)."""
        mails = self.sink.wait_for(survey_mails_to(address), timeout=timeout)
        assert len(mails) == 1, f"want one survey mail to {address}, got {mails}"
        token = survey_token(mails[0])
        wait_until(lambda: self.survey(token)["state"] != "preparing", timeout=5,
                   what="the survey to be recorded as sent")
        return mails[0]

    def survey(self, token: str) -> dict:
        return expect(self.anon.get(f"/api/v1/surveys/{token}"), 200)

    def customer_record(self, cid: int) -> dict:
        return expect(self.agent.get(f"/api/v1/customers/{cid}"), 200)


def start_loop(workdir, sink: SmtpSink, **env: str) -> Loop:
    srv = boot(workdir, server_env(sink, **env))
    try:
        return Loop(srv, sink)
    except BaseException:
        srv.kill_quietly()
        raise


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """The module's shared loop: delay 1 s, reminder and expiry hours away. Also has a second
    agent (agent2@x.test) who must not hear about tickets that aren't theirs."""
    sink = SmtpSink().start()
    lp = None
    try:
        lp = start_loop(tmp_path_factory.mktemp("satisfaction"), sink)
        expect(lp.admin.post("/api/v1/users", {"email": "agent2@x.test", "name": "Other Agent",
                                               "role": "agent", "password": PASSWORD}), 201)
        lp.users = {u["email"]: u for u in expect(lp.admin.get("/api/v1/users"), 200)["items"]}
        yield lp
        lp.srv.stop()
    finally:
        if lp is not None:
            lp.srv.kill_quietly()
        sink.stop()


@pytest.fixture
def private_loop(tmp_path):
    """Factory for a loop on its own server and SMTP sink (outages, restarts, other config)."""
    made: list[Loop] = []

    def make(sink_running: bool = True, **env: str) -> Loop:
        sink = SmtpSink()
        if sink_running:
            sink.start()
        try:
            lp = start_loop(tmp_path / f"loop{len(made)}", sink, **env)
        except BaseException:
            sink.stop()
            raise
        made.append(lp)
        return lp

    yield make
    try:
        for lp in made:
            if lp.srv.proc is not None:
                lp.srv.stop()
    finally:
        for lp in made:
            lp.srv.kill_quietly()
            lp.sink.stop()


@pytest.fixture(scope="module")
def sent_survey(loop):
    """One survey that is sent and stays unanswered: for the refusal tests."""
    t, _ = loop.resolved_ticket(subject="Refusals")
    m = loop.survey_mail(t["customer"]["email"])
    return t, survey_token(m)


# ------------------------------------------------------------------------- the happy path


def test_resolution_sends_a_survey_mail_and_yes_closes(loop):
    t, resolved_at = loop.resolved_ticket(subject="Toner everywhere")
    tid, email = t["id"], t["customer"]["email"]
    assert t["status"] == "resolved"

    m = loop.survey_mail(email)
    assert m.at - resolved_at >= DELAY_S - 0.05, "the survey mail came before the delay"
    # Addressing and threading: From the configured address, to the customer, tagged subject,
    # a ticket-scoped Message-ID in the ticket's thread.
    assert FROM_ADDRESS in m.header("From") and m.mail_from == FROM_ADDRESS
    assert m.rcpt_tos == [email] and email in m.to
    assert f"[#{tid}]" in m.subject and "Toner everywhere" in m.subject
    assert re.fullmatch(rf"<ticket-{tid}-\d+@{re.escape(MAIL_DOMAIN)}>", m.header("Message-ID")), m
    assert f"<ticket-{tid}@{MAIL_DOMAIN}>" in m.header("References").split()
    # Five rating buttons and the opt-out link, in both parts, all with one fresh token.
    token = survey_token(m)
    link = f"{PUBLIC_URL}/survey/{token}"
    for part in (m.text, m.html):
        for score in range(1, 6):
            assert f"{link}?score={score}" in part, f"no rating link {score} in {part}"
        assert f"{link}/opt-out" in part
    assert m.header("List-Unsubscribe") == f"<{link}/opt-out>"

    ticket = get_ticket(loop.agent, tid)
    assert ticket["status"] == "follow_up"

    # Reading records nothing: the page (with a preselected score), the API, twice each.
    before = snapshot(loop.agent, tid)
    r = page(loop.anon, "GET", f"/survey/{token}?score=4")
    assert r.status == 200, r
    html = r.body.decode()
    assert f'action="/survey/{token}"' in html and 'method="post"' in html.lower()
    assert re.search(r'name="csat" value="4"[^>]*checked', html), "score=4 not preselected"
    assert not re.search(r'name="csat" value="[1235]"[^>]*checked', html)
    assert f"#{tid}" in html and "Toner everywhere" in html
    r = page(loop.anon, "GET", f"/survey/{token}")
    assert r.status == 200 and "checked" not in r.body.decode()
    for _ in range(2):
        s = loop.survey(token)
        assert s["state"] == "sent" and "answer" not in s
        assert s["ticket"] == {"id": tid, "subject": "Toner everywhere"}
        assert s["agent_name"] == "Agent"
        assert s["questions"]["csat"] is True and s["questions"]["resolved"] is True
    assert snapshot(loop.agent, tid) == before, "reading the survey changed the ticket"

    # The answer: satisfied and resolved -> closed.
    got = expect(loop.anon.post(f"/api/v1/surveys/{token}", {
        "csat": 5, "resolved": True, "nps": 9, "ces": 6, "comment": "Quick and friendly."}), 200)
    assert got == {"state": "answered", "outcome": "closed"}
    ticket = get_ticket(loop.agent, tid)
    assert ticket["status"] == "closed"
    assert ticket["priority"] == "normal" and ticket["times"]["reopen_count"] == 0
    s = loop.survey(token)
    assert s["state"] == "answered" and s["answer"] == {"csat": 5, "resolved": True}
    assert "survey_answered" in event_types(loop.agent, tid)

    # Used up: the API says 409 conflict, the page "already answered", and nothing changes.
    after = snapshot(loop.agent, tid)
    problem(loop.anon.post(f"/api/v1/surveys/{token}", {"csat": 1, "resolved": False}), 409,
            "conflict")
    assert page(loop.anon, "GET", f"/survey/{token}").status == 409
    assert page(loop.anon, "POST", f"/survey/{token}", {"csat": 1, "resolved": "no"}).status == 409
    assert snapshot(loop.agent, tid) == after
    assert loop.survey(token)["answer"] == {"csat": 5, "resolved": True}


@pytest.mark.parametrize("via,csat,resolved,outcome", [
    ("api", 2, True, "reopened"),    # at the threshold (reopen_at_or_below = 2)
    ("form", 5, False, "reopened"),  # happy with the help, but not solved
    ("form", 3, True, "closed"),     # just above the threshold
], ids=["api-csat-at-threshold", "form-not-resolved", "form-csat-above-threshold"])
def test_answer_reopens_or_closes(loop, via, csat, resolved, outcome):
    t, _ = loop.resolved_ticket(subject=f"Answer {via} {csat} {resolved}")
    tid = t["id"]
    token = survey_token(loop.survey_mail(t["customer"]["email"]))

    if via == "api":
        got = expect(loop.anon.post(f"/api/v1/surveys/{token}",
                                    {"csat": csat, "resolved": resolved}), 200)
        assert got == {"state": "answered", "outcome": outcome}
    else:
        r = page(loop.anon, "POST", f"/survey/{token}",
                 {"csat": csat, "resolved": "yes" if resolved else "no", "nps": "",
                  "comment": "sent from the page"})
        assert r.status == 200, r

    ticket = get_ticket(loop.agent, tid)
    assert loop.survey(token)["answer"] == {"csat": csat, "resolved": resolved}
    staff = {"agent@x.test", "supervisor@x.test", "admin@x.test", "agent2@x.test"}
    if outcome == "closed":
        assert ticket["status"] == "closed" and ticket["priority"] == "normal"
        assert ticket["times"]["reopen_count"] == 0
        settle_jobs(loop.admin)  # a notification would be queued with the answer
        assert not loop.sink.matching(staff_mails_about(tid, staff))
        return

    assert ticket["status"] == "open"
    assert ticket["priority"] == "high", "the priority rises one step (normal -> high)"
    assert ticket["times"]["reopen_count"] == 1
    # The assignee and the supervisors hear of it by mail; another agent doesn't.
    want = {"agent@x.test", "supervisor@x.test"}
    loop.sink.wait_for(staff_mails_about(tid, want), count=2)
    settle_jobs(loop.admin)  # any further (duplicate or misdirected) notification is sent now
    mails = loop.sink.matching(staff_mails_about(tid, staff))
    recipients = [r for m in mails for r in m.rcpt_tos]
    assert want <= set(recipients), mails
    assert "agent2@x.test" not in recipients, "an agent not on the ticket was notified"
    assert len(recipients) == len(set(recipients)), f"someone was notified twice: {mails}"
    ids = [m.header("Message-ID") for m in mails]
    assert len(set(ids)) == len(ids), f"notifications share a Message-ID: {ids}"
    for m in mails:
        assert f"<ticket-{tid}@{MAIL_DOMAIN}>" in m.header("References").split()
        assert str(csat) in m.text
    # The ticket can be resolved again and gets a new survey for the new episode.
    resolve(loop.agent, tid)
    loop.sink.wait_for(survey_mails_to(t["customer"]["email"]), count=2)


def test_notification_quotes_the_customers_comment(loop):
    t, _ = loop.resolved_ticket(subject="Comment please")
    token = survey_token(loop.survey_mail(t["customer"]["email"]))
    expect(loop.anon.post(f"/api/v1/surveys/{token}", {
        "csat": 1, "resolved": False, "comment": "The printer is still smoking"}), 200)
    m = loop.sink.wait_for(staff_mails_about(t["id"], {"agent@x.test"}))[0]
    assert "The printer is still smoking" in m.text


def test_reopen_before_the_delay_sends_no_survey(loop):
    """A customer message (or an agent's reopen) before the delay cancels the survey for
    good; a control ticket resolved at the same time gets its mail; a later resolution gets
    exactly one survey of its own. A reopen after the mail cancels the sent survey (410)."""
    by_customer, _ = loop.resolved_ticket(subject="Customer writes again")
    by_agent, _ = loop.resolved_ticket(subject="Agent reopens")
    control, _ = loop.resolved_ticket(subject="Control")
    m = expect(loop.agent.post(f"/api/v1/tickets/{by_customer['id']}/messages",
                               {"body": "Actually it is still broken.", "author": "customer"}), 201)
    assert m["ticket_id"] == by_customer["id"]
    expect(loop.agent.post(f"/api/v1/tickets/{by_agent['id']}/status", {"status": "open"}), 200)
    for t in (by_customer, by_agent):
        ticket = get_ticket(loop.agent, t["id"])
        assert ticket["status"] == "open" and ticket["times"]["reopen_count"] == 1

    control_mail = loop.survey_mail(control["customer"]["email"])
    # A cancelled job never runs; the control's survey came, so the others' were due as well.
    for t in (by_customer, by_agent):
        assert check_job(loop.admin, t["id"])["state"] == "cancelled"
    settle_jobs(loop.admin)
    for t in (by_customer, by_agent):
        assert not loop.sink.matching(survey_mails_to(t["customer"]["email"])), \
            f"reopened ticket {t['id']} got a survey"
        assert get_ticket(loop.agent, t["id"])["status"] == "open"

    # Resolved again: one survey for the new episode, none for the cancelled one.
    resolve(loop.agent, by_customer["id"])
    loop.survey_mail(by_customer["customer"]["email"])
    assert get_ticket(loop.agent, by_customer["id"])["status"] == "follow_up"

    # The control ticket's customer writes after the mail: reopen, and the survey is gone.
    token = survey_token(control_mail)
    expect(loop.agent.post(f"/api/v1/tickets/{control['id']}/messages",
                           {"body": "Wait, one more thing.", "author": "customer"}), 201)
    assert get_ticket(loop.agent, control["id"])["status"] == "open"
    assert loop.survey(token)["state"] == "cancelled"
    before = snapshot(loop.agent, control["id"])
    problem(loop.anon.post(f"/api/v1/surveys/{token}", {"csat": 5, "resolved": True}), 410, "gone")
    assert page(loop.anon, "GET", f"/survey/{token}").status == 410
    assert page(loop.anon, "POST", f"/survey/{token}", {"csat": 5, "resolved": "yes"}).status == 410
    assert snapshot(loop.agent, control["id"]) == before


# ---------------------------------------------------------------------------- bad tokens


def test_wrong_token_is_not_found_everywhere(loop, sent_survey):
    t, real = sent_survey
    before = snapshot(loop.agent, t["id"])
    opt_before = loop.customer_record(t["customer"]["id"])["surveys_opt_out"]
    tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
    for token in ("not-a-token", tampered, "x" * 200):
        problem(loop.anon.get(f"/api/v1/surveys/{token}"), 404, "not_found")
        problem(loop.anon.post(f"/api/v1/surveys/{token}", {"csat": 5, "resolved": True}), 404,
                "not_found")
        problem(loop.anon.post(f"/api/v1/surveys/{token}/opt-out"), 404, "not_found")
        assert page(loop.anon, "GET", f"/survey/{token}").status == 404
        assert page(loop.anon, "GET", f"/survey/{token}?score=5").status == 404
        assert page(loop.anon, "POST", f"/survey/{token}", {"csat": 5, "resolved": "yes"}).status == 404
        assert page(loop.anon, "GET", f"/survey/{token}/opt-out").status == 404
        assert page(loop.anon, "POST", f"/survey/{token}/opt-out", {}).status == 404
    assert snapshot(loop.agent, t["id"]) == before
    assert loop.survey(real)["state"] == "sent"
    assert loop.customer_record(t["customer"]["id"])["surveys_opt_out"] == opt_before


BAD_ANSWERS = [
    pytest.param({}, "csat", id="empty"),
    pytest.param({"resolved": True}, "csat", id="no-csat"),
    pytest.param({"csat": 5}, "resolved", id="no-resolved"),
    pytest.param({"csat": 0, "resolved": True}, "csat", id="csat-0"),
    pytest.param({"csat": 6, "resolved": True}, "csat", id="csat-6"),
    pytest.param({"csat": "5", "resolved": True}, "csat", id="csat-string"),
    pytest.param({"csat": 4.5, "resolved": True}, "csat", id="csat-fraction"),
    pytest.param({"csat": 5, "resolved": "yes"}, "resolved", id="resolved-string"),
    pytest.param({"csat": 5, "resolved": True, "nps": 11}, "nps", id="nps-11"),
    pytest.param({"csat": 5, "resolved": True, "nps": -1}, "nps", id="nps-negative"),
    pytest.param({"csat": 5, "resolved": True, "ces": 0}, "ces", id="ces-0"),
    pytest.param({"csat": 5, "resolved": True, "ces": 8}, "ces", id="ces-8"),
    pytest.param({"csat": 5, "resolved": True, "comment": "x" * 5001}, "comment", id="comment-long"),
    pytest.param({"csat": 5, "resolved": True, "score": 5}, "score", id="unknown-field"),
    pytest.param({"csat": None, "resolved": True}, "csat", id="csat-null"),
    pytest.param({"csat": 5, "resolved": None}, "resolved", id="resolved-null"),
]


@pytest.mark.parametrize("body,field", BAD_ANSWERS)
def test_bad_answer_is_refused_and_changes_nothing(loop, sent_survey, body, field):
    t, token = sent_survey
    if None in body.values():
        # A survey of its own: a wrongly accepted answer must not spoil the other cases.
        t, _ = loop.resolved_ticket(subject="Null answers")
        token = survey_token(loop.survey_mail(t["customer"]["email"]))
    before = snapshot(loop.agent, t["id"])
    invalid(loop.anon.post(f"/api/v1/surveys/{token}", body), field)
    assert snapshot(loop.agent, t["id"]) == before
    assert loop.survey(token)["state"] == "sent"


def test_bad_form_and_bad_json_change_nothing(loop, sent_survey):
    t, token = sent_survey
    before = snapshot(loop.agent, t["id"])
    r = page(loop.anon, "POST", f"/survey/{token}", {"csat": "5"})  # "resolved?" unanswered
    assert r.status == 422, r
    body = r.body.decode()
    assert 'role="alert"' in body and f'action="/survey/{token}"' in body, "the form comes back"
    assert page(loop.anon, "POST", f"/survey/{token}", {"csat": "9", "resolved": "yes"}).status == 422
    assert page(loop.anon, "POST", f"/survey/{token}", {"csat": "5", "resolved": "maybe"}).status == 422
    problem(loop.anon.request("POST", f"/api/v1/surveys/{token}", body=b'{"csat": 5,'), 400)
    problem(loop.anon.request("POST", f"/api/v1/surveys/{token}", body=b"[5, true]"), 400)
    assert snapshot(loop.agent, t["id"]) == before
    assert loop.survey(token)["state"] == "sent"


def test_expired_survey_closes_the_ticket_unanswered(private_loop):
    """One reminder after reminder_after (a new token, same thread); at expire_after the
    survey expires: the ticket closes, counted as not answered, and every token gets 410."""
    lp = private_loop(HELPDESK_SURVEY_REMINDER_AFTER="1s", HELPDESK_SURVEY_EXPIRE_AFTER="3s")
    t, _ = lp.resolved_ticket(subject="Nobody answers")
    tid, email = t["id"], t["customer"]["email"]
    first = lp.survey_mail(email)
    check_token = survey_token(first)
    assert get_ticket(lp.agent, tid)["status"] == "follow_up"

    mails = lp.sink.wait_for(survey_mails_to(email), count=2, timeout=10)
    reminder = mails[1]
    reminder_token = survey_token(reminder)
    assert reminder_token != check_token, "the reminder carries a fresh token"
    assert reminder.header("Message-ID") != first.header("Message-ID")
    assert f"[#{tid}]" in reminder.subject
    assert f"<ticket-{tid}@{MAIL_DOMAIN}>" in reminder.header("References").split()
    for token in (check_token, reminder_token):  # both open the same survey until it expires
        s = lp.survey(token)
        assert s["state"] == "sent" and s["ticket"]["id"] == tid

    wait_until(lambda: get_ticket(lp.agent, tid)["status"] == "closed", timeout=10,
               what="the expired survey to close the ticket")
    assert "survey_expired" in event_types(lp.agent, tid)
    before = snapshot(lp.agent, tid)
    for token in (check_token, reminder_token):
        s = lp.survey(token)
        assert s["state"] == "expired" and "answer" not in s
        problem(lp.anon.post(f"/api/v1/surveys/{token}", {"csat": 5, "resolved": True}), 410, "gone")
        assert page(lp.anon, "GET", f"/survey/{token}").status == 410
        assert page(lp.anon, "POST", f"/survey/{token}", {"csat": 1, "resolved": "no"}).status == 410
    assert snapshot(lp.agent, tid) == before
    ticket = get_ticket(lp.agent, tid)
    assert ticket["status"] == "closed" and ticket["times"]["reopen_count"] == 0
    assert len(lp.sink.matching(survey_mails_to(email))) == 2, "exactly one reminder"


# ------------------------------------------------------------------------------- opt-out


def test_opt_out_link_stops_surveys(loop):
    cust = customer()
    t, _ = loop.resolved_ticket(subject="Opt me out", customer=cust)
    m = loop.survey_mail(cust["email"])
    token = survey_token(m)
    cid = t["customer"]["id"]
    assert m.header("List-Unsubscribe") == f"<{PUBLIC_URL}/survey/{token}/opt-out>"
    assert loop.customer_record(cid)["surveys_opt_out"] is False

    # Opening the link only asks; the button (a POST) opts out.
    r = page(loop.anon, "GET", f"/survey/{token}/opt-out")
    assert r.status == 200 and f'action="/survey/{token}/opt-out"' in r.body.decode()
    assert loop.customer_record(cid)["surveys_opt_out"] is False
    assert page(loop.anon, "POST", f"/survey/{token}/opt-out", {}).status == 200
    assert loop.customer_record(cid)["surveys_opt_out"] is True
    # The JSON twin says the same and may be repeated.
    assert expect(loop.anon.post(f"/api/v1/surveys/{token}/opt-out"), 200) == {"surveys_opt_out": True}
    assert loop.survey(token)["state"] == "sent", "opting out doesn't answer the open survey"

    # The next resolution closes without a survey mail.
    t2, _ = loop.resolved_ticket(subject="No survey for me", customer=cust)
    assert t2["customer"]["id"] == cid
    wait_until(lambda: get_ticket(loop.agent, t2["id"])["status"] == "closed", timeout=10,
               what="the opted-out customer's ticket to close")
    settle_jobs(loop.admin)
    mails = loop.sink.matching(survey_mails_to(cust["email"]))
    assert len(mails) == 1 and f"[#{t2['id']}]" not in mails[0].subject, mails


# ------------------------------------------------------------------ outages and restarts


def test_mail_server_down_then_up_delivers_once(private_loop):
    lp = private_loop(sink_running=False)
    t, _ = lp.resolved_ticket(subject="Mail server is down")
    tid, email = t["id"], t["customer"]["email"]

    # The job fails, records why, and is retried with backoff.
    job = wait_until(lambda: (j := check_job(lp.admin, tid)) and j["attempts"] >= 2 and j, timeout=10,
                     what="a second attempt of the satisfaction check")
    assert job["state"] in ("queued", "running"), job
    assert job["last_error"], job
    assert get_ticket(lp.agent, tid)["status"] == "resolved", "not sent: still resolved"

    lp.sink.start()
    m = lp.survey_mail(email)
    wait_until(lambda: check_job(lp.admin, tid)["state"] == "done", timeout=5, what="job done")
    settle_jobs(lp.admin)  # a duplicate would come from a retry still due
    assert len(lp.sink.matching(survey_mails_to(email))) == 1
    job = check_job(lp.admin, tid)
    assert job["last_error"] is None and job["attempts"] >= 3, job
    assert get_ticket(lp.agent, tid)["status"] == "follow_up"
    # The mailed link works (every attempt was recorded with the same one).
    expect(lp.anon.post(f"/api/v1/surveys/{survey_token(m)}", {"csat": 4, "resolved": True}), 200)
    assert get_ticket(lp.agent, tid)["status"] == "closed"


def test_restart_with_the_job_queued_or_in_flight_delivers_once(private_loop):
    lp = private_loop()
    token = expect(lp.admin.post("/api/v1/tokens", {"name": "restarts", "role": "admin"}), 201)["token"]
    admin = lp.srv.client(token=token)  # survives restarts without logging in again

    # 1. Queued: SIGTERM before the job is due, start again on the same database.
    queued, _ = lp.resolved_ticket(subject="Restart while queued")
    lp.srv.stop()
    assert not lp.sink.matching(survey_mails_to(queued["customer"]["email"])), "ran before the stop"
    lp.srv.start()
    lp.survey_mail(queued["customer"]["email"])

    # 2. In flight: the SMTP server holds DATA when SIGTERM comes; shutdown waits for the job.
    lp.sink.hold()
    sessions = lp.sink.sessions
    in_flight, _ = lp.resolved_ticket(subject="Restart while sending")
    wait_until(lambda: lp.sink.sessions > sessions, what="the mail to be in flight")
    stopper = threading.Thread(target=lp.srv.stop)
    stopper.start()
    time.sleep(0.5)
    lp.sink.release()
    stopper.join(20)
    assert not stopper.is_alive()
    lp.srv.start()

    # 3. Crash in flight: SIGKILL while DATA is held; the unacknowledged mail is sent again
    #    after the restart, once.
    lp.sink.hold()
    sessions = lp.sink.sessions
    crashed, _ = lp.resolved_ticket(subject="Crash while sending")
    wait_until(lambda: lp.sink.sessions > sessions, what="the mail to be in flight")
    lp.srv.proc.send_signal(signal.SIGKILL)
    lp.srv.proc.wait(10)
    time.sleep(0.2)
    lp.sink.release()
    lp.srv.revive()

    lp.survey_mail(crashed["customer"]["email"])
    settle_jobs(admin)  # any duplicate is sent by a job still due
    for t in (queued, in_flight, crashed):
        mails = lp.sink.matching(survey_mails_to(t["customer"]["email"]))
        assert len(mails) == 1, f"ticket {t['id']}: {mails}"
        assert get_ticket(admin, t["id"])["status"] == "follow_up"
        assert check_job(admin, t["id"])["state"] == "done"
        assert expect(admin.get(f"/api/v1/surveys/{survey_token(mails[0])}"), 200)["state"] == "sent"


# ------------------------------------------------------------------------------ dead jobs


def test_dead_job_is_listed_for_admins_and_retry_delivers(private_loop):
    lp = private_loop(sink_running=False, HELPDESK_JOBS_MAX_ATTEMPTS="1")
    t, _ = lp.resolved_ticket(subject="Dies once")
    tid, email = t["id"], t["customer"]["email"]

    def dead():
        return [j for j in jobs(lp.admin, state="dead")
                if j["kind"] == "satisfaction_check" and j["payload"]["ticket_id"] == tid]
    job = wait_until(dead, timeout=10, what="the job to die")[0]
    assert job["attempts"] == 1 and job["last_error"], job
    assert all(j["state"] == "dead" for j in jobs(lp.admin, state="dead"))
    assert get_ticket(lp.agent, tid)["status"] == "resolved"

    # Admins only.
    agent_token = expect(lp.admin.post("/api/v1/tokens", {"name": "a", "role": "agent"}), 201)["token"]
    for c in (lp.agent, lp.supervisor, lp.srv.client(token=agent_token)):
        problem(c.get("/api/v1/jobs"), 403, "forbidden")
        problem(c.get("/api/v1/jobs", params={"state": "dead"}), 403, "forbidden")
        problem(c.post(f"/api/v1/jobs/{job['id']}/retry"), 403, "forbidden")
    problem(lp.anon.get("/api/v1/jobs"), 401, "unauthenticated")
    problem(lp.anon.post(f"/api/v1/jobs/{job['id']}/retry"), 401, "unauthenticated")
    assert dead()[0]["state"] == "dead", "a refused retry changed the job"
    problem(lp.admin.get("/api/v1/jobs", params={"state": "buried"}), 400)
    problem(lp.admin.get("/api/v1/jobs", params={"kind": "x"}), 400)
    problem(lp.admin.post("/api/v1/jobs/999999/retry"), 404, "not_found")

    lp.sink.start()
    retried = expect(lp.admin.post(f"/api/v1/jobs/{job['id']}/retry"), 200)
    assert retried["id"] == job["id"] and retried["state"] in ("queued", "running", "done")
    assert retried["attempts"] == 0 and retried["last_error"] is None
    problem(lp.admin.post(f"/api/v1/jobs/{job['id']}/retry"), 404, "not_found")  # not dead now
    lp.survey_mail(email)
    wait_until(lambda: check_job(lp.admin, tid)["state"] == "done", timeout=5, what="job done")
    settle_jobs(lp.admin)
    assert len(lp.sink.matching(survey_mails_to(email))) == 1
    assert get_ticket(lp.agent, tid)["status"] == "follow_up"


def test_retried_job_runs_promptly(private_loop):
    lp = private_loop(sink_running=False, HELPDESK_JOBS_MAX_ATTEMPTS="1")
    t, _ = lp.resolved_ticket(subject="Retry me")
    job = wait_until(lambda: (j := check_job(lp.admin, t["id"])) and j["state"] == "dead" and j,
                     timeout=10, what="the job to die")
    lp.sink.start()
    expect(lp.admin.post(f"/api/v1/jobs/{job['id']}/retry"), 200)
    lp.survey_mail(t["customer"]["email"], timeout=3)


def test_notification_message_ids_are_unique_across_episodes(private_loop):
    """Regression: Message-IDs of agent notifications were survey*16 + 12 + user*64, so the
    notification of survey s to user u+1 equalled that of survey s+4 to user u on the same
    ticket; the mails table's UNIQUE message_id then failed the job after sending, and each
    retry mailed the person again."""
    lp = private_loop(HELPDESK_SURVEY_DELAY="0s", HELPDESK_JOBS_MAX_ATTEMPTS="2")
    staff = {"agent@x.test", "supervisor@x.test", "admin@x.test"}
    t, _ = lp.resolved_ticket(subject="Twice unhappy")
    tid, email = t["id"], t["customer"]["email"]
    token = survey_token(lp.survey_mail(email))
    expect(lp.anon.post(f"/api/v1/surveys/{token}", {"csat": 1, "resolved": False}), 200)
    lp.sink.wait_for(staff_mails_about(tid, staff), count=3)
    # Three surveys of other tickets, so that this ticket's next survey id is 4 higher.
    others = [lp.resolved_ticket(subject=f"Other {i}")[0] for i in range(3)]
    for o in others:
        lp.survey_mail(o["customer"]["email"])
    resolve(lp.agent, tid)
    # The second episode's survey: by its token, not by arrival order (a second copy of the
    # first survey's mail may arrive in between).
    first = token
    new_survey = lambda m: survey_mails_to(email)(m) and survey_token(m) != first  # noqa: E731
    token = survey_token(lp.sink.wait_for(new_survey)[0])
    # As survey_mail() does: the mail arrives before the server records the survey as sent.
    wait_until(lambda: lp.survey(token)["state"] != "preparing", timeout=5,
               what="the second survey to be recorded as sent")
    expect(lp.anon.post(f"/api/v1/surveys/{token}", {"csat": 1, "resolved": False}), 200)
    lp.sink.wait_for(staff_mails_about(tid, staff), count=6)
    settle_jobs(lp.admin)  # a duplicate would come from a job still due or running
    mails = lp.sink.matching(staff_mails_about(tid, staff))
    ids = [m.header("Message-ID") for m in mails]
    assert len(mails) == 6 and len(set(ids)) == 6, mails
    assert not [j for j in jobs(lp.admin, state="dead") if j["kind"].startswith("notify")]


# ------------------------------------------------------- crash after the mail server said yes


def crash_after_the_mail_server_accepted(lp: Loop, subject: str,
                                         before_revive: Callable[[str], None] = lambda email: None):
    """Resolves a ticket and kills the server after the mail server accepted its survey mail
    but before the server recorded it as sent; `before_revive(email)` runs while it is down.
    Returns an admin client, the ticket and the first survey mail."""
    import sqlite3

    token = expect(lp.admin.post("/api/v1/tokens", {"name": "crash", "role": "admin"}), 201)["token"]
    admin = lp.srv.client(token=token)
    locked = threading.Event()
    lock_holder: list[sqlite3.Connection] = []

    def hold_the_database(m: Received):
        # Runs inside the mail server's DATA handler, before the client hears the 250: the
        # server's next write (marking the mail sent) now waits on this lock, and it is killed
        # while it waits. Only for the survey mail (the agent's reply is mailed first).
        if survey_token(m) is None or lock_holder:
            return
        conn = sqlite3.connect(lp.srv.db, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        lock_holder.append(conn)
        locked.set()

    lp.sink.on_accept = hold_the_database
    t, _ = lp.resolved_ticket(subject=subject)
    email = t["customer"]["email"]
    first = lp.sink.wait_for(survey_mails_to(email), timeout=15)[0]
    assert locked.wait(5)
    time.sleep(0.3)  # the server has its 250 and is waiting for the lock to record it
    lp.srv.proc.send_signal(signal.SIGKILL)
    lp.srv.proc.wait(10)
    lp.sink.on_accept = None
    lock_holder[0].execute("ROLLBACK")
    lock_holder[0].close()
    before_revive(email)
    lp.srv.revive()
    return admin, t, first


def test_crash_after_the_mail_server_accepted_resends_the_same_mail_and_link(private_loop):
    """The survey mail is recorded (token, Message-ID) before it is handed over. A crash after
    the mail server accepted it but before the server marked it sent makes the retry send the
    *same* mail: same Message-ID, same link, and the link in the first copy works."""
    lp = private_loop()
    admin, t, first = crash_after_the_mail_server_accepted(lp, "Crash after acceptance")
    email = t["customer"]["email"]
    mails = lp.sink.wait_for(survey_mails_to(email), count=2, timeout=15)
    assert len(mails) == 2, mails
    second = mails[1]
    assert second.header("Message-ID") == first.header("Message-ID")
    assert survey_token(second) == survey_token(first)
    wait_until(lambda: get_ticket(admin, t["id"])["status"] == "follow_up", timeout=10,
               what="the resent survey to be recorded")
    assert check_job(admin, t["id"])["state"] == "done"
    # The customer's first link works, and answers.
    assert expect(lp.anon.get(f"/api/v1/surveys/{survey_token(first)}"), 200)["state"] == "sent"
    expect(lp.anon.post(f"/api/v1/surveys/{survey_token(first)}", {"csat": 5, "resolved": True}),
           200)
    assert get_ticket(admin, t["id"])["status"] == "closed"


def test_the_first_link_answers_while_the_resend_cannot_go_out(private_loop):
    """The same crash, then the mail server refuses the resend for good: the survey was never
    recorded as sent, yet the customer holds a mail with a working link. Answering it records
    the survey as sent and answered; the job, retried, sends nothing more."""
    lp = private_loop()

    def refuse(email: str):
        lp.sink.refused[email] = f"550 5.2.2 <{email}>: Mailbox full"

    admin, t, first = crash_after_the_mail_server_accepted(lp, "Resend refused", refuse)
    token = survey_token(first)
    wait_until(lambda: (check_job(admin, t["id"]) or {}).get("state") == "dead", timeout=15,
               what="the refused resend to end the job")
    assert get_ticket(admin, t["id"])["status"] == "resolved"  # never recorded as sent
    assert expect(lp.anon.get(f"/api/v1/surveys/{token}"), 200)["state"] == "preparing"
    answered = expect(lp.anon.post(f"/api/v1/surveys/{token}", {"csat": 4, "resolved": True}), 200)
    assert answered["state"] == "answered"
    assert get_ticket(admin, t["id"])["status"] == "closed"
    assert event_types(admin, t["id"])[-3:] == ["status", "survey_answered", "status"]
    problem(lp.anon.post(f"/api/v1/surveys/{token}", {"csat": 1, "resolved": False}), 409, "conflict")
    # The mailbox has room again and an admin retries the job: the ticket moved on, nothing is sent.
    del lp.sink.refused[t["customer"]["email"]]
    job = check_job(admin, t["id"])
    expect(admin.post(f"/api/v1/jobs/{job['id']}/retry", {}), 200)
    wait_until(lambda: check_job(admin, t["id"])["state"] == "done", timeout=15,
               what="the retried job to finish")
    assert len(lp.sink.matching(survey_mails_to(t["customer"]["email"]))) == 1
    assert expect(lp.anon.get(f"/api/v1/surveys/{token}"), 200)["state"] == "answered"
    assert get_ticket(admin, t["id"])["status"] == "closed"


# ------------------------------------------------------- a permanent refusal, in its own words


def test_permanent_refusal_keeps_the_mail_servers_reply_and_the_address(private_loop):
    lp = private_loop()
    refused = f"{uniq('gone')}@customer.test"
    reply = f"550 5.1.1 <{refused}>: Recipient address rejected: User unknown"
    lp.sink.refused[refused] = reply
    t, _ = lp.resolved_ticket(subject="Nobody home", customer={"email": refused, "name": "Gone"})

    job = wait_until(lambda: (j := check_job(lp.admin, t["id"])) and j["state"] == "dead" and j,
                     timeout=15, what="the job to die")
    # Dead after its first such answer (RFC 5321: 5xx is permanent), and the admin reads what
    # the mail server said and which address it refused, not libcurl's paraphrase.
    assert job["attempts"] == 1, job
    assert reply in job["last_error"], job
    assert f"recipient <{refused}>" in job["last_error"], job
    assert "Weird server reply" not in job["last_error"], job
    assert not lp.sink.matching(survey_mails_to(refused))
    assert get_ticket(lp.agent, t["id"])["status"] == "resolved"
