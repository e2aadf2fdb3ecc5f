"""The settings: `--config FILE`, the HELPDESK_<SECTION>_<KEY> environment and the flags, in that
order of strength (file < environment < flags), and start-up refusing a bad configuration with
every problem listed. Observed from outside: the port the server listens on, the database it
uses, the body limit it enforces.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from harness import (HELPDESK_BIN, LISTEN_RE, PASSWORD, Server, assert_no_sanitizer_report,
                     expect)
from smtp_sink import free_port

SOURCE_DIR = Path(os.environ.get("HELPDESK_SOURCE_DIR", Path(__file__).resolve().parents[2]))
HELPDESK_VARS = re.compile(r"^HELPDESK_(SERVER|HTTP|DB|LOG|AUTH|SURVEY|JOBS|MAIL)_")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any HELPDESK_ setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not HELPDESK_VARS.match(k)}
    env.update(extra)
    return env


def database(path: Path, email: str) -> Path:
    """A migrated database at `path` whose only user is `email` (an admin)."""
    srv = Server(path.parent, clean_env())
    srv.db = path
    srv.migrate()
    srv.add_user(email, "Only User", "admin")
    return path


class Serving:
    """`helpdesk serve ARGS` until the 'listening on' line; the port it reports."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.lines: list[str] = []
        self.proc = subprocess.Popen([HELPDESK_BIN, "serve", *args], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.port: int | None = None
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = LISTEN_RE.search(line)
                if m and not ready.is_set():
                    self.port = int(m.group(2))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        ready.wait(20)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the server did not start:\n" + "\n".join(self.lines))
        self.host = "127.0.0.1"

    def client(self):
        from harness import Client
        return Client(self)  # type: ignore[arg-type]  # Client needs only host and port

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(15)
        self.reader.join(5)
        assert_no_sanitizer_report(self.lines, "the server")
        assert rc == 0, f"exit {rc} after SIGTERM:\n" + "\n".join(self.lines[-20:])


def run_serve_expecting_failure(args: list[str], env: dict[str, str]) -> str:
    r = subprocess.run([HELPDESK_BIN, "serve", *args], env=env, capture_output=True, text=True,
                       timeout=30)
    out = r.stdout + r.stderr
    assert_no_sanitizer_report(out.splitlines(), "helpdesk serve")
    assert r.returncode != 0, f"started with a bad configuration:\n{out}"
    assert "listening on" not in out
    return out


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def logs_in(serving: Serving, email: str) -> bool:
    return serving.client().login(email, PASSWORD).status == 200


@pytest.fixture
def dbs(tmp_path) -> dict[str, Path]:
    """Three databases, each knowing only its own user: which one is in use shows."""
    return {name: database(tmp_path / name / "helpdesk.db", f"{name}@config.test")
            for name in ("file", "env", "flag")}


def test_the_config_file_alone_decides(tmp_path, dbs):
    port = free_port()
    cfg = write_config(tmp_path / "helpdesk.toml", f"""
[server]
listen = "127.0.0.1:{port}"
[db]
path = "{dbs['file']}"
""")
    s = Serving(["--config", str(cfg)], clean_env())
    try:
        assert s.port == port
        assert logs_in(s, "file@config.test")
        assert not logs_in(s, "env@config.test")
    finally:
        s.stop()


def test_the_environment_overrides_the_file(tmp_path, dbs):
    file_port, env_port = free_port(), free_port()
    cfg = write_config(tmp_path / "helpdesk.toml", f"""
[server]
listen = "127.0.0.1:{file_port}"
[db]
path = "{dbs['file']}"
""")
    s = Serving(["--config", str(cfg)],
                clean_env(HELPDESK_SERVER_LISTEN=f"127.0.0.1:{env_port}",
                          HELPDESK_DB_PATH=str(dbs["env"])))
    try:
        assert s.port == env_port
        assert logs_in(s, "env@config.test")
        assert not logs_in(s, "file@config.test")
    finally:
        s.stop()


def test_flags_override_the_environment_and_the_file(tmp_path, dbs):
    file_port, env_port = free_port(), free_port()
    cfg = write_config(tmp_path / "helpdesk.toml", f"""
[server]
listen = "127.0.0.1:{file_port}"
[db]
path = "{dbs['file']}"
""")
    s = Serving(["--config", str(cfg), "--db", str(dbs["flag"]), "--listen", "127.0.0.1:0"],
                clean_env(HELPDESK_SERVER_LISTEN=f"127.0.0.1:{env_port}",
                          HELPDESK_DB_PATH=str(dbs["env"])))
    try:
        assert s.port not in (file_port, env_port)
        assert logs_in(s, "flag@config.test")
        assert not logs_in(s, "env@config.test") and not logs_in(s, "file@config.test")
    finally:
        s.stop()


def test_a_setting_without_a_flag_follows_file_then_environment(tmp_path, dbs):
    """[http] body_limit: 2048 from the file; the environment's 8192 wins when given."""
    cfg = write_config(tmp_path / "helpdesk.toml", "[http]\nbody_limit = 2048\n")
    body = b'{"email": "' + b"x" * 3000 + b'@x.test", "password": "p"}'

    def status(env: dict[str, str]) -> int:
        s = Serving(["--config", str(cfg), "--db", str(dbs["file"]), "--listen", "127.0.0.1:0"],
                    env)
        try:
            return s.client().post("/api/v1/session", body=body).status
        finally:
            s.stop()

    assert status(clean_env()) == 413
    assert status(clean_env(HELPDESK_HTTP_BODY_LIMIT="8192")) != 413


def test_the_shipped_config_file_is_valid(tmp_path, dbs):
    """config/helpdesk.toml, as shipped, starts the server (every default it lists is valid)."""
    shipped = SOURCE_DIR / "config" / "helpdesk.toml"
    assert shipped.is_file(), shipped
    s = Serving(["--config", str(shipped), "--db", str(dbs["file"]), "--listen", "127.0.0.1:0"],
                clean_env())
    try:
        assert logs_in(s, "file@config.test")
    finally:
        s.stop()


def test_a_bad_file_stops_start_up_listing_every_problem(tmp_path, dbs):
    cfg = write_config(tmp_path / "bad.toml", """
[http]
body_limit = "lots"
read_timeout = "soon"
[nosuchsection]
x = 1
[db]
colour = "blue"
""")
    out = run_serve_expecting_failure(
        ["--config", str(cfg), "--db", str(dbs["file"]), "--listen", "127.0.0.1:0"], clean_env())
    for what in ("http.body_limit", "http.read_timeout", "nosuchsection", "db.colour"):
        assert what in out, f"{what} not named in:\n{out}"


def test_reader_thread_counts_out_of_range_stop_start_up(tmp_path, dbs):
    # readers = 0 means one per CPU; below that, and reports without a thread, are refused.
    cfg = write_config(tmp_path / "readers.toml", """
[db]
readers = -1
report_readers = 0
""")
    out = run_serve_expecting_failure(
        ["--config", str(cfg), "--db", str(dbs["file"]), "--listen", "127.0.0.1:0"], clean_env())
    for what in ("db.readers", "db.report_readers"):
        assert what in out, f"{what} not named in:\n{out}"
    out = run_serve_expecting_failure(
        ["--db", str(dbs["file"]), "--listen", "127.0.0.1:0"],
        clean_env(HELPDESK_DB_REPORT_READERS="65"))
    assert "HELPDESK_DB_REPORT_READERS" in out, out


def test_checkpoint_timings_out_of_range_stop_start_up(tmp_path, dbs):
    # A checkpoint every 0 ms would spin; more than a minute apart lets the WAL grow unwatched.
    for value in ('"0ms"', '"2m"', '"often"'):
        cfg = write_config(tmp_path / "checkpoint.toml", f"""
[db]
checkpoint_interval = {value}
""")
        out = run_serve_expecting_failure(
            ["--config", str(cfg), "--db", str(dbs["file"]), "--listen", "127.0.0.1:0"],
            clean_env())
        assert "db.checkpoint_interval" in out, f"{value}: {out}"


def test_a_bad_environment_value_stops_start_up(dbs):
    out = run_serve_expecting_failure(
        ["--db", str(dbs["file"]), "--listen", "127.0.0.1:0"],
        clean_env(HELPDESK_HTTP_MAX_CONNECTIONS="many", HELPDESK_JOBS_WORKERZ="2"))
    assert "HELPDESK_HTTP_MAX_CONNECTIONS" in out and "HELPDESK_JOBS_WORKERZ" in out, out


def test_a_missing_or_broken_config_file_stops_start_up(tmp_path, dbs):
    out = run_serve_expecting_failure(
        ["--config", str(tmp_path / "nope.toml"), "--db", str(dbs["file"])], clean_env())
    assert "nope.toml" in out, out
    broken = write_config(tmp_path / "broken.toml", "[http\nbody_limit = \n")
    out = run_serve_expecting_failure(["--config", str(broken), "--db", str(dbs["file"])],
                                      clean_env())
    assert "broken.toml" in out, out
