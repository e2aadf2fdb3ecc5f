"""Mail over TLS against a real SMTP server (aiosmtpd): STARTTLS with AUTH LOGIN, implicit TLS
(smtps://), and the refusals: a wrong password, a certificate nobody vouched for, a server that
offers no STARTTLS to a client with a password. The certificate is made for each run with
openssl, and the server is told to trust it with [mail] ca_file.
"""
from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from harness import PASSWORD, Client, Server, expect, new_ticket, settle_jobs, uniq
from smtp_sink import SmtpSink, to

USER, SECRET = "helpdesk-mailer", "s3cret-mail-password"


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for localhost and 127.0.0.1: (cert.pem, key.pem)."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is missing: bash scripts/install-deps.sh installs it"
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "cert.pem", d / "key.pem"
    r = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-keyout", str(key), "-out", str(crt), "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return crt, key


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


class Logins:
    """aiosmtpd's authenticator: accepts USER/SECRET and records every attempt."""

    def __init__(self):
        self.attempts: list[tuple[str, str, str]] = []  # (mechanism, login, password)
        self._lock = threading.Lock()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        with self._lock:
            self.attempts.append((mechanism, login, password))
        # handled=False: aiosmtpd answers a refusal itself (535) instead of staying silent.
        return AuthResult(success=login == USER and password == SECRET, handled=False)


def mail_env(url: str, **extra: str) -> dict[str, str]:
    return {"HELPDESK_MAIL_SMTP_URL": url, "HELPDESK_MAIL_FROM": "Helpdesk <help@tls.test>",
            "HELPDESK_JOBS_FIRST_RETRY": "1s", "HELPDESK_JOBS_MAX_RETRY": "1s", **extra}


def acknowledged_ticket(srv) -> tuple[Client, Client, str]:
    """An e-mail ticket (whose customer gets a 'ticket received' mail); returns the agent and
    admin clients and the customer's address."""
    agent, admin = srv.client(), srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    expect(admin.login("admin@x.test", PASSWORD), 200)
    address = f"{uniq('tls')}@customer.test"
    new_ticket(agent, channel="email", customer={"email": address, "name": "Tee Ell"})
    return agent, admin, address


def mail_jobs(admin: Client) -> list[dict]:
    return [j for state in ("done", "queued", "dead")
            for j in expect(admin.get("/api/v1/jobs", params={"state": state}), 200)["items"]]


def test_starttls_with_auth_login(make_server, cert):
    logins = Logins()
    # Only LOGIN is offered, and nothing is accepted before STARTTLS: a delivered mail proves
    # that the session was encrypted and that the client logged in with AUTH LOGIN.
    sink = SmtpSink(tls_context=server_context(cert), require_starttls=True, authenticator=logins,
                    auth_require_tls=True, auth_required=True,
                    auth_exclude_mechanism=["PLAIN", "CRAM-MD5"]).start()
    try:
        srv = make_server(env=mail_env(f"smtp://localhost:{sink.port}",
                                       HELPDESK_MAIL_USERNAME=USER, HELPDESK_MAIL_PASSWORD=SECRET,
                                       HELPDESK_MAIL_CA_FILE=str(cert[0])))
        _, admin, address = acknowledged_ticket(srv)
        [m] = sink.wait_for(to(address))
        assert m.mail_from == "help@tls.test"
        assert logins.attempts == [("LOGIN", USER, SECRET)]
        settle_jobs(admin)
    finally:
        sink.stop()


# aiosmtpd warns of AUTH without STARTTLS; this server speaks TLS from the first byte.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(make_server, cert):
    logins = Logins()
    # An smtps:// server: TLS from the first byte (so the login needs no STARTTLS).
    sink = SmtpSink(ssl_context=server_context(cert), authenticator=logins,
                    auth_require_tls=False, auth_required=True).start()
    try:
        srv = make_server(env=mail_env(f"smtps://localhost:{sink.port}",
                                       HELPDESK_MAIL_USERNAME=USER, HELPDESK_MAIL_PASSWORD=SECRET,
                                       HELPDESK_MAIL_CA_FILE=str(cert[0])))
        _, _, address = acknowledged_ticket(srv)
        sink.wait_for(to(address))
        assert [(login, pw) for _, login, pw in logins.attempts] == [(USER, SECRET)]
    finally:
        sink.stop()


def test_wrong_password_is_refused_and_the_job_says_why(make_server, cert):
    logins = Logins()
    sink = SmtpSink(tls_context=server_context(cert), require_starttls=True, authenticator=logins,
                    auth_required=True).start()
    try:
        srv = make_server(env=mail_env(f"smtp://localhost:{sink.port}",
                                       HELPDESK_MAIL_USERNAME=USER,
                                       HELPDESK_MAIL_PASSWORD="not-the-password",
                                       HELPDESK_MAIL_CA_FILE=str(cert[0])))
        _, admin, address = acknowledged_ticket(srv)
        settle_jobs(admin)
        assert logins.attempts and all(pw == "not-the-password" for _, _, pw in logins.attempts)
        assert not sink.matching(to(address)), "a mail went through with a wrong password"
        failed = [j for j in mail_jobs(admin) if j["last_error"]]
        assert failed, f"no job records the refusal: {mail_jobs(admin)}"
        assert any("SMTP" in j["last_error"] for j in failed), failed
    finally:
        sink.stop()


def test_a_certificate_nobody_vouched_for_is_refused(make_server, cert):
    # Without ca_file the system's trust store is used, which does not know this certificate:
    # nothing may be sent, and certainly no password.
    logins = Logins()
    sink = SmtpSink(ssl_context=server_context(cert), authenticator=logins,
                    auth_require_tls=False).start()
    try:
        srv = make_server(env=mail_env(f"smtps://localhost:{sink.port}",
                                       HELPDESK_MAIL_USERNAME=USER, HELPDESK_MAIL_PASSWORD=SECRET))
        _, admin, address = acknowledged_ticket(srv)
        settle_jobs(admin)
        assert sink.sessions == 0 and not sink.matching(to(address))
        assert logins.attempts == [], "the password went to an unverified server"
        assert any(j["last_error"] for j in mail_jobs(admin)), mail_jobs(admin)
    finally:
        sink.stop()


def test_no_password_in_clear_when_starttls_is_not_offered(make_server, cert):
    # The server offers no STARTTLS (and would take a login in clear): with a password set and
    # a CA named, the client must refuse to go on rather than log in unencrypted.
    logins = Logins()
    sink = SmtpSink(authenticator=logins, auth_require_tls=False).start()
    try:
        srv = make_server(env=mail_env(f"smtp://localhost:{sink.port}",
                                       HELPDESK_MAIL_USERNAME=USER, HELPDESK_MAIL_PASSWORD=SECRET,
                                       HELPDESK_MAIL_CA_FILE=str(cert[0])))
        _, admin, address = acknowledged_ticket(srv)
        settle_jobs(admin)
        assert logins.attempts == [], "the password was sent in clear"
        assert not sink.matching(to(address))
    finally:
        sink.stop()


def test_an_unreadable_ca_file_stops_start_up(tmp_path):
    srv = Server(tmp_path / "bad", mail_env("smtp://localhost:25",
                                            HELPDESK_MAIL_CA_FILE=str(tmp_path / "missing.pem")))
    srv.migrate()
    with pytest.raises(AssertionError, match="exited with"):
        srv.start()
    assert any("mail.ca_file" in line for line in srv.lines), srv.log_tail()
    srv.kill_quietly()
