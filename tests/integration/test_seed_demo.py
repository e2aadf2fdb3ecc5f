"""`helpdesk seed-demo`: a 90-day demo history written through the live store functions into an
empty database, once; the server then serves it like any other data."""
from __future__ import annotations

import time
from collections import Counter

from harness import Server, expect, list_all, ms

DAY_MS = 86_400_000


def test_seed_demo_writes_a_believable_history_once(tmp_path):
    srv = Server(tmp_path)
    r = srv.cli("seed-demo", "--db", str(srv.db), "--tickets", "300", timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "demo data: 3 teams, 14 staff, 60 customers, 300 tickets" in r.stdout, r.stdout
    assert "demo login: admin@demo.test / demo-password" in r.stdout, r.stdout

    # Written once: a second run changes nothing and says so.
    again = srv.cli("seed-demo", "--db", str(srv.db), "--tickets", "50", timeout=60)
    assert again.returncode == 0 and "already has tickets" in again.stdout, again.stdout

    # Bad arguments are refused before anything is written.
    bad = srv.cli("seed-demo", "--db", str(tmp_path / "other.db"), "--tickets", "0")
    assert bad.returncode != 0
    assert not (tmp_path / "other.db").exists() or (tmp_path / "other.db").stat().st_size == 0

    srv.start()
    try:
        admin = srv.client()
        expect(admin.login("admin@demo.test", "demo-password"), 200)
        now = int(time.time() * 1000)

        tickets = list_all(admin)
        assert len(tickets) == 300
        # Spread over the last 90 days, none in the future, oldest first by id.
        created = [ms(t["created_at"]) for t in sorted(tickets, key=lambda t: t["id"])]
        assert all(now - 91 * DAY_MS <= c <= now for c in created), "a ticket outside 90 days"
        assert created == sorted(created), "ids and creation times disagree"
        assert created[-1] - created[0] > 80 * DAY_MS, "the history is not spread over 90 days"
        # Every stage of the lifecycle is there, most of the old work finished.
        statuses = Counter(t["status"] for t in tickets)
        assert statuses["closed"] > 150, statuses
        assert statuses["closed"] < 300, statuses
        # People: three teams, a supervisor, an admin and twelve agents, each ticket assigned.
        users = expect(admin.get("/api/v1/users"), 200)["items"]
        assert Counter(u["role"] for u in users) == {"agent": 12, "supervisor": 1, "admin": 1}
        assert len(expect(admin.get("/api/v1/teams"), 200)["items"]) == 3
        assert all(t["assignee_id"] and t["team_id"] for t in tickets)

        # The history went through the state machine: each ticket's events start with its
        # creation, and the surveys were answered or expired through their own events.
        answered = expired = 0
        for t in tickets[::10]:
            events = expect(admin.get(f"/api/v1/tickets/{t['id']}/events"), 200)["items"]
            types = [e["type"] for e in events]
            assert types[0] == "created" and "message" in types, types
            answered += types.count("survey_answered")
            expired += types.count("survey_expired")
        assert answered > 0 and expired > 0, (answered, expired)

        # The mails of the past are settled, not sent now: nothing queued is already due.
        queued = expect(admin.get("/api/v1/jobs", params={"state": "queued"}), 200)["items"]
        assert all(ms(j["run_at"]) > now - 60_000 for j in queued), queued
        assert {j["kind"] for j in queued} <= {"satisfaction_check", "survey_reminder",
                                               "survey_expire"}, queued
        assert not expect(admin.get("/api/v1/jobs", params={"state": "dead"}), 200)["items"]
    finally:
        srv.stop()
