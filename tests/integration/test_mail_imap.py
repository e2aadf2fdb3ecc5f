"""Inbound mail from IMAP: a real dovecot on loopback (imap_server.py), the real helpdesk
binary reading it. Mails go in by IMAP APPEND; flags and folders are read back from dovecot.
"""
from __future__ import annotations

import time

import pytest

import mail_corpus as corpus
from harness import boot, expect, get_ticket, uniq
from imap_server import PASSWORD, USER, imap  # noqa: F401 (fixture)
from smtp_sink import Controller, SmtpSink

if Controller is None:
    pytest.skip("aiosmtpd is not installed (Debian: apt install python3-aiosmtpd)",
                allow_module_level=True)


def env_for(sink: SmtpSink, imap_server, after: str = "seen") -> dict[str, str]:
    return {
        "HELPDESK_MAIL_SMTP_URL": sink.url,
        "HELPDESK_MAIL_FROM": "Helpdesk <help@support.test>",
        "HELPDESK_MAIL_IN_IMAP": f"support={imap_server.url}",
        "HELPDESK_MAIL_IN_IMAP_USERNAME": USER,
        "HELPDESK_MAIL_IN_IMAP_PASSWORD": PASSWORD,
        "HELPDESK_MAIL_IN_IMAP_STARTTLS": "false",  # loopback test server without TLS
        "HELPDESK_MAIL_IN_IMAP_AFTER": after,
        "HELPDESK_MAIL_IN_IMAP_INTERVAL": "300ms",
    }


def wait_until(check, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        assert time.monotonic() < deadline, f"timed out waiting for {what}; last: {got!r}"
        time.sleep(0.1)


def tickets_of(agent, address: str) -> list[dict]:
    return expect(agent.get("/api/v1/tickets", params={"customer": address}), 200)["items"]


@pytest.fixture
def sink():
    s = SmtpSink().start()
    yield s
    s.stop()


def address() -> str:
    return f"{uniq('i')}@customer.test"


def test_imap_mail_becomes_tickets_and_is_marked_only_after_commit(tmp_path, imap, sink):
    a, b, c = address(), address(), address()
    plain = corpus.plain(a, "Über IMAP", "Grüße, der Server ist weg.", charset="iso-8859-1")
    imap.append(plain)
    imap.append(corpus.html_only(b, "HTML only", "<p>Hello <b>there</b></p>"))
    imap.append(plain)  # the same mail twice in the mailbox: one ticket
    imap.append(corpus.out_of_office(c, "Your request"))
    assert all("Seen" not in f for f in imap.flags().values())
    srv = boot(tmp_path / "srv", env_for(sink, imap))
    try:
        agent = srv.client()
        expect(agent.login("agent@x.test"), 200)
        wait_until(lambda: tickets_of(agent, a) and tickets_of(agent, b), what="IMAP tickets")
        wait_until(lambda: all("\\Seen" in f for f in imap.flags().values()) and len(imap.flags()) == 4,
                   what="every message flagged \\Seen")
        ta = tickets_of(agent, a)
        assert len(ta) == 1 and ta[0]["channel"] == "email" and ta[0]["subject"] == "Über IMAP"
        msgs = expect(agent.get(f"/api/v1/tickets/{ta[0]['id']}/messages"), 200)["items"]
        assert msgs[0]["body"] == "Grüße, der Server ist weg."
        tb = tickets_of(agent, b)
        assert expect(agent.get(f"/api/v1/tickets/{tb[0]['id']}/messages"), 200)["items"][0]["body"] == "Hello there"
        assert tickets_of(agent, c) == []  # the auto-reply made no ticket

        # A mail that arrives while helpdesk is down is picked up after the start.
        srv.stop()
        late = address()
        imap.append(corpus.plain(late, "While you were down", "Anyone there?"))
        time.sleep(0.5)
        assert "\\Seen" not in imap.flags()[5]
        srv.start()
        agent = srv.client()
        expect(agent.login("agent@x.test"), 200)
        wait_until(lambda: tickets_of(agent, late), what="the mail sent during the outage")
        wait_until(lambda: "\\Seen" in imap.flags()[5], what="the late mail flagged")
        assert len(tickets_of(agent, a)) == 1 and len(tickets_of(agent, b)) == 1  # nothing again
        srv.stop()
    finally:
        srv.kill_quietly()


def test_imap_moves_filed_messages_and_survives_an_imap_outage(tmp_path, imap, sink):
    c = imap.client()
    c.create("Processed")
    c.logout()
    first = address()
    imap.append(corpus.plain(first, "Move me", "Please"))
    srv = boot(tmp_path / "srv", env_for(sink, imap, after="move:Processed"))
    try:
        agent = srv.client()
        expect(agent.login("agent@x.test"), 200)
        wait_until(lambda: tickets_of(agent, first), what="the first ticket")
        wait_until(lambda: imap.flags() == {} and len(imap.flags("Processed")) == 1,
                   what="the message moved to Processed")
        # The IMAP server goes away and comes back: the fetcher catches up.
        imap.stop()
        time.sleep(1)
        imap.start()
        second = address()
        imap.append(corpus.plain(second, "After the outage", "Back again"))
        wait_until(lambda: tickets_of(agent, second), what="the ticket after the IMAP outage")
        t = tickets_of(agent, second)[0]
        assert get_ticket(agent, t["id"])["subject"] == "After the outage"
        assert len(tickets_of(agent, first)) == 1
        srv.stop()
    finally:
        srv.kill_quietly()
