"""A real SMTP server on loopback for the black-box tests: aiosmtpd (Debian's python3-aiosmtpd)
runs in-process on its own thread and keeps every message it accepts.

It can be stopped and started again on the same port (the mail server goes down, then comes
back), and it can hold a transaction open (`hold()`) so that a test can act while a mail is in
flight. Messages are parsed with Python's email package (policy=default), so bodies come back
decoded from quoted-printable.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable

import pytest

# A missing aiosmtpd fails the collection (and so the run): a mail test never quietly skips.
try:
    from aiosmtpd.controller import Controller
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError("aiosmtpd is missing: bash scripts/install-deps.sh installs Debian's "
                      "python3-aiosmtpd") from e


@dataclass
class Received:
    """One accepted message: the envelope and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    at: float
    msg: EmailMessage = field(init=False)

    def __post_init__(self) -> None:
        self.msg = email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[assignment]

    def header(self, name: str) -> str | None:
        v = self.msg.get(name)
        return None if v is None else str(v)

    @property
    def subject(self) -> str:
        return self.header("Subject") or ""

    @property
    def to(self) -> str:
        return self.header("To") or ""

    def part(self, subtype: str) -> str:
        """The decoded text of the text/<subtype> part ('' if there is none)."""
        for p in self.msg.walk():
            if p.get_content_type() == f"text/{subtype}":
                return p.get_content()
        return ""

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def links(self, pattern: str) -> list[str]:
        """Every URL in the text and HTML parts matching the regex `pattern`, in order."""
        found = re.findall(r"https?://[^\s\"'<>]+", self.text + "\n" + self.html)
        return [u for u in found if re.search(pattern, u)]

    def __repr__(self) -> str:
        return f"<mail to={self.rcpt_tos} subject={self.subject!r} id={self.header('Message-ID')}>"


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd hook
        # A recipient the sink was told to refuse gets a permanent refusal in its own words.
        if address in self.sink.refused:
            return self.sink.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        self.sink._entered()
        # While held, the transaction stays open (the client waits for the reply to DATA).
        while self.sink._held.is_set():
            await asyncio.sleep(0.02)
        # A client that went away while held (a crash) never got the 250: not delivered.
        # (aiosmtpd normally cancels this coroutine then; this covers a late cancel.)
        if getattr(server, "transport", None) is None or server.transport.is_closing():
            return "421 client gone"
        received = Received(envelope.mail_from, list(envelope.rcpt_tos),
                            bytes(envelope.original_content or envelope.content), time.monotonic())
        self.sink._accept(received)
        if self.sink.on_accept is not None:
            self.sink.on_accept(received)  # runs before the client hears the 250
        return "250 OK: queued"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SmtpSink:
    """start()/stop() bring the server up and down on one fixed port; `messages` keeps what
    arrived across restarts."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, **smtp_options):
        """`smtp_options` go to aiosmtpd's Controller: `ssl_context` (implicit TLS),
        `tls_context` and `require_starttls` (STARTTLS), `authenticator`, `auth_require_tls`..."""
        self.host = host
        self.port = port or free_port(host)
        self.smtp_options = smtp_options
        self.messages: list[Received] = []
        self.sessions = 0  # DATA commands that reached the handler (held ones included)
        self._cond = threading.Condition()
        self._held = threading.Event()
        self._controller = None
        # address -> the reply ("550 5.1.1 ...") that refuses it at RCPT TO
        self.refused: dict[str, str] = {}
        # called after a mail is accepted, before the 250 is sent (to stage a crash right then)
        self.on_accept: Callable[["Received"], None] | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self, timeout: float = 10) -> "SmtpSink":
        assert self._controller is None, "already running"
        deadline = time.monotonic() + timeout
        while True:  # the port may linger briefly after a stop
            controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                    ready_timeout=5, **self.smtp_options)
            try:
                controller.start()
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._controller = controller
        return self

    def stop(self) -> None:
        """Down: connections to the port are refused until start()."""
        if self._controller is not None:
            self._held.clear()
            self._controller.stop()
            self._controller = None

    # -- holding a transaction open ---------------------------------------------------------
    def hold(self) -> None:
        """From now on, DATA is not answered until release()."""
        self._held.set()

    def release(self) -> None:
        self._held.clear()

    def wait_for_session(self, timeout: float = 10) -> None:
        """Waits until a client is inside DATA (useful with hold())."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.sessions == 0:
                left = deadline - time.monotonic()
                assert left > 0, "no SMTP client reached DATA in time"
                self._cond.wait(left)

    # -- what arrived ----------------------------------------------------------------------
    def _accept(self, m: Received) -> None:
        with self._cond:
            self.messages.append(m)
            self._cond.notify_all()

    def _entered(self) -> None:
        with self._cond:
            self.sessions += 1
            self._cond.notify_all()

    def matching(self, pred: Callable[[Received], bool] = lambda m: True) -> list[Received]:
        with self._cond:
            return [m for m in self.messages if pred(m)]

    def wait_for(self, pred: Callable[[Received], bool] = lambda m: True, count: int = 1,
                 timeout: float = 15) -> list[Received]:
        """Waits until at least `count` messages match; returns all that match."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [m for m in self.messages if pred(m)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(found)} of {count} expected mails within {timeout}s; "
                        f"all received: {self.messages}")
                self._cond.wait(left)


def to(address: str) -> Callable[[Received], bool]:
    """Matches mails whose envelope recipients include `address`."""
    return lambda m: address in m.rcpt_tos


@pytest.fixture
def smtp():
    """A running SmtpSink; stopped at teardown."""
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
