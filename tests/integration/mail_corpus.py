"""Realistic inbound mails for the tests and the benchmark: what Gmail, Outlook, Apple Mail,
webshops, mail servers and autoresponders actually send, as raw RFC 5322 bytes (CRLF).

Built with Python's email package where it writes what real clients write, and by hand where
the point is the exact bytes (charsets, RFC 2047 words, DSNs).
"""
from __future__ import annotations

import base64
import secrets
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, format_datetime
from datetime import datetime, timezone


def msgid(domain: str = "mail.example.com") -> str:
    return f"<{secrets.token_hex(8)}.{secrets.token_hex(4)}@{domain}>"


def _date() -> str:
    return format_datetime(datetime.now(timezone.utc))


def plain(sender: str, subject: str, body: str, *, name: str = "", message_id: str | None = None,
          in_reply_to: str | None = None, references: list[str] | None = None,
          cc: list[str] | None = None, to: str = "help@support.test",
          headers: dict[str, str] | None = None, charset: str = "utf-8") -> bytes:
    """A text/plain mail (quoted-printable when it isn't ASCII), as most clients send it."""
    m = EmailMessage(policy=SMTP)
    m["From"] = formataddr((name, sender)) if name else sender
    m["To"] = to
    if cc:
        m["Cc"] = ", ".join(cc)
    m["Subject"] = subject
    m["Date"] = _date()
    m["Message-ID"] = message_id if message_id is not None else msgid()
    if in_reply_to:
        m["In-Reply-To"] = in_reply_to
    if references:
        m["References"] = " ".join(references)
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body, charset=charset, cte="quoted-printable" if charset != "us-ascii" else "7bit")
    return m.as_bytes()


def gmail_reply(sender: str, name: str, subject: str, answer: str, quoted: str, *,
                in_reply_to: str | None, references: list[str] | None) -> bytes:
    """Gmail's multipart/alternative reply with the quoted history below "On ... wrote:"."""
    m = EmailMessage(policy=SMTP)
    m["From"] = formataddr((name, sender))
    m["To"] = "Helpdesk <help@support.test>"
    m["Subject"] = subject
    m["Date"] = _date()
    m["Message-ID"] = msgid("mail.gmail.com")
    if in_reply_to:
        m["In-Reply-To"] = in_reply_to
    if references:
        m["References"] = " ".join(references)
    quoted_lines = "\n".join("> " + line for line in quoted.splitlines())
    m.set_content(f"{answer}\n\nOn Mon, 23 Nov 2026 at 09:00, Helpdesk <help@support.test> wrote:\n\n"
                  f"{quoted_lines}\n")
    m.add_alternative(f'<div dir="ltr">{answer}</div><br><div class="gmail_quote">'
                      f'<div dir="ltr" class="gmail_attr">On Mon, 23 Nov 2026 at 09:00, Helpdesk '
                      f'&lt;help@support.test&gt; wrote:<br></div><blockquote class="gmail_quote">'
                      f'{quoted}</blockquote></div>', subtype="html")
    return m.as_bytes()


def outlook_reply(sender: str, name: str, subject: str, answer: str, quoted: str) -> bytes:
    """Outlook's reply in windows-1252 without References, the history under a From/Sent block."""
    body = (f"{answer}\r\n\r\n________________________________\r\nFrom: Helpdesk <help@support.test>\r\n"
            f"Sent: Monday, November 23, 2026 09:00\r\nTo: {name} <{sender}>\r\n"
            f"Subject: {subject}\r\n\r\n{quoted}\r\n")
    encoded = base64.encodebytes(body.encode("cp1252")).decode().replace("\n", "\r\n")
    headers = (f"From: {name} <{sender}>\r\nTo: Helpdesk <help@support.test>\r\n"
               f"Subject: {subject}\r\nDate: {_date()}\r\nMessage-ID: {msgid('eurprd01.prod.outlook.com')}\r\n"
               f"Content-Type: text/plain; charset=\"windows-1252\"\r\n"
               f"Content-Transfer-Encoding: base64\r\nMIME-Version: 1.0\r\n\r\n")
    return headers.encode() + encoded.encode()


def html_only(sender: str, subject: str, html: str, *, charset: str = "iso-8859-1") -> bytes:
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = "help@support.test"
    m["Subject"] = subject
    m["Message-ID"] = msgid("shop.example.net")
    m.set_content(html, subtype="html", charset=charset, cte="quoted-printable")
    return m.as_bytes()


def with_attachment(sender: str, subject: str, body: str, filename: str, data: bytes,
                    content_type: str = "application/pdf") -> bytes:
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = "help@support.test"
    m["Subject"] = subject
    m["Message-ID"] = msgid()
    m.set_content(body)
    maintype, subtype = content_type.split("/")
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return m.as_bytes()


def out_of_office(sender: str, subject: str) -> bytes:
    return plain(sender, f"Automatic reply: {subject}", "I am out of the office until Monday.",
                 headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"})


def bounce(failed: str, original_message_id: str, original_subject: str) -> bytes:
    """A Postfix-style RFC 3464 delivery status notification."""
    boundary = "B" + secrets.token_hex(6)
    return (
        f"From: MAILER-DAEMON@mx.support.test (Mail Delivery System)\r\n"
        f"To: help@support.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Auto-Submitted: auto-replied\r\nMessage-ID: {msgid('mx.support.test')}\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.support.test\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Helpdesk <help@support.test>\r\nTo: {failed}\r\nSubject: {original_subject}\r\n"
        f"Message-ID: {original_message_id}\r\n\r\n--{boundary}--\r\n"
    ).encode()
