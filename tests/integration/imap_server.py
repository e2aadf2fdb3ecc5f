"""A real IMAP server on loopback for the black-box tests: Debian's dovecot-imapd, started with
a throwaway configuration (its own base directory, log, one user in a passwd file, Maildir in a
temporary directory) on a free port, plaintext (loopback only).

Mails are put in with IMAP APPEND (imaplib), as a delivery would; flags are read back the same way.
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-secret-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ImapServer:
    def __init__(self, workdir: Path):
        self.dir = Path(workdir)
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        # Dovecot refuses mail access as root: mail is owned by nobody when the tests run as root.
        if os.getuid() == 0:
            pw = pwd.getpwnam("nobody")
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()

    @property
    def url(self) -> str:
        return f"imap://127.0.0.1:{self.port}/INBOX"

    def _write_config(self) -> Path:
        for d in ("run", "mail", "home"):
            (self.dir / d).mkdir(parents=True, exist_ok=True)
        for d in ("mail", "home"):
            os.chown(self.dir / d, self.uid, self.gid)
        (self.dir / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        me = pwd.getpwuid(os.getuid()).pw_name
        conf = self.dir / "dovecot.conf"
        conf.write_text(f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/run
log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {"dovenull" if os.getuid() == 0 else me}
default_internal_user = {"dovecot" if os.getuid() == 0 else me}
first_valid_uid = 1
mail_location = maildir:{self.dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.dir}/users
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
""")
        return conf

    def start(self, timeout: float = 15) -> "ImapServer":
        conf = self._write_config()
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / "dovecot.log").read_text() if (self.dir / "dovecot.log").exists() else ""
                self.stop()
                raise AssertionError(f"dovecot did not start:\n{log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def client(self) -> imaplib.IMAP4:
        c = imaplib.IMAP4("127.0.0.1", self.port)
        c.login(USER, PASSWORD)
        return c

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        c = self.client()
        try:
            typ, _ = c.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            c.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, str]:
        """UID -> flags of every message in `folder`."""
        c = self.client()
        try:
            c.select(folder)
            typ, data = c.uid("FETCH", "1:*", "(FLAGS)")
            out = {}
            for item in data or []:
                if not item:
                    continue
                text = item.decode() if isinstance(item, bytes) else item[0].decode()
                if "UID" not in text:
                    continue
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (")[1].split(")")[0]
            return out
        finally:
            c.logout()


@pytest.fixture
def imap():
    if not os.access(DOVECOT, os.X_OK):
        pytest.skip("dovecot is not installed (Debian: apt install dovecot-imapd)")
    # Dovecot's own processes (the mail user, its auth process) must reach the directory, which
    # pytest's private tmp_path does not allow: a world-traversable directory of its own.
    workdir = Path(tempfile.mkdtemp(prefix="hd-dovecot-"))
    workdir.chmod(0o755)
    server = ImapServer(workdir)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
