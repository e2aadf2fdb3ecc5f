"""The customer's side, black box: the public contact form (honeypot, per-address rate limit,
validation), the sign-in link by mail, the portal pages (list, conversation, reply with the
automatic state moves) and the mails a customer gets (acknowledgement with a sign-in link, agent
replies, sign-in links on request). Above all: a customer sees and touches only their own
tickets, whatever ids, cookies, CSRF values and link tokens they try.

Most tests share one server per module, wired to an aiosmtpd sink (tests/integration/smtp_sink.py)
and told apart by fresh customer addresses. The contact form and the link form allow 5 uses per
hour per client address (all tests come from 127.0.0.1), so tests that need more, or that leave
data behind that would disturb the shared server, boot a private one.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import urllib.parse

import pytest

from harness import (PASSWORD, Client, Response, Server, boot, expect, get_ticket, list_all,
                     new_ticket, settle_jobs, snapshot, uniq)
from smtp_sink import Received, SmtpSink

PUBLIC_URL = "https://portal.example.test"  # links in mails point here; tests use the real port
FROM_ADDRESS = "support@portal.example.test"
SIGN_IN = re.compile(re.escape(PUBLIC_URL) + r"(/my/sign-in/[A-Za-z0-9_\-]+)")
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
XSS_ESCAPED = "&lt;script&gt;alert("  # how the start of XSS reads once escaped
STATUS_TEXT = {"open": "Open: we are working on it", "pending": "Waiting for your reply",
               "resolved": "Resolved", "closed": "Closed"}


def server_env(sink: SmtpSink) -> dict[str, str]:
    return {
        "HELPDESK_MAIL_SMTP_URL": sink.url,
        "HELPDESK_MAIL_FROM": f"Helpdesk <{FROM_ADDRESS}>",
        "HELPDESK_SERVER_PUBLIC_URL": PUBLIC_URL,
        "HELPDESK_JOBS_FIRST_RETRY": "1s",
        "HELPDESK_JOBS_MAX_RETRY": "2s",
    }


# --------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sink():
    s = SmtpSink().start()
    try:
        yield s
    finally:
        s.stop()


def _login(srv: Server, role: str) -> Client:
    c = srv.client()
    expect(c.login(f"{role}@x.test", PASSWORD), 200)
    return c


@pytest.fixture(scope="module")
def portal(tmp_path_factory, sink):
    """The module's server: admin/supervisor/agent users, mail to the sink."""
    srv = boot(tmp_path_factory.mktemp("portal"), server_env(sink))
    try:
        yield srv
        srv.stop()
    finally:
        srv.kill_quietly()


@pytest.fixture(scope="module")
def agent(portal) -> Client:
    return _login(portal, "agent")


@pytest.fixture(scope="module")
def admin(portal) -> Client:
    return _login(portal, "admin")


@pytest.fixture
def private(tmp_path, sink):
    """A fresh server of the test's own (fresh rate-limit budget, nothing shared)."""
    started: list[Server] = []

    def make() -> Server:
        srv = boot(tmp_path / f"srv{len(started)}", server_env(sink), users=("admin",))
        started.append(srv)
        return srv

    yield make
    try:
        for s in started:
            if s.proc is not None:
                s.stop()
    finally:
        for s in started:
            s.kill_quietly()


# --------------------------------------------------------------------------------- helpers


def new_address(prefix: str = "c") -> str:
    return f"{uniq(prefix)}@customer.test"


class Browser:
    """A customer's browser: HTML in, form posts out, keeps the hd_customer cookie."""

    def __init__(self, srv: Server):
        self.http = srv.client()

    def get(self, path: str) -> Response:
        return self.http.get(path, headers={"Accept": "text/html"})

    def post(self, path: str, fields: dict[str, str] | None = None,
             raw: bytes | None = None) -> Response:
        body = raw if raw is not None else urllib.parse.urlencode(fields or {}).encode()
        return self.http.request("POST", path, body=body, headers={
            "Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"})

    @property
    def cookie(self) -> str | None:
        return self.http.cookies.get("hd_customer")

    def sign_in(self, link_path: str) -> Response:
        r = self.post(link_path)
        assert r.status == 303 and r.header("Location") == "/my", f"sign-in: {r!r}"
        assert self.cookie, "sign-in set no hd_customer cookie"
        return r

    def csrf(self, path: str = "/my") -> str:
        page = html(self.get(path), 200)
        m = CSRF_INPUT.search(page)
        assert m and re.fullmatch(r"[0-9a-f]{16,}", m.group(1)), f"no csrf input on {path}"
        return m.group(1)

    def reply(self, tid: int, body: str, csrf: str | None = "page") -> Response:
        fields = {"body": body}
        if csrf == "page":
            fields["csrf"] = self.csrf(f"/my/tickets/{tid}")
        elif csrf is not None:
            fields["csrf"] = csrf
        return self.post(f"/my/tickets/{tid}/messages", fields)


def html(r: Response, status: int) -> str:
    assert r.status == status, f"want {status}, got {r!r}"
    assert r.content_type == "text/html", f"want an HTML page, got {r!r}"
    return r.body.decode("utf-8")


def set_cookies(r: Response) -> list[str]:
    return r.headers.get_all("Set-Cookie") or []


def contact(b: Browser, email: str, subject: str = "Printer on fire",
            message: str = "It is on fire, please help.", name: str = "Cus Tomer",
            **extra: str) -> Response:
    return b.post("/support", {"name": name, "email": email, "subject": subject,
                               "message": message, "website": "", **extra})


def contact_ticket_id(r: Response) -> int:
    page = html(r, 201)
    m = re.search(r"request #(\d+)", page)
    assert m, f"no ticket number on the thank-you page: {page[-500:]}"
    return int(m.group(1))


def mails_to(sink: SmtpSink, address: str, kind: str | None = None) -> list[Received]:
    return sink.matching(lambda m: address in m.rcpt_tos and (kind is None or kind in m.subject))


def wait_mail(sink: SmtpSink, address: str, pred=lambda m: True, timeout: float = 10) -> Received:
    return sink.wait_for(lambda m: address in m.rcpt_tos and pred(m), timeout=timeout)[-1]


def link_of(m: Received) -> str:
    """The sign-in path of a mail; the text and the HTML part carry the same one."""
    text_links = SIGN_IN.findall(m.text)
    html_links = SIGN_IN.findall(m.html)
    assert text_links, f"no {PUBLIC_URL}/my/sign-in/... link in the text part of {m!r}:\n{m.text}"
    assert set(html_links) == set(text_links), f"text and HTML links differ: {m!r}"
    assert len(set(text_links)) == 1, f"several sign-in links in one mail: {text_links}"
    return text_links[0]


def web_ticket(agent: Client, sink: SmtpSink, subject: str | None = None,
               email: str | None = None, body: str = "It is on fire, please help.",
               name: str = "Cus Tomer") -> tuple[dict, str]:
    """A ticket through the API with channel web, and the sign-in path of its acknowledgement."""
    email = email or new_address()
    t = new_ticket(agent, subject=subject or f"Help {uniq('s')}", body=body, channel="web",
                   customer={"email": email, "name": name})
    m = wait_mail(sink, email, lambda m: f"[#{t['id']}]" in m.subject)
    return t, link_of(m)


def signed_in_customer(srv: Server, agent: Client, sink: SmtpSink,
                       **kw) -> tuple[Browser, dict]:
    t, link = web_ticket(agent, sink, **kw)
    b = Browser(srv)
    b.sign_in(link)
    return b, t


def messages(client: Client, tid: int) -> list[dict]:
    return expect(client.get(f"/api/v1/tickets/{tid}/messages"), 200)["items"]


def move(client: Client, tid: int, status: str) -> dict:
    return expect(client.post(f"/api/v1/tickets/{tid}/status", {"status": status}), 200)


def assert_escaped(page: str, where: str) -> None:
    low = page.lower()
    assert "<script" not in low and "<img" not in low, f"unescaped user text in {where}"
    assert XSS_ESCAPED in page, f"the escaped user text is missing from {where}"


def ticket_ids_listed(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/my/tickets/(\d+)"', page)}


def expire_links(srv: Server, link_path: str) -> None:
    """Makes one sign-in link expire by moving its expiry into the past in the database (the
    validity, 7 days, is not configurable). The server keeps only the BLAKE2b-256 hash."""
    token = link_path.rsplit("/", 1)[1]
    digest = hashlib.blake2b(token.encode(), digest_size=32).digest()
    db = sqlite3.connect(srv.db, timeout=10)
    try:
        with db:
            n = db.execute("UPDATE customer_links SET expires_at = ? WHERE token_hash = ?",
                           (int(time.time() * 1000) - 60_000, digest)).rowcount
        assert n == 1, "the link's row was not found by its hash"
    finally:
        db.close()


# --------------------------------------------------------------------------------- contact form


def test_contact_form_page(portal):
    r = Browser(portal).get("/support")
    page = html(r, 200)
    for field in ("name", "email", "subject", "message", "website"):
        assert f'name="{field}"' in page, f"contact form lacks the {field} field"
    assert 'action="/support"' in page and 'method="post"' in page
    # The honeypot is hidden from people (and from assistive technology).
    assert re.search(r'aria-hidden="true"[^>]*>.*name="website"', page), "honeypot not hidden"
    assert "default-src 'none'" in (r.header("Content-Security-Policy") or "")


def test_contact_form_creates_web_ticket_mail_and_portal(portal, agent, sink):
    b = Browser(portal)
    email, subject = new_address("web"), f"Router blinks {uniq('s')}"
    tid = contact_ticket_id(contact(b, email, subject, "It blinks red.\nSince Monday.",
                                    name="Wendy Web"))

    t = get_ticket(agent, tid)
    assert t["channel"] == "web" and t["status"] == "open" and t["subject"] == subject
    assert t["customer"]["email"] == email and t["customer"]["name"] == "Wendy Web"
    [msg] = messages(agent, tid)
    assert msg["author"]["kind"] == "customer" and not msg["internal"]
    assert msg["body"] == "It blinks red.\nSince Monday."

    # The acknowledgement: to the customer, about this ticket, with a sign-in link.
    m = wait_mail(sink, email)
    assert m.rcpt_tos == [email] and f"[#{tid}]" in m.subject and subject in m.subject
    assert f"#{tid}" in m.text
    link = link_of(m)

    # Opening the link (GET) shows a button and signs nobody in.
    r = b.get(link)
    page = html(r, 200)
    assert not set_cookies(r), f"GET of the sign-in link set a cookie: {set_cookies(r)}"
    assert f'action="{link}"' in page and 'method="post"' in page and email in page
    assert 'action="/my/link"' in html(b.get("/my"), 200), "a GET of the link signed in"

    # The button signs in: an HttpOnly, SameSite=Lax cookie, then /my.
    r = b.post(link)
    assert r.status == 303 and r.header("Location") == "/my", r
    [cookie] = set_cookies(r)
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert attrs[0].startswith("hd_customer=") and len(attrs[0]) > len("hd_customer=") + 20
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs, cookie

    home = html(b.get("/my"), 200)
    assert f"Signed in as {email}" in home
    assert ticket_ids_listed(home) == {tid}
    assert subject in home and STATUS_TEXT["open"] in home

    conv = html(b.get(f"/my/tickets/{tid}"), 200)
    assert f"#{tid} {subject}" in conv and f"Status: {STATUS_TEXT['open']}" in conv
    assert "It blinks red.\nSince Monday." in conv
    assert CSRF_INPUT.search(conv) and f'action="/my/tickets/{tid}/messages"' in conv


def test_ticket_received_mail_only_for_web_and_email_channels(portal, agent, admin, sink):
    quiet = {ch: new_address(ch) for ch in ("api", "phone", "chat")}
    for ch, email in quiet.items():
        new_ticket(agent, channel=ch, customer={"email": email})
    by_mail = new_address("mail")
    t = new_ticket(agent, channel="email", customer={"email": by_mail})
    m = wait_mail(sink, by_mail)
    assert f"[#{t['id']}]" in m.subject and link_of(m)
    web_ticket(agent, sink)  # the web one is acknowledged too (waits for its mail)
    settle_jobs(admin)
    for ch, email in quiet.items():
        assert not mails_to(sink, email), f"a {ch} ticket's customer got a mail"


def test_honeypot_filled_answers_200_and_creates_nothing(portal, agent, admin, sink):
    before = len(list_all(agent))
    email = new_address("bot")
    r = contact(Browser(portal), email, f"Cheap pills {uniq('s')}", website="http://spam.test")
    page = html(r, 200)
    assert "Thank you" in page and "#" not in page.split("<main>")[1], "looks like a real ticket"
    assert len(list_all(agent)) == before, "the honeypot submission created a ticket"
    assert expect(agent.get("/api/v1/customers", params={"q": email}), 200)["items"] == []
    settle_jobs(admin)
    assert not mails_to(sink, email), "the bot got a mail"


def test_invalid_contact_forms_get_422_and_no_ticket(private, sink):
    srv = private()
    admin = _login(srv, "admin")
    b = Browser(srv)
    cases = [
        {"email": "not-an-email"},
        {"email": "a@b"},
        {"email": f"{XSS}@x.test", "subject": XSS, "message": XSS, "name": XSS},
        {"subject": ""},
        {"message": ""},
    ]
    for case in cases:
        fields = {"name": "N", "email": new_address(), "subject": "S", "message": "M",
                  "website": "", **case}
        page = html(b.post("/support", fields), 422)
        assert 'class="error" role="alert"' in page and 'action="/support"' in page
    assert expect(admin.get("/api/v1/tickets"), 200)["items"] == []
    assert expect(admin.get("/api/v1/customers"), 200)["items"] == []


def test_invalid_contact_form_redisplays_escaped_values(private):
    srv = private()
    page = html(Browser(srv).post("/support", {"name": XSS, "email": f"{XSS}@x.test",
                                               "subject": XSS, "message": XSS}), 422)
    assert_escaped(page, "the refused contact form")
    assert page.count(XSS_ESCAPED) >= 4, "the fields are not filled in again"
    assert "valid email" in page


def test_sixth_contact_form_within_the_hour_is_429(private, sink):
    srv = private()
    admin = _login(srv, "admin")
    b = Browser(srv)
    for i in range(5):
        contact_ticket_id(contact(b, new_address(f"r{i}")))
    for _ in range(2):  # a different address each time: the limit is per client address
        r = contact(b, new_address("r6"))
        html(r, 429)
        retry = r.header("Retry-After")
        assert retry and retry.isdigit() and 0 < int(retry) <= 3600, f"Retry-After {retry!r}"
    assert len(list_all(admin)) == 5


# --------------------------------------------------------------------------------- sign-in links


def test_get_of_sign_in_link_signs_nobody_in(portal, agent, sink):
    t, link = web_ticket(agent, sink)
    b = Browser(portal)
    for _ in range(2):
        r = b.get(link)
        html(r, 200)
        assert not set_cookies(r), "a GET of the sign-in link set a cookie"
    assert not b.cookie
    assert b.get(f"/my/tickets/{t['id']}").status == 303, "not signed in: back to /my"
    # The GETs (a mail scanner, say) didn't use the link up: the button still works.
    b.sign_in(link)
    assert ticket_ids_listed(html(b.get("/my"), 200)) == {t["id"]}


def test_unknown_and_expired_sign_in_tokens_are_404(portal, agent, sink):
    t, link = web_ticket(agent, sink)
    token = link.rsplit("/", 1)[1]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    bad = [f"/my/sign-in/{uniq('t')}", f"/my/sign-in/{altered}", f"/my/sign-in/{token}x"]
    for path in bad:
        b = Browser(portal)
        for method in ("GET", "POST"):
            r = b.get(path) if method == "GET" else b.post(path)
            page = html(r, 404)
            assert "expired" in page and not set_cookies(r), f"{method} {path}: {r!r}"
    # An expired link: the same 404, for both the page and the button.
    expire_links(portal, link)
    b = Browser(portal)
    assert "expired" in html(b.get(link), 404)
    r = b.post(link)
    html(r, 404)
    assert not set_cookies(r) and not b.cookie
    assert 'action="/my/link"' in html(b.get("/my"), 200)


def test_link_request_same_answer_for_unknown_and_known_email(portal, agent, admin, sink):
    known = new_address("known")
    expect(agent.post("/api/v1/customers", {"email": known, "name": "Kno Wn"}), 201)
    unknown = new_address("nobody")

    r_unknown = Browser(portal).post("/my/link", {"email": unknown})
    r_known = Browser(portal).post("/my/link", {"email": known})
    r_invalid = Browser(portal).post("/my/link", {"email": "not-an-email"})
    assert html(r_unknown, 200) == html(r_known, 200) == html(r_invalid, 200), \
        "the answer tells known addresses from unknown ones"

    m = wait_mail(sink, known)
    assert m.rcpt_tos == [known] and "link" in m.subject.lower()
    b = Browser(portal)
    b.sign_in(link_of(m))
    home = html(b.get("/my"), 200)
    assert f"Signed in as {known}" in home and "You have no requests yet." in home
    settle_jobs(admin)
    assert not mails_to(sink, unknown), "an unknown address got a mail"
    assert len(mails_to(sink, known)) == 1


def test_sign_out_needs_csrf_and_ends_the_session(portal, agent, sink):
    b, t = signed_in_customer(portal, agent, sink)
    cookie = b.cookie
    for fields in ({}, {"csrf": "0" * 64}):
        r = b.post("/my/sign-out", fields)
        assert r.status == 403, r  # (the page kind is test_sign_out_refusal_is_an_html_page)
    assert b.cookie == cookie and f"/my/tickets/{t['id']}" in html(b.get("/my"), 200)

    r = b.post("/my/sign-out", {"csrf": b.csrf()})
    assert r.status == 303 and r.header("Location") == "/my", r
    assert any("hd_customer=;" in c.replace(" ", "") and "max-age=0" in c.lower()
               for c in set_cookies(r)), set_cookies(r)
    # The old cookie is dead on the server, not only forgotten by the browser.
    replay = Browser(portal)
    replay.http.cookies["hd_customer"] = cookie
    assert 'action="/my/link"' in html(replay.get("/my"), 200)
    assert replay.get(f"/my/tickets/{t['id']}").status == 303


# --------------------------------------------------------------------------------- replies


def test_reply_from_portal_and_automatic_moves(portal, agent, sink):
    b, t = signed_in_customer(portal, agent, sink)
    tid = t["id"]

    r = b.reply(tid, "Some more detail.\nLine two.")
    assert r.status == 303 and r.header("Location") == f"/my/tickets/{tid}", r
    last = messages(agent, tid)[-1]
    assert last["author"]["kind"] == "customer" and not last["internal"]
    assert last["body"] == "Some more detail.\nLine two."
    assert get_ticket(agent, tid)["status"] == "open"

    # Empty replies are refused and change nothing.
    before = snapshot(agent, tid)
    html(b.reply(tid, " \r\n\t "), 422)
    assert snapshot(agent, tid) == before

    # pending -> open on the customer's reply.
    move(agent, tid, "pending")
    assert f"Status: {STATUS_TEXT['pending']}" in html(b.get(f"/my/tickets/{tid}"), 200)
    assert b.reply(tid, "Here is the answer you asked for.").status == 303
    after = get_ticket(agent, tid)
    assert after["status"] == "open"
    events = expect(agent.get(f"/api/v1/tickets/{tid}/events"), 200)["items"]
    moved = [e for e in events if e["type"] == "status"][-1]
    assert moved["data"]["from"] == "pending" and moved["data"]["to"] == "open"
    assert moved["data"]["cause"] == "customer_message" and moved["actor"]["kind"] == "customer"
    assert f"Status: {STATUS_TEXT['open']}" in html(b.get(f"/my/tickets/{tid}"), 200)

    # resolved -> open is a reopen.
    move(agent, tid, "resolved")
    assert b.reply(tid, "It broke again.").status == 303
    after = get_ticket(agent, tid)
    assert after["status"] == "open" and after["times"]["reopen_count"] == 1
    assert after["message_count"] == 4


def test_reply_to_closed_ticket_creates_linked_ticket(portal, agent, admin, sink):
    b, t = signed_in_customer(portal, agent, sink)
    tid = t["id"]
    move(admin, tid, "closed")
    assert f"Status: {STATUS_TEXT['closed']}" in html(b.get(f"/my/tickets/{tid}"), 200)
    old = snapshot(agent, tid)

    r = b.reply(tid, "The problem is back.")
    assert r.status == 303, r
    m = re.fullmatch(r"/my/tickets/(\d+)", r.header("Location") or "")
    assert m, f"redirect to {r.header('Location')!r}"
    new_id = int(m.group(1))
    assert new_id != tid

    new = get_ticket(agent, new_id)
    assert new["linked_ticket_id"] == tid and new["status"] == "open"
    assert new["customer"]["id"] == t["customer"]["id"] and new["subject"] == t["subject"]
    assert [x["body"] for x in messages(agent, new_id)] == ["The problem is back."]
    closed = get_ticket(agent, tid)
    assert closed["status"] == "closed" and closed["message_count"] == old["ticket"]["message_count"]
    assert messages(agent, tid) == old["messages"]

    assert ticket_ids_listed(html(b.get("/my"), 200)) == {tid, new_id}
    conv = html(b.get(f"/my/tickets/{new_id}"), 200)
    assert "The problem is back." in conv and f"Status: {STATUS_TEXT['open']}" in conv


def test_reply_without_the_right_csrf_is_403_and_changes_nothing(portal, agent, sink):
    a, ta = signed_in_customer(portal, agent, sink)
    other, _ = signed_in_customer(portal, agent, sink)
    tid = ta["id"]
    before = snapshot(agent, tid)
    a_csrf = a.csrf(f"/my/tickets/{tid}")
    for csrf in (None, "", "0" * len(a_csrf), a_csrf[:-1], a_csrf.upper(), other.csrf()):
        r = a.reply(tid, "forged reply", csrf=csrf)
        html(r, 403)
    # The CSRF value travels in the form, not in a header or the query.
    r = a.http.request("POST", f"/my/tickets/{tid}/messages?csrf={a_csrf}",
                       body=b"body=forged+reply", headers={
                           "Content-Type": "application/x-www-form-urlencoded",
                           "X-CSRF-Token": a_csrf})
    assert r.status == 403, r
    assert snapshot(agent, tid) == before
    assert "forged reply" not in html(a.get(f"/my/tickets/{tid}"), 200)
    # The right one works.
    assert a.reply(tid, "real reply", csrf=a_csrf).status == 303


def test_agent_reply_mail_and_internal_notes_stay_internal(portal, agent, admin, sink):
    b, t = signed_in_customer(portal, agent, sink, name="Rita Reader")
    tid, email = t["id"], t["customer"]["email"]
    note = f"internal {uniq('note')} do not tell the customer"
    reply = f"Hello Rita,\n\nplease restart the router {uniq('reply')}.\nThen try again."
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": note, "internal": True}), 201)
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": reply}), 201)

    m = wait_mail(sink, email, lambda m: "restart the router" in m.text)
    assert m.rcpt_tos == [email] and f"[#{tid}]" in m.subject
    assert reply in m.text.replace("\r\n", "\n")
    assert "please restart the router" in m.html
    link = link_of(m)
    # The link in the reply mail signs in, to the conversation with the reply.
    c = Browser(portal)
    c.sign_in(link)
    conv = html(c.get(f"/my/tickets/{tid}"), 200)
    assert "please restart the router" in conv and "Agent" in conv

    for page in (conv, html(b.get(f"/my/tickets/{tid}"), 200), html(b.get("/my"), 200)):
        assert note.split()[1] not in page, "an internal note shows on the portal"
    settle_jobs(admin)
    assert not sink.matching(lambda m: note.split()[1].encode() in m.raw), "an internal note was mailed"
    # The acknowledgement and the one reply: the note made no mail of its own.
    assert len(mails_to(sink, email)) == 2, mails_to(sink, email)


def test_user_text_is_escaped_in_pages_and_mails(portal, agent, sink):
    b = Browser(portal)
    email = new_address("xss")
    tid = contact_ticket_id(contact(b, email, subject=f"Subject {XSS}", message=f"Body {XSS}",
                                    name=f"Name {XSS}"))
    m = wait_mail(sink, email)
    assert_escaped(m.html, "the acknowledgement mail")
    assert "Name &lt;script&gt;" in m.html and "Subject &lt;script&gt;" in m.html
    assert m.rcpt_tos == [email]

    sign_in_page = html(b.get(link_of(m)), 200)
    assert "<script" not in sign_in_page.lower()
    b.sign_in(link_of(m))
    assert_escaped(html(b.get("/my"), 200), "the ticket list")
    conv = html(b.get(f"/my/tickets/{tid}"), 200)
    assert_escaped(conv, "the conversation")
    assert f"Body {XSS_ESCAPED}" in conv and f"Subject {XSS_ESCAPED}" in conv

    assert b.reply(tid, f"Reply {XSS}").status == 303
    expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": f"Agent says {XSS}"}), 201)
    conv = html(b.get(f"/my/tickets/{tid}"), 200)
    assert_escaped(conv, "the conversation after replies")
    assert f"Reply {XSS_ESCAPED}" in conv and f"Agent says {XSS_ESCAPED}" in conv
    # The API keeps the text as written (escaping is the page's job).
    assert [x["body"] for x in messages(agent, tid)][-2:] == [f"Reply {XSS}", f"Agent says {XSS}"]

    reply_mail = wait_mail(sink, email, lambda m: "Agent says" in m.text)
    assert_escaped(reply_mail.html, "the agent reply mail")
    assert f"Agent says {XSS}" in reply_mail.text  # plain text stays plain


# --------------------------------------------------------------------------------- isolation


def test_customer_sees_only_own_tickets(portal, agent, sink):
    a, ta = signed_in_customer(portal, agent, sink, subject=f"Alpha {uniq('s')}")
    b, tb1 = signed_in_customer(portal, agent, sink, subject=f"Bravo {uniq('s')}")
    email_b = tb1["customer"]["email"]
    tb2, link_b = web_ticket(agent, sink, email=email_b, subject=f"Bravo two {uniq('s')}")
    b_ids = {tb1["id"], tb2["id"]}

    home_a = html(a.get("/my"), 200)
    assert ticket_ids_listed(home_a) == {ta["id"]}
    assert "Bravo" not in home_a and email_b not in home_a
    assert ticket_ids_listed(html(b.get("/my"), 200)) == b_ids

    # Every id there is, and some that aren't: only A's own opens; the rest answer the same 404.
    top = max(t["id"] for t in list_all(agent))
    missing = html(a.get(f"/my/tickets/{top + 1000}"), 404)
    for tid in range(1, top + 3):
        r = a.get(f"/my/tickets/{tid}")
        if tid == ta["id"]:
            html(r, 200)
        else:
            assert html(r, 404) == missing, f"ticket {tid}: a different answer than 'not found'"
    for weird in ("0", "-1", "abc", "99999999999999999999", f"{tb1['id']}.0", f"0{tb1['id']}"):
        r = a.get(f"/my/tickets/{weird}")
        assert r.status == 404 and "Bravo" not in r.body.decode(), f"{weird}: {r!r}"

    # Writing to B's ticket with A's session: the same 404, nothing changes.
    before = {tid: snapshot(agent, tid) for tid in b_ids}
    csrf_a = a.csrf()
    for tid in b_ids:
        assert html(a.reply(tid, "from A", csrf=csrf_a), 404) == missing
        html(a.reply(tid, "from A", csrf=b.csrf()), 403)  # B's csrf doesn't go with A's cookie
    assert html(a.reply(top + 1000, "from A", csrf=csrf_a), 404) == missing
    assert {tid: snapshot(agent, tid) for tid in b_ids} == before

    # Other tokens: a tampered cookie, a sign-in token, a staff session are no customer session.
    agent_cookie = next(iter(agent.cookies.values()))
    token_b = link_b.rsplit("/", 1)[1]
    for value in (a.cookie[:-1] + ("A" if a.cookie[-1] != "A" else "B"), token_b, agent_cookie,
                  "", "x" * 43):
        c = Browser(portal)
        c.http.cookies["hd_customer"] = value
        assert 'action="/my/link"' in html(c.get("/my"), 200), f"cookie {value!r} signed in"
        for tid in b_ids | {ta["id"]}:
            r = c.get(f"/my/tickets/{tid}")
            assert r.status == 303 and r.header("Location") == "/my", r
            r = c.reply(tid, "anonymous", csrf=csrf_a)
            assert r.status == 401 and b"Bravo" not in r.body, r
    assert {tid: snapshot(agent, tid) for tid in b_ids} == before

    # B's link signs in as B, and A's session stays A's.
    c = Browser(portal)
    c.sign_in(link_b)
    assert ticket_ids_listed(html(c.get("/my"), 200)) == b_ids
    assert ticket_ids_listed(html(a.get("/my"), 200)) == {ta["id"]}


# --------------------------------------------------------------------------------- bugs


def test_sign_out_refusal_is_an_html_page(portal, agent, sink):
    b, t = signed_in_customer(portal, agent, sink)
    page = html(b.post("/my/sign-out", {"csrf": "wrong"}), 403)
    assert "Reload the page" in page
    assert f"/my/tickets/{t['id']}" in html(b.get("/my"), 200)


def test_contact_form_subject_over_250_characters_is_refused(private):
    srv = private()
    admin = _login(srv, "admin")
    r = contact(Browser(srv), new_address(), subject="s" * 251)
    assert r.status == 422, r
    assert expect(admin.get("/api/v1/tickets"), 200)["items"] == []


def test_contact_form_with_invalid_utf8_keeps_the_api_valid(private):
    srv = private()
    admin = _login(srv, "admin")
    r = Browser(srv).post("/support", raw=(
        b"name=N&email=" + urllib.parse.quote(new_address()).encode()
        + b"&subject=%FF%FEbad&message=%C3%28body"))
    assert r.status in (201, 400, 422), r
    listing = admin.get("/api/v1/tickets")
    assert listing.status == 200
    listing.body.decode("utf-8")  # raises on invalid UTF-8
    listing.json()
