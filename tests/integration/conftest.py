"""Fixtures for the black-box suite: one shared server for tests that don't touch global
configuration, and a factory for private servers (limits, rate limits, restarts).

The classes live in harness.py so test modules can import them; this file only wires fixtures.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import (HELPDESK_BIN, PASSWORD, ROLES, Client, Server, boot, expect,
                     sanitizer_reports)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: waits for a server timeout (seconds)")


def pytest_sessionfinish(session, exitstatus):
    """A run that ran fewer tests than it collected fails: a skipped (or xfailed) test is a test
    that did not run, and a missing package must not turn into a quiet pass. No test at all is
    pytest's exit 5, which fails the run as well. (Deselecting with -k or -m is asked for.)"""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus != 0:
        return
    not_run = [r.nodeid for kind in ("skipped", "xfailed", "xpassed")
               for r in reporter.stats.get(kind, [])]
    if not_run:
        reporter.write_line(f"FAILED: {len(not_run)} test(s) did not run: {', '.join(not_run)}",
                            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not os.access(HELPDESK_BIN, os.X_OK):
        pytest.fail(f"HELPDESK_BIN={HELPDESK_BIN} is not an executable; build the server first",
                    pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shared server: migrated DB with admin@x.test, supervisor@x.test, agent@x.test."""
    srv = boot(tmp_path_factory.mktemp("shared"))
    try:
        yield srv
        srv.stop()
    finally:
        srv.kill_quietly()


@pytest.fixture(autouse=True)
def _shared_server_survives(request):
    """Fails the test after which the shared server is found dead, then restarts it on the
    same database so one crash doesn't turn every later test into 'connection refused'.
    (Clients look the port up per request, and sessions live in the database.)
    Also fails the test during which the shared server printed a sanitizer report."""
    srv = request.getfixturevalue("server") if "server" in request.fixturenames else None
    seen = len(srv.lines) if srv else 0
    yield
    if srv is None:
        return
    during = srv.lines[seen:]
    rc = srv.died()
    if rc is not None:
        log = srv.revive()
        for client, email in srv.fixture_clients:  # in case sessions didn't survive the crash
            client.cookies.clear()
            client.login(email, PASSWORD)
        pytest.fail(f"the shared server died (exit {rc}) during this test; restarted it.\n{log}",
                    pytrace=False)
    if sanitizer_reports(during):
        pytest.fail("the shared server printed a sanitizer report during this test:\n"
                    + "\n".join(during[-60:]), pytrace=False)


@pytest.fixture
def make_server(tmp_path):
    """Factory for a private server: make_server(env={...}) -> started Server with users.
    Each is stopped at teardown with the SIGTERM / exit 0 check."""
    started: list[Server] = []

    def make(env: dict[str, str] | None = None, users=ROLES, name: str | None = None) -> Server:
        srv = boot(tmp_path / (name or f"srv{len(started)}"), env, users)
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


def _login(srv: Server, role: str) -> Client:
    c = srv.client()
    expect(c.login(f"{role}@x.test", PASSWORD), 200)
    srv.fixture_clients.append((c, f"{role}@x.test"))
    return c


@pytest.fixture(scope="session")
def admin(server) -> Client:
    return _login(server, "admin")


@pytest.fixture(scope="session")
def supervisor(server) -> Client:
    return _login(server, "supervisor")


@pytest.fixture(scope="session")
def agent(server) -> Client:
    return _login(server, "agent")


@pytest.fixture
def anon(server) -> Client:
    return server.client()


def make_token(admin_client: Client, role: str, name: str) -> dict:
    return expect(admin_client.post("/api/v1/tokens", {"name": name, "role": role}), 201)


@pytest.fixture(scope="session")
def admin_token(admin) -> str:
    return make_token(admin, "admin", "suite-admin")["token"]


@pytest.fixture(scope="session")
def agent_token(admin) -> str:
    return make_token(admin, "agent", "suite-agent")["token"]


@pytest.fixture(scope="session")
def api(server, admin_token) -> Client:
    """An admin Bearer-token client: no cookies, no CSRF."""
    return server.client(token=admin_token)


@pytest.fixture(scope="session")
def user_ids(admin) -> dict[str, int]:
    users = expect(admin.get("/api/v1/users"), 200)["items"]
    by_email = {u["email"]: u["id"] for u in users}
    return {role: by_email[f"{role}@x.test"] for role in ROLES}
