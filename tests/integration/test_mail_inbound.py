"""Inbound mail, black box: POST /api/v1/mail/inbound and `helpdesk mail-in` against the real
server with a real SMTP sink for what the server sends (acknowledgements, surveys).

Every mail is realistic raw RFC 5322 (see mail_corpus.py). Threading is checked against the
Message-IDs the server really sent, as the sink received them.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import pytest

import mail_corpus as corpus
from harness import HELPDESK_BIN, Client, Server, boot, expect, get_ticket, problem, uniq
from smtp_sink import Controller, SmtpSink, to

if Controller is None:
    pytest.skip("aiosmtpd is not installed (Debian: apt install python3-aiosmtpd)",
                allow_module_level=True)

FROM = "help@support.test"


def env_for(sink: SmtpSink, **extra: str) -> dict[str, str]:
    env = {
        "HELPDESK_MAIL_SMTP_URL": sink.url,
        "HELPDESK_MAIL_FROM": f"Helpdesk <{FROM}>",
        "HELPDESK_SERVER_PUBLIC_URL": "https://help.example.test",
        "HELPDESK_SURVEY_DELAY": "1s",
        "HELPDESK_JOBS_FIRST_RETRY": "1s",
        "HELPDESK_JOBS_MAX_RETRY": "2s",
        "HELPDESK_MAIL_IN_MAX_MESSAGE_BYTES": "65536",
    }
    env.update(extra)
    return env


def wait_until(check, timeout: float = 10, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        assert time.monotonic() < deadline, f"timed out waiting for {what}; last: {got!r}"
        time.sleep(0.1)


class Desk:
    """A server, its SMTP sink, staff clients and an MTA client with an API token."""

    def __init__(self, srv: Server, sink: SmtpSink):
        self.srv, self.sink = srv, sink
        self.admin = srv.client()
        expect(self.admin.login("admin@x.test"), 200)
        self.agent = srv.client()
        expect(self.agent.login("agent@x.test"), 200)
        self.supervisor = srv.client()
        expect(self.supervisor.login("supervisor@x.test"), 200)
        token = expect(self.admin.post("/api/v1/tokens", {"name": "mta", "role": "agent"}), 201)
        self.mta = srv.client(token=token["token"])

    def post(self, raw: bytes, client: Client | None = None, **params):
        return (client or self.mta).request(
            "POST", "/api/v1/mail/inbound", body=raw,
            headers={"Content-Type": "message/rfc822"}, params=params or None)

    def deliver(self, raw: bytes, **params) -> dict:
        return expect(self.post(raw, **params), 202)

    def messages(self, tid: int) -> list[dict]:
        return expect(self.agent.get(f"/api/v1/tickets/{tid}/messages"), 200)["items"]

    def mail_of(self, tid: int) -> dict:
        return expect(self.agent.get(f"/api/v1/tickets/{tid}/mail"), 200)

    def sent_to(self, address: str, count: int = 1, what: str = ""):
        return self.sink.wait_for(lambda m: address in m.rcpt_tos and what in m.subject, count)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    sink = SmtpSink().start()
    srv = None
    try:
        srv = boot(tmp_path_factory.mktemp("mail"), env_for(sink))
        yield Desk(srv, sink)
        srv.stop()
    finally:
        if srv is not None:
            srv.kill_quietly()
        sink.stop()


def address() -> str:
    return f"{uniq('m')}@customer.test"


# ------------------------------------------------------------------------------ new tickets


def test_a_new_mail_becomes_an_email_ticket_with_the_sender_as_customer(desk):
    sender = address()
    raw = corpus.plain(sender, "Drucker im 2. Stock", "Der Drucker druckt nur leere Seiten.\n",
                       name="Jürgen Groß", cc=["kollegin@customer.test"])
    r = desk.deliver(raw)
    assert r["outcome"] == "ticket" and r["ticket_id"] and r["mail_id"]
    assert r["message_id"] and r["linked_ticket_id"] is None
    t = get_ticket(desk.agent, r["ticket_id"])
    assert t["channel"] == "email"
    assert t["subject"] == "Drucker im 2. Stock"
    assert t["status"] == "open"
    assert t["customer"]["email"] == sender
    assert t["customer"]["name"] == "Jürgen Groß"
    msgs = desk.messages(t["id"])
    assert len(msgs) == 1 and msgs[0]["author"]["kind"] == "customer"
    assert msgs[0]["body"] == "Der Drucker druckt nur leere Seiten."
    mail = desk.mail_of(t["id"])
    assert [a["address"] for a in mail["addresses"]] == ["kollegin@customer.test"]
    assert mail["addresses"][0]["role"] == "cc"
    assert [m["id"] for m in mail["mails"]] == [r["mail_id"]]
    assert mail["mails"][0]["state"] == "ticket"
    # The customer gets the usual acknowledgement, in the ticket's thread.
    ack = desk.sent_to(sender, what=f"[#{t['id']}]")[0]
    assert f"<ticket-{t['id']}@support.test>" in ack.header("References")
    # The original is kept byte for byte.
    original = desk.agent.get(f"/api/v1/mail/inbound/{r['mail_id']}/raw")
    assert original.status == 200 and original.content_type == "message/rfc822"
    assert original.body == raw


def test_a_known_customer_is_never_renamed(desk):
    sender = address()
    expect(desk.agent.post("/api/v1/customers", {"email": sender, "name": "Real Name"}), 201)
    r = desk.deliver(corpus.plain(sender, "Hello", "Hi", name="Spoofed Display Name"))
    assert get_ticket(desk.agent, r["ticket_id"])["customer"]["name"] == "Real Name"


def test_charsets_and_html_only_mail_become_readable_text(desk):
    r = desk.deliver(corpus.plain(address(), "Ärger mit der Rechnung",
                                  "Grüße aus Köln, die Rechnung fehlt.", charset="iso-8859-1"))
    t = get_ticket(desk.agent, r["ticket_id"])
    assert t["subject"] == "Ärger mit der Rechnung"
    assert desk.messages(t["id"])[0]["body"] == "Grüße aus Köln, die Rechnung fehlt."
    html = ("<html><head><style>.x{}</style></head><body><p>Hej!</p>"
            "<p>Min best&auml;llning <b>#123</b> kom aldrig.<br>Tack</p></body></html>")
    r = desk.deliver(corpus.html_only(address(), "Beställning", html))
    assert desk.messages(r["ticket_id"])[0]["body"] == "Hej!\n\nMin beställning #123 kom aldrig.\nTack"


def test_attachments_stay_with_the_raw_mail(desk):
    pdf = b"%PDF-1.4\n" + os.urandom(2000)
    raw = corpus.with_attachment(address(), "Invoice", "See attached.", "invoice.pdf", pdf)
    r = desk.deliver(raw)
    assert r["outcome"] == "ticket"
    assert desk.messages(r["ticket_id"])[0]["body"] == "See attached."
    assert desk.agent.get(f"/api/v1/mail/inbound/{r['mail_id']}/raw").body == raw


def test_the_same_mail_twice_is_a_duplicate_and_changes_nothing(desk):
    raw = corpus.plain(address(), "Twice", "Sent twice by a nervous relay")
    first = desk.deliver(raw)
    before = get_ticket(desk.agent, first["ticket_id"])
    again = desk.deliver(raw)
    assert again["outcome"] == "duplicate"
    assert again["mail_id"] == first["mail_id"] and again["ticket_id"] == first["ticket_id"]
    after = get_ticket(desk.agent, first["ticket_id"])
    assert after["version"] == before["version"] and after["message_count"] == 1
    # Without a Message-ID, the same bytes are the same mail.
    no_id = corpus.plain(address(), "No id", "x", message_id="")
    no_id = b"\r\n".join(l for l in no_id.split(b"\r\n") if not l.startswith(b"Message-ID"))
    assert desk.deliver(no_id)["outcome"] == "ticket"
    assert desk.deliver(no_id)["outcome"] == "duplicate"


# --------------------------------------------------------------------------------- threading


def new_mail_ticket(desk, sender: str | None = None, **kw) -> tuple[dict, str]:
    sender = sender or address()
    r = desk.deliver(corpus.plain(sender, kw.pop("subject", "Laptop"), "It won't boot.", **kw))
    return get_ticket(desk.agent, r["ticket_id"]), sender


def agent_reply(desk, tid: int, body: str = "Please hold the power button for 10 seconds.",
                status: str | None = None):
    payload = {"body": body}
    if status:
        payload["status"] = status
    expect(desk.agent.post(f"/api/v1/tickets/{tid}/messages", payload), 201)


def test_a_gmail_reply_threads_by_in_reply_to_and_shows_without_the_quote(desk):
    t, sender = new_mail_ticket(desk)
    agent_reply(desk, t["id"], status="pending")
    ours = desk.sent_to(sender, what="Re:")[0] if desk.sink.matching(
        lambda m: sender in m.rcpt_tos and "Re:" in m.subject) else None
    mails = desk.sink.wait_for(lambda m: sender in m.rcpt_tos, count=2)
    reply_to = mails[-1].header("Message-ID")
    refs = mails[-1].header("References").split()
    raw = corpus.gmail_reply(sender, "Cus Tomer", f"Re: {mails[-1].subject}", "That worked, thanks!",
                             "Please hold the power button for 10 seconds.",
                             in_reply_to=reply_to, references=refs + [reply_to])
    r = desk.deliver(raw)
    assert r["outcome"] == "reply" and r["ticket_id"] == t["id"], r
    msgs = desk.messages(t["id"])
    assert msgs[-1]["author"]["kind"] == "customer" and msgs[-1]["body"] == "That worked, thanks!"
    assert get_ticket(desk.agent, t["id"])["status"] == "open"  # the customer wrote last
    del ours


def test_an_outlook_reply_without_references_threads_by_the_subject_tag(desk):
    t, sender = new_mail_ticket(desk)
    for prefix in ("AW:", "SV:", "RE:"):
        raw = corpus.outlook_reply(sender, "Cus Tomer", f"{prefix} [#{t['id']}] Laptop",
                                   f"Noch eine Frage ({prefix}) – ja.", "It won't boot.")
        r = desk.deliver(raw)
        assert r["outcome"] == "reply" and r["ticket_id"] == t["id"], r
        assert desk.messages(t["id"])[-1]["body"] == f"Noch eine Frage ({prefix}) – ja."
    assert get_ticket(desk.agent, t["id"])["subject"] == "Laptop"


def test_a_stranger_never_writes_into_someone_elses_ticket(desk):
    t, sender = new_mail_ticket(desk)
    stranger = address()
    r = desk.deliver(corpus.plain(stranger, f"Re: [#{t['id']}] Laptop", "I am someone else",
                                  in_reply_to=f"<ticket-{t['id']}@support.test>"))
    assert r["outcome"] == "ticket" and r["ticket_id"] != t["id"]
    assert "not on the thread" in r["reason"]
    assert len(desk.messages(t["id"])) == 1
    other = get_ticket(desk.agent, r["ticket_id"])
    assert other["customer"]["email"] == stranger
    assert "[#" not in other["subject"] and other["subject"] == "Laptop"


def test_an_address_copied_on_the_thread_may_reply(desk):
    colleague = address()
    t, sender = new_mail_ticket(desk, cc=[colleague])
    r = desk.deliver(corpus.plain(colleague, f"Re: [#{t['id']}] Laptop", "Same problem here."))
    assert r["outcome"] == "reply" and r["ticket_id"] == t["id"]
    assert desk.messages(t["id"])[-1]["body"] == "Same problem here."


def test_a_customer_reply_reopens_a_resolved_ticket_like_a_portal_reply(desk):
    t, sender = new_mail_ticket(desk)
    agent_reply(desk, t["id"])
    expect(desk.agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    r = desk.deliver(corpus.plain(sender, f"Re: [#{t['id']}] Laptop", "Sorry, it broke again."))
    assert r["outcome"] == "reply"
    after = get_ticket(desk.agent, t["id"])
    assert after["status"] == "open" and after["times"]["reopen_count"] == 1
    events = expect(desk.agent.get(f"/api/v1/tickets/{t['id']}/events"), 200)["items"]
    assert any(e["type"] == "status" and e["data"].get("reopen") for e in events)


def test_a_reply_to_a_closed_ticket_starts_a_new_linked_ticket(desk):
    t, sender = new_mail_ticket(desk)
    expect(desk.supervisor.post(f"/api/v1/tickets/{t['id']}/status", {"status": "closed"}), 200)
    r = desk.deliver(corpus.plain(sender, f"Re: [#{t['id']}] Laptop", "Me again, new problem."))
    assert r["outcome"] == "ticket" and r["ticket_id"] != t["id"]
    assert r["linked_ticket_id"] == t["id"]
    new = get_ticket(desk.agent, r["ticket_id"])
    assert new["linked_ticket_id"] == t["id"] and new["channel"] == "email"
    assert desk.messages(new["id"])[0]["body"] == "Me again, new problem."
    assert get_ticket(desk.agent, t["id"])["status"] == "closed"


# ------------------------------------------------------------------------ loops and bounces


def test_auto_replies_never_create_reopen_or_get_answered(desk):
    sender = address()
    r = desk.deliver(corpus.out_of_office(sender, "Your request"))
    assert r["outcome"] == "auto_reply" and r["ticket_id"] is None
    assert "Auto-Submitted" in r["reason"]
    t, customer = new_mail_ticket(desk)
    agent_reply(desk, t["id"])
    expect(desk.agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    before = get_ticket(desk.agent, t["id"])
    for raw in (corpus.out_of_office(customer, f"[#{t['id']}] Laptop"),
                corpus.plain(customer, f"Re: [#{t['id']}] Laptop", "away", headers={"X-Autoreply": "yes"}),
                corpus.plain(customer, f"Re: [#{t['id']}] Laptop", "bulk", headers={"Precedence": "bulk"})):
        r = desk.deliver(raw)
        assert r["outcome"] == "auto_reply" and r["ticket_id"] == t["id"], r
    after = get_ticket(desk.agent, t["id"])
    assert after["status"] == "resolved" and after["version"] == before["version"]
    time.sleep(1.5)  # the job runner had time to answer, if it wrongly would
    assert not desk.sink.matching(to(sender)), "an auto-reply got an answer"
    tickets = expect(desk.agent.get("/api/v1/tickets", params={"customer": sender}), 200)
    assert tickets["items"] == []


def test_a_bounce_marks_the_address_and_stops_its_survey(desk):
    t, sender = new_mail_ticket(desk)
    ack = desk.sent_to(sender, what=f"[#{t['id']}]")[0]
    r = desk.deliver(corpus.bounce(sender, ack.header("Message-ID"), ack.subject))
    assert r["outcome"] == "bounce" and r["ticket_id"] == t["id"]
    assert sender in r["reason"] and "5.1.1" in r["reason"]
    bouncing = desk.mail_of(t["id"])["customer_bouncing"]
    assert bouncing and "5.1.1" in bouncing["reason"]
    customer = expect(desk.agent.get(f"/api/v1/customers/{t['customer']['id']}"), 200)
    assert customer["bouncing"] == bouncing  # the customer shows it too
    agent_reply(desk, t["id"])
    expect(desk.agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    wait_until(lambda: get_ticket(desk.agent, t["id"])["status"] == "closed", timeout=10,
               what="the ticket to close without a survey")
    assert not desk.sink.matching(lambda m: sender in m.rcpt_tos and "/survey/" in m.text)
    # A mail from the address proves it works again.
    desk.deliver(corpus.plain(sender, "New question", "Hello again"))
    assert desk.mail_of(t["id"])["customer_bouncing"] is None
    assert expect(desk.agent.get(f"/api/v1/customers/{t['customer']['id']}"), 200)["bouncing"] is None


def test_survey_reply_by_mail_reopens_the_ticket(desk):
    t, sender = new_mail_ticket(desk)
    agent_reply(desk, t["id"])
    expect(desk.agent.post(f"/api/v1/tickets/{t['id']}/status", {"status": "resolved"}), 200)
    survey = desk.sink.wait_for(lambda m: sender in m.rcpt_tos and "/survey/" in m.text)[0]
    wait_until(lambda: get_ticket(desk.agent, t["id"])["status"] == "follow_up",
               what="the survey to be recorded as sent")
    raw = corpus.gmail_reply(sender, "Cus Tomer", f"Re: {survey.subject}",
                             "No, it is not fixed at all.", survey.text,
                             in_reply_to=survey.header("Message-ID"),
                             references=survey.header("References").split() + [survey.header("Message-ID")])
    r = desk.deliver(raw)
    assert r["outcome"] == "reply" and r["ticket_id"] == t["id"], r
    after = get_ticket(desk.agent, t["id"])
    assert after["status"] == "open" and after["times"]["reopen_count"] == 1
    assert desk.messages(t["id"])[-1]["body"] == "No, it is not fixed at all."


# -------------------------------------------------------------------------------- quarantine


def test_quarantine_holds_suspicious_mail_for_admins_to_release_or_drop(desk):
    own = desk.deliver(corpus.plain(FROM, "Loop?", "from ourselves"))
    assert own["outcome"] == "quarantined" and "own address" in own["reason"]
    nofrom = desk.deliver(b"Subject: nobody\r\nMessage-ID: <" + uniq().encode() + b"@x>\r\n\r\nhi\r\n")
    assert nofrom["outcome"] == "quarantined" and "sender" in nofrom["reason"]
    program = desk.deliver(corpus.with_attachment(address(), "Invoice", "open it", "invoice.pdf.exe",
                                                  b"MZ" + os.urandom(100), "application/octet-stream"))
    assert program["outcome"] == "quarantined" and "program" in program["reason"]
    big = desk.deliver(corpus.plain(address(), "Big", "x" * 70000))
    assert big["outcome"] == "quarantined" and big["reason"].startswith("oversized")
    for r in (own, nofrom, program, big):
        assert r["ticket_id"] is None

    listed = expect(desk.admin.get("/api/v1/mail/quarantine", params={"limit": 200}), 200)["items"]
    ids = {m["id"] for m in listed}
    assert {own["mail_id"], nofrom["mail_id"], program["mail_id"], big["mail_id"]} <= ids
    entry = next(m for m in listed if m["id"] == program["mail_id"])
    assert entry["state"] == "quarantined" and entry["subject"] == "Invoice"

    released = expect(desk.admin.post(f"/api/v1/mail/quarantine/{program['mail_id']}/release"), 200)
    assert released["outcome"] == "ticket" and released["ticket_id"]
    assert get_ticket(desk.agent, released["ticket_id"])["channel"] == "email"
    big_released = expect(desk.admin.post(f"/api/v1/mail/quarantine/{big['mail_id']}/release"), 200)
    assert big_released["outcome"] == "ticket"
    problem(desk.admin.post(f"/api/v1/mail/quarantine/{program['mail_id']}/release"), 409, "conflict")
    problem(desk.admin.post(f"/api/v1/mail/quarantine/{nofrom['mail_id']}/release"), 422)
    dropped = expect(desk.admin.post(f"/api/v1/mail/quarantine/{nofrom['mail_id']}/drop"), 200)
    assert dropped["outcome"] == "dropped"
    problem(desk.admin.post(f"/api/v1/mail/quarantine/{nofrom['mail_id']}/drop"), 409, "conflict")
    problem(desk.admin.post("/api/v1/mail/quarantine/999999/release"), 404, "not_found")
    left = {m["id"] for m in expect(desk.admin.get("/api/v1/mail/quarantine"), 200)["items"]}
    assert program["mail_id"] not in left and nofrom["mail_id"] not in left
    assert own["mail_id"] in left


# --------------------------------------------------------------------------- authz and input


def test_who_may_call_the_mail_endpoints(desk):
    raw = corpus.plain(address(), "Authz", "x")
    anon = desk.srv.client()
    problem(desk.post(raw, anon), 401, "unauthenticated")
    # A signed-in person is not an MTA: only API tokens deliver mail.
    problem(desk.post(raw, desk.admin), 403, "forbidden")
    problem(anon.get("/api/v1/mail/quarantine"), 401)
    problem(desk.agent.get("/api/v1/mail/quarantine"), 403, "forbidden")
    problem(desk.supervisor.get("/api/v1/mail/quarantine"), 403, "forbidden")
    problem(desk.mta.get("/api/v1/mail/quarantine"), 403, "forbidden")  # an agent token
    problem(desk.agent.post("/api/v1/mail/quarantine/1/release"), 403, "forbidden")
    problem(desk.agent.post("/api/v1/mail/quarantine/1/drop"), 403, "forbidden")
    problem(anon.get("/api/v1/mail/inbound/1/raw"), 401)
    problem(anon.get("/api/v1/tickets/1/mail"), 401)


def test_bad_input_is_refused_and_stores_nothing(desk):
    before = len(expect(desk.admin.get("/api/v1/mail/quarantine", params={"limit": 200}), 200)["items"])
    r = desk.mta.request("POST", "/api/v1/mail/inbound", body=b"From: a@b.c\r\n\r\nx",
                         headers={"Content-Type": "text/plain"})
    p = problem(r, 415, "unsupported_media_type")
    assert p["errors"][0]["field"] == "Content-Type"
    r = desk.mta.request("POST", "/api/v1/mail/inbound", body=b"",
                         headers={"Content-Type": "message/rfc822"})
    assert problem(r, 400)["errors"][0]["field"] == "body"
    assert problem(desk.post(b"From: a@b.c\r\n\r\nx", mailbox="nope"), 400)["errors"][0]["field"] == "mailbox"
    assert problem(desk.post(b"From: a@b.c\r\n\r\nx", color="red"), 400)["errors"][0]["field"] == "color"
    problem(desk.admin.get("/api/v1/mail/quarantine", params={"limit": 0}), 400)
    problem(desk.admin.get("/api/v1/mail/quarantine", params={"after": "x"}), 400)
    problem(desk.agent.get("/api/v1/mail/inbound/999999/raw"), 404, "not_found")
    problem(desk.agent.get("/api/v1/tickets/999999/mail"), 404, "not_found")
    after = len(expect(desk.admin.get("/api/v1/mail/quarantine", params={"limit": 200}), 200)["items"])
    assert after == before


# ------------------------------------------------------------------------------ mail-in CLI


def test_mail_in_files_stdin_with_sysexits_statuses(desk):
    sender = address()
    raw = corpus.plain(sender, "Via Postfix", "Piped in by the MTA.")
    db = str(desk.srv.db)
    run = lambda data, *args: __import__("subprocess").run(  # noqa: E731
        [HELPDESK_BIN, "mail-in", "--db", db, *args], input=data, capture_output=True,
        env=desk.srv.env, timeout=30)
    r = run(raw)
    assert r.returncode == 0, r.stderr
    assert b"ticket" in r.stdout
    tickets = expect(desk.agent.get("/api/v1/tickets", params={"customer": sender}), 200)["items"]
    assert len(tickets) == 1 and tickets[0]["channel"] == "email"
    again = run(raw)
    assert again.returncode == 0 and b"duplicate" in again.stdout
    assert run(b"").returncode == 66          # EX_NOINPUT
    assert run(raw, "--mailbox", "nope").returncode == 64  # EX_USAGE
    # The database can't be reached now: the MTA must keep the mail and try again later.
    r = __import__("subprocess").run(
        [HELPDESK_BIN, "mail-in", "--db", "/nonexistent/dir/helpdesk.db"], input=raw,
        capture_output=True, env=desk.srv.env, timeout=30)
    assert r.returncode == 75, r.stderr


def test_mailboxes_route_new_tickets_to_their_team_and_priority(make_server_with_sink):
    desk, team = make_server_with_sink
    r = desk.deliver(corpus.plain(address(), "Invoice wrong", "Please fix"), mailbox="billing")
    t = get_ticket(desk.agent, r["ticket_id"])
    assert t["team_id"] == team and t["priority"] == "high"
    r = desk.deliver(corpus.plain(address(), "Hello", "General question"))
    t = get_ticket(desk.agent, r["ticket_id"])
    assert t["team_id"] is None and t["priority"] == "normal"


@pytest.fixture
def make_server_with_sink(tmp_path):
    sink = SmtpSink().start()
    srv = boot(tmp_path / "routes", env_for(sink))
    try:
        admin = srv.client()
        expect(admin.login("admin@x.test"), 200)
        team = expect(admin.post("/api/v1/teams", {"name": "Billing"}), 201)["id"]
        srv.stop()
        srv.env["HELPDESK_MAIL_IN_MAILBOXES"] = f"billing={team}/high"
        srv.start()
        yield Desk(srv, sink), team
        srv.stop()
    finally:
        srv.kill_quietly()
        sink.stop()


# ------------------------------------------------------------------------------- durability


def test_a_mail_stored_but_not_filed_is_filed_at_the_next_start(tmp_path):
    sink = SmtpSink().start()
    srv = boot(tmp_path / "recover", env_for(sink))
    try:
        Desk(srv, sink)  # the server is up and serving before it is stopped
        srv.stop()
        sender = address()
        raw = corpus.plain(sender, "Stored before a crash", "Filed after the restart.")
        key = [l for l in raw.split(b"\r\n") if l.startswith(b"Message-ID:")][0].split(b" ", 1)[1]
        with sqlite3.connect(srv.db) as db:  # what a crash between the two commits leaves
            db.execute("INSERT INTO inbound_mails(dedup_key, message_id, source, raw, size, received_at)"
                       " VALUES (?, ?, 'api', ?, ?, 0)", (key.decode(), key.decode(), raw, len(raw)))
        srv.start()
        desk = Desk(srv, sink)
        tickets = expect(desk.agent.get("/api/v1/tickets", params={"customer": sender}), 200)["items"]
        assert len(tickets) == 1
        assert desk.messages(tickets[0]["id"])[0]["body"] == "Filed after the restart."
        assert desk.deliver(raw)["outcome"] == "duplicate"
        srv.stop()
    finally:
        srv.kill_quietly()
        sink.stop()


def test_kill_9_during_intake_loses_nothing_and_doubles_nothing(tmp_path):
    """Many relays deliver at once; the server is killed with SIGKILL in the middle. Each relay
    retries what it did not see answered (as an MTA does). Afterwards every mail is exactly one
    ticket."""
    sink = SmtpSink().start()
    srv = boot(tmp_path / "kill", env_for(sink))
    try:
        desk = Desk(srv, sink)
        mails = [corpus.plain(address(), f"Crash {i}", f"Mail number {i}") for i in range(120)]
        answered: dict[int, dict] = {}
        lock = threading.Lock()

        def relay(indices):
            for i in indices:
                try:
                    r = desk.post(mails[i])
                except OSError:
                    return
                if r.status == 202:
                    with lock:
                        answered[i] = r.json()

        threads = [threading.Thread(target=relay, args=(range(k, 120, 6),)) for k in range(6)]
        for th in threads:
            th.start()
        wait_until(lambda: len(answered) >= 20, timeout=30, what="some mails accepted")
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait()
        srv.proc = None
        for th in threads:
            th.join(30)
        assert len(answered) < 120, "the kill came too late to test anything"
        srv.start()
        desk = Desk(srv, sink)
        outcomes = {}
        for i, raw in enumerate(mails):
            r = desk.deliver(raw)  # the relay's retry (and a check for the answered ones)
            outcomes[i] = r
            assert r["ticket_id"], r
            if i in answered:
                assert r["outcome"] == "duplicate" and r["ticket_id"] == answered[i]["ticket_id"]
        assert len({r["ticket_id"] for r in outcomes.values()}) == 120
        for i in range(0, 120, 7):
            sender = corpus_sender(mails[i])
            found = expect(desk.agent.get("/api/v1/tickets", params={"customer": sender}), 200)
            assert len(found["items"]) == 1
        srv.stop()
    finally:
        srv.kill_quietly()
        sink.stop()


def corpus_sender(raw: bytes) -> str:
    line = next(l for l in raw.split(b"\r\n") if l.startswith(b"From:"))
    return line.split(b" ", 1)[1].decode().strip()
