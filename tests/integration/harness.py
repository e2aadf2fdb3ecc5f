"""Black-box harness for the Helpdesk server: start/stop the real binary, talk HTTP to it.

Only the Python standard library is used (http.client, subprocess, socket) so the suite runs
with Debian's python3 + python3-pytest and nothing else.
"""
from __future__ import annotations

import http.client
import json as jsonlib
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

# The dev build of this checkout unless told otherwise (ctest passes the binary it built).
HELPDESK_BIN = os.environ.get(
    "HELPDESK_BIN", str(Path(__file__).resolve().parents[2] / "build/dev/server/helpdesk"))
PASSWORD = "password123!"
ROLES = ("agent", "supervisor", "admin")
STATUSES = ("open", "pending", "resolved", "follow_up", "closed")

LISTEN_RE = re.compile(r"listening on http://([\d.]+):(\d+)")
# What ASan, LSan and UBSan print. The dev build aborts on each (-fno-sanitize-recover), but a
# test expecting a failure status could still pass on an abort: the log is read as well.
SANITIZER_RE = re.compile(r"runtime error:|ERROR: \w*Sanitizer|SUMMARY: \w*Sanitizer|"
                          r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer")


def sanitizer_reports(lines: Iterable[str]) -> list[str]:
    """The lines of `lines` that belong to a sanitizer report (empty when there is none)."""
    return [ln for ln in lines if SANITIZER_RE.search(ln)]


def assert_no_sanitizer_report(lines: Iterable[str], what: str) -> None:
    lines = list(lines)
    found = sanitizer_reports(lines)
    if found:
        first = lines.index(found[0])
        report = "\n".join(lines[max(0, first - 2):first + 40])
        raise AssertionError(f"sanitizer report from {what}:\n{report}")
# API.md: RFC 3339 UTC with milliseconds, e.g. 2026-11-23T16:21:47.123Z
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Every route API.md documents, with the lowest role allowed to call it.
# None = public (no credentials needed). "any" = any authenticated caller.
DOCUMENTED_ROUTES: list[tuple[str, str, str | None]] = [
    ("GET", "/healthz", None),
    ("GET", "/readyz", None),
    ("GET", "/metrics", None),
    ("GET", "/api/v1/openapi.json", None),
    ("POST", "/api/v1/session", None),
    ("DELETE", "/api/v1/session", "any"),
    ("GET", "/api/v1/me", "agent"),
    ("GET", "/api/v1/tickets", "agent"),
    ("POST", "/api/v1/tickets", "agent"),
    ("GET", "/api/v1/tickets/{id}", "agent"),
    ("PATCH", "/api/v1/tickets/{id}", "agent"),
    ("POST", "/api/v1/tickets/{id}/messages", "agent"),
    ("GET", "/api/v1/tickets/{id}/messages", "agent"),
    ("POST", "/api/v1/tickets/{id}/status", "agent"),
    ("GET", "/api/v1/tickets/{id}/events", "agent"),
    ("GET", "/api/v1/users", "agent"),
    ("POST", "/api/v1/users", "admin"),
    ("PATCH", "/api/v1/users/{id}", "admin"),
    ("DELETE", "/api/v1/users/{id}", "admin"),
    ("GET", "/api/v1/teams", "agent"),
    ("POST", "/api/v1/teams", "supervisor"),
    ("PATCH", "/api/v1/teams/{id}", "supervisor"),
    ("DELETE", "/api/v1/teams/{id}", "supervisor"),
    ("GET", "/api/v1/customers", "agent"),
    ("POST", "/api/v1/customers", "agent"),
    ("GET", "/api/v1/customers/{id}", "agent"),
    ("PATCH", "/api/v1/customers/{id}", "agent"),
    ("GET", "/api/v1/tokens", "admin"),
    ("POST", "/api/v1/tokens", "admin"),
    ("DELETE", "/api/v1/tokens/{id}", "admin"),
    ("GET", "/api/v1/tickets/{id}/sla", "agent"),
    ("GET", "/api/v1/calendars", "agent"),
    ("POST", "/api/v1/calendars", "admin"),
    ("GET", "/api/v1/calendars/{id}", "agent"),
    ("PATCH", "/api/v1/calendars/{id}", "admin"),
    ("DELETE", "/api/v1/calendars/{id}", "admin"),
    ("GET", "/api/v1/calendars/{id}/due", "agent"),
    ("GET", "/api/v1/calendars/{id}/duration", "agent"),
    ("GET", "/api/v1/sla-policies", "agent"),
    ("POST", "/api/v1/sla-policies", "admin"),
    ("GET", "/api/v1/sla-policies/{id}", "agent"),
    ("PATCH", "/api/v1/sla-policies/{id}", "admin"),
    ("DELETE", "/api/v1/sla-policies/{id}", "admin"),
]


def uniq(prefix: str = "x") -> str:
    """A short lowercase alphanumeric name that no other test uses (also a single FTS token)."""
    return f"{prefix}{secrets.token_hex(5)}"


def ms(ts: str) -> int:
    """Parses an API time (RFC 3339 UTC with milliseconds) to epoch milliseconds."""
    assert isinstance(ts, str) and TIME_RE.match(ts), f"not an RFC 3339 UTC ms time: {ts!r}"
    dt = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return int(round(dt.timestamp() * 1000))


# --------------------------------------------------------------------------------------------
# Server process


class Server:
    """One `helpdesk serve` process on a temporary database.

    The database survives stop()/start(), so restart() proves durability. stop() insists on a
    graceful exit (SIGTERM -> exit code 0), as the run contract requires.
    """

    def __init__(self, workdir: Path, env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db = self.workdir / "helpdesk.db"
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.lines: list[str] = []
        self.fixture_clients: list[tuple["Client", str]] = []  # logged in again by revive
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None
        self._log = open(self.workdir / "server.log", "a", encoding="utf-8")

    # -- command line ------------------------------------------------------------------------
    def cli(self, *args: str, stdin: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
        """Runs `helpdesk ARGS`; fails on a sanitizer report whatever the exit code."""
        r = subprocess.run(
            [HELPDESK_BIN, *args], input=stdin, capture_output=True, text=True,
            env=self.env, timeout=timeout,
        )
        assert_no_sanitizer_report((r.stdout + r.stderr).splitlines(), f"helpdesk {' '.join(args)}")
        return r

    def migrate(self) -> None:
        r = self.cli("migrate", "--db", str(self.db))
        assert r.returncode == 0, f"migrate failed ({r.returncode}): {r.stdout}{r.stderr}"

    def add_user(self, email: str, name: str, role: str, password: str = PASSWORD) -> None:
        r = self.cli("user", "add", "--db", str(self.db), "--email", email, "--name", name,
                     "--role", role, stdin=password + "\n")
        assert r.returncode == 0, f"user add failed ({r.returncode}): {r.stdout}{r.stderr}"

    # -- process -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self.port, "server not started"
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20) -> "Server":
        assert self.proc is None, "already running"
        self._ready.clear()
        self.port = None
        self._log.write(f"---- start {time.strftime('%H:%M:%S')}\n")
        self.proc = subprocess.Popen(
            [HELPDESK_BIN, "serve", "--db", str(self.db), "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=self.env,
        )
        # The reader keeps draining stdout for the server's whole life: a full pipe would
        # otherwise block the server's logger and hang every request.
        self._reader = threading.Thread(target=self._read_output, args=(self.proc,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.proc = None
                raise AssertionError(f"server exited with {rc} before listening:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                raise AssertionError(f"no 'listening on' line within {timeout}s:\n{self.log_tail()}")
        return self

    def _read_output(self, proc: subprocess.Popen) -> None:
        for raw in proc.stdout:  # type: ignore[union-attr]
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            try:
                self._log.write(line + "\n")
                self._log.flush()
            except ValueError:  # log closed at teardown while the process still talked
                pass
            if not self._ready.is_set():
                m = LISTEN_RE.search(line)
                if m:
                    self.port = int(m.group(2))
                    self._ready.set()

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM and wait; asserts the graceful exit code 0 and a log free of sanitizer
        reports (LeakSanitizer reports at exit)."""
        assert self.proc is not None, "not running"
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"server ignored SIGTERM for {timeout}s:\n{self.log_tail()}")
        if self._reader:
            self._reader.join(5)
        assert_no_sanitizer_report(self.lines, "the server")
        assert rc == 0, f"server exit code {rc} after SIGTERM (want 0):\n{self.log_tail()}"
        return rc

    def died(self) -> int | None:
        """The exit code if the process ended on its own (a crash), else None."""
        return None if self.proc is None else self.proc.poll()

    def revive(self) -> str:
        """After a crash: reap the process, start again on the same DB, return the crash log.
        (conftest logs the fixture users in again afterwards.)"""
        tail = self.log_tail(60)
        if self._reader:
            self._reader.join(5)
        self.proc = None
        self.start()
        return tail

    def restart(self) -> "Server":
        self.stop()
        return self.start()

    def kill_quietly(self) -> None:
        """For teardown after a failed test: never leave a process behind."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        self._log.close()

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.lines[-n:])

    def client(self, token: str | None = None) -> "Client":
        return Client(self, token=token)


def boot(workdir: Path, env: dict[str, str] | None = None,
         users: Iterable[str] = ROLES) -> Server:
    """Migrate a fresh database, add `<role>@x.test` users, and start the server."""
    srv = Server(workdir, env)
    srv.migrate()
    for role in users:
        srv.add_user(f"{role}@x.test", role.title(), role)
    return srv.start()


# --------------------------------------------------------------------------------------------
# HTTP client

_MISSING = object()


class Response:
    def __init__(self, status: int, reason: str, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.body)
        except ValueError as e:
            raise AssertionError(f"response is not JSON ({e}): {self!r}") from None

    def __repr__(self) -> str:
        text = self.body[:600].decode("utf-8", "replace")
        return f"<{self.status} {self.reason} {self.content_type} {text}>"


class Client:
    """JSON in/out, keeps cookies, sends X-CSRF-Token on writes once logged in.

    `token` makes it a Bearer-token client instead. One connection per request keeps the
    client simple and independent of keep-alive behaviour, which is tested separately.
    """

    def __init__(self, server: Server, token: str | None = None):
        self.server = server
        self.token = token
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self.user: dict | None = None

    def request(self, method: str, path: str, json: Any = _MISSING, body: bytes | None = None,
                headers: dict[str, str | None] | None = None, params: Any = None,
                csrf: bool = True, timeout: float = 15) -> Response:
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params, doseq=True)
        hdrs: dict[str, str] = {"Accept": "application/json"}
        if json is not _MISSING:
            body = jsonlib.dumps(json).encode()
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            hdrs["X-CSRF-Token"] = self.csrf
        for k, v in (headers or {}).items():
            if v is None:
                hdrs.pop(k, None)
            else:
                hdrs[k] = v
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            resp = Response(r.status, r.reason, r.headers, r.read())
        finally:
            conn.close()
        self._store_cookies(resp)
        return resp

    def _store_cookies(self, resp: Response) -> None:
        for sc in resp.headers.get_all("Set-Cookie") or []:
            first, *attrs = [p.strip() for p in sc.split(";")]
            name, _, value = first.partition("=")
            attrs_l = [a.lower() for a in attrs]
            expired = any(a.replace(" ", "") == "max-age=0" for a in attrs_l) or any(
                a.startswith("expires=") and "1970" in a for a in attrs_l)
            if not value or expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = _MISSING, **kw) -> Response:
        return self.request("POST", path, json=json, **kw)

    def patch(self, path: str, json: Any = _MISSING, **kw) -> Response:
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw) -> Response:
        return self.request("DELETE", path, **kw)

    def login(self, email: str, password: str = PASSWORD) -> Response:
        r = self.post("/api/v1/session", {"email": email, "password": password})
        if r.status == 200:
            data = r.json()
            self.csrf = data["csrf_token"]
            self.user = data["user"]
        return r


# --------------------------------------------------------------------------------------------
# Assertions and small API helpers


def expect(resp: Response, status: int | Iterable[int]) -> Any:
    """Asserts the status and returns the JSON body (None when there is no body)."""
    ok = {status} if isinstance(status, int) else set(status)
    assert resp.status in ok, f"want {sorted(ok)}, got {resp!r}"
    assert resp.header("X-Request-Id"), "every response carries X-Request-Id"
    return resp.json() if resp.body else None


def problem(resp: Response, status: int | Iterable[int], code: str | None = None) -> dict:
    """Asserts an RFC 9457 problem with our members, and returns it."""
    ok = {status} if isinstance(status, int) else set(status)
    assert resp.status in ok, f"want {sorted(ok)}, got {resp!r}"
    assert resp.content_type == "application/problem+json", f"content type of {resp!r}"
    p = resp.json()
    assert isinstance(p.get("code"), str) and p["code"], f"problem without code: {p}"
    assert isinstance(p.get("detail"), str) and p["detail"], f"problem without detail: {p}"
    assert p.get("status") == resp.status, f"problem status member != HTTP status: {p}"
    assert p.get("type", "").endswith("/" + p["code"]), f"type should end in the code: {p}"
    rid = resp.header("X-Request-Id")
    assert rid and p.get("request_id") == rid, f"request_id {p.get('request_id')!r} != header {rid!r}"
    if code is not None:
        assert p["code"] == code, f"want code {code!r}, got {p}"
    return p


def invalid(resp: Response, field: str | None = None) -> dict:
    """A validation failure: 400/422 invalid_request whose `errors` name `field`."""
    p = problem(resp, (400, 422), "invalid_request")
    errors = p.get("errors")
    assert isinstance(errors, list) and errors, f"invalid_request without errors: {p}"
    for e in errors:
        assert isinstance(e.get("field"), str) and isinstance(e.get("message"), str) and e["message"], p
    if field is not None:
        # Nested names may be spelled customer.email or /customer/email: match the leaf.
        assert any(field in e["field"] for e in errors), f"no error for field {field!r}: {errors}"
    return p


def new_ticket(client: Client, **fields: Any) -> dict:
    body = {
        "subject": fields.pop("subject", "Printer on fire"),
        "body": fields.pop("body", "It is on fire, please help."),
        "customer": fields.pop("customer", {"email": f"{uniq('c')}@customer.test", "name": "Cus Tomer"}),
    }
    body.update(fields)
    return expect(client.post("/api/v1/tickets", body), 201)


def get_ticket(client: Client, tid: int) -> dict:
    return expect(client.get(f"/api/v1/tickets/{tid}"), 200)


def list_all(client: Client, params: dict | list | None = None, limit: int = 200) -> list[dict]:
    """Walks every page; asserts the pages are well formed and free of duplicates."""
    items: list[dict] = []
    cursor = None
    for _ in range(1000):
        p = list(params.items()) if isinstance(params, dict) else list(params or [])
        p.append(("limit", limit))
        if cursor:
            p.append(("cursor", cursor))
        page = expect(client.get("/api/v1/tickets", params=p), 200)
        assert len(page["items"]) <= limit, "page longer than limit"
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    else:
        raise AssertionError("pagination never ended")
    ids = [t["id"] for t in items]
    assert len(ids) == len(set(ids)), f"duplicates across pages: {ids}"
    return items


# Fields that legitimately move between two reads of an unchanged ticket: API.md says
# requester_wait_ms/on_hold_ms include the running segment up to the response.
_RUNNING = ("requester_wait_ms", "on_hold_ms")


def stable(ticket: dict) -> dict:
    t = jsonlib.loads(jsonlib.dumps(ticket))
    for k in _RUNNING:
        t.get("times", {}).pop(k, None)
    return t


def snapshot(client: Client, tid: int) -> dict:
    """Everything observable about one ticket, to prove a refused request changed nothing."""
    return {
        "ticket": stable(get_ticket(client, tid)),
        "messages": expect(client.get(f"/api/v1/tickets/{tid}/messages"), 200)["items"],
        "events": expect(client.get(f"/api/v1/tickets/{tid}/events"), 200)["items"],
    }


def ticket_count(client: Client) -> int:
    return len(list_all(client))


def settle_jobs(admin: Client, timeout: float = 20) -> None:
    """Waits until no background job that is due by now is queued or running (`admin` is an
    admin's client of the server). A mail that a request caused has then been handed to the SMTP
    server or has failed, so a test can check that a mail did NOT come without guessing a sleep
    long enough. Jobs due later (a survey's delay, a retry's backoff) are not waited for."""
    deadline = time.monotonic() + timeout
    while True:
        now = int(time.time() * 1000)
        # Queued before running: a job moving between the two reads is then seen in the second.
        queued = expect(admin.get("/api/v1/jobs", params={"state": "queued"}), 200)["items"]
        running = expect(admin.get("/api/v1/jobs", params={"state": "running"}), 200)["items"]
        due = [j for j in queued if ms(j["run_at"]) <= now] + running
        if not due:
            return
        assert time.monotonic() < deadline, f"jobs still due or running after {timeout}s: {due}"
        time.sleep(0.05)


def raw_exchange(host: str, port: int, data: bytes, timeout: float = 5) -> bytes:
    """Sends raw bytes, returns everything the server sends until it closes or goes quiet."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_of(raw: bytes) -> int | None:
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None
