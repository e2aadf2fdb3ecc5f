"""KPI reports against an independent recomputation (kpi_reference.py) of a seeded, imported
history: every figure, overall and per group, by day across DST changes, by week and month,
with filters; drill-downs list exactly the tickets behind a figure; targets; authorization and
bad input; export -> import gives the same figures."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kpi_reference as ref
from harness import HELPDESK_BIN, PASSWORD, Server, boot, expect, invalid, new_ticket, problem, uniq

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "tests" / "bench" / "gen_history.py"
FROM, TO = "2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z"
# Hand-written edges: a ticket reopened across a period boundary and resolved again, a survey
# answered long after its period, an outbound ticket (no first response), and an even count.
EDGES = [
    {"external_id": "edge-reopen", "subject": "Reopened across months",
     "customer": {"email": "edge@example.com", "name": "Edge", "organization": "Solo Ltd"},
     "priority": "urgent", "channel": "chat", "team": "Edge team", "tags": ["edge"],
     "created_at": "2026-03-31T22:00:00Z",
     "events": [
         {"at": "2026-03-31T22:00:00Z", "type": "message", "author": "customer", "body": "Hi"},
         {"at": "2026-03-31T22:30:00Z", "type": "assign", "agent": "solo@corp.test"},
         {"at": "2026-03-31T23:00:00Z", "type": "message", "author": "solo@corp.test", "body": "On it"},
         {"at": "2026-03-31T23:10:00Z", "type": "status", "to": "resolved", "by": "solo@corp.test"},
         {"at": "2026-04-01T08:00:00Z", "type": "message", "author": "customer", "body": "Back"},
         {"at": "2026-04-01T09:00:00Z", "type": "message", "author": "solo@corp.test", "body": "Fixed"},
         {"at": "2026-04-01T09:05:00Z", "type": "status", "to": "resolved", "by": "solo@corp.test"},
         {"at": "2026-04-01T10:05:00Z", "type": "survey_sent"},
         {"at": "2026-07-20T10:00:00Z", "type": "survey_answer", "csat": 4, "nps": 8,
          "resolved": True}]},
    {"external_id": "edge-outbound", "subject": "We write first",
     "customer": {"email": "edge@example.com", "name": "Edge", "organization": "Solo Ltd"},
     "priority": "urgent", "channel": "chat", "team": "Edge team",
     "created_at": "2026-04-02T10:00:00Z",
     "events": [
         {"at": "2026-04-02T10:00:00Z", "type": "message", "author": "solo@corp.test", "body": "Hello"},
         {"at": "2026-04-02T10:00:01Z", "type": "status", "to": "pending", "by": "solo@corp.test"},
         {"at": "2026-04-03T10:00:00Z", "type": "message", "author": "customer", "body": "Thanks"},
         {"at": "2026-04-03T11:00:00Z", "type": "message", "author": "solo@corp.test", "body": "Ok"}]},
]


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def compare(api: dict, want: dict, where: str) -> None:
    """Every figure of `want` (reference) equals the API's."""
    for name in ("first_response", "next_reply", "first_resolution", "full_resolution"):
        got = api[name]["calendar"]
        for stat in ("median", "p90", "n"):
            assert got[stat] == want[name][stat], f"{where} {name}.{stat}: {got[stat]} != {want[name][stat]}"
        assert close(got["mean"], want[name]["mean"]), f"{where} {name}.mean"
        assert got["low_confidence"] == (got["n"] < 30)
        # No SLA calendars yet: business time is wall-clock time.
        assert api[name]["business"]["median"] == got["median"]
    for name in ("csat", "response_rate", "reopen_rate", "one_touch_rate", "nps"):
        got = api[name]
        assert got["n"] == want[name]["n"], f"{where} {name}.n: {got['n']} != {want[name]['n']}"
        assert close(got["value"], want[name]["value"]), f"{where} {name}.value"
        assert close(got["ci"], want[name]["ci"]), f"{where} {name}.ci"
        assert got["low_confidence"] == (got["n"] < 30)
    assert api["ces"]["n"] == want["ces"]["n"] and close(api["ces"]["value"], want["ces"]["value"])
    assert api["volume"]["n"] == want["volume"]["n"], f"{where} volume"
    b = api["backlog"]
    assert (b["open"], b["pending"]) == (want["backlog"]["open"], want["backlog"]["pending"]), \
        f"{where} backlog {b} != {want['backlog']}"
    assert b["age"] == want["backlog"]["age"], f"{where} backlog age"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    work = tmp_path_factory.mktemp("kpis")
    path = work / "history.jsonl"
    subprocess.run([sys.executable, str(GEN), "--tickets", "1500", "--seed", "12", "--days", "150",
                    "--end", "2026-06-20T00:00:00Z", "--agents", "9", "--out", str(path)],
                   check=True)
    with open(path, "a", encoding="utf-8") as f:
        for line in EDGES:
            f.write(json.dumps(line) + "\n")
    return path


@pytest.fixture(scope="module")
def imported(history, tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("kpisrv"))
    srv.migrate()
    for role in ("admin", "supervisor", "agent"):
        srv.add_user(f"{role}@x.test", role.title(), role)
    r = srv.cli("import", str(history), "--db", str(srv.db), "--batch", "400", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "imported 1502 tickets" in r.stdout
    srv.start()
    sup = srv.client()
    expect(sup.login("supervisor@x.test", PASSWORD), 200)
    try:
        yield srv, sup, ref.load(history)
        srv.stop()
    finally:
        srv.kill_quietly()


def names(sup, by: str) -> dict:
    """API group key -> the reference's key (email, team name, channel, ...)."""
    if by == "agent":
        users = expect(sup.get("/api/v1/users"), 200)["items"]
        return {u["id"]: u["email"] for u in users}
    if by == "team":
        return {t["id"]: t["name"] for t in expect(sup.get("/api/v1/teams"), 200)["items"]}
    return {}


def ref_key(by, key, lookup):
    if by is None:
        return None
    if by in ("channel", "priority"):
        return key["name"]
    if by == "organization":
        return key["name"]
    return lookup.get(key["id"]) if key["id"] is not None else None


def drop_targets(v):
    if isinstance(v, dict):
        return {k: drop_targets(x) for k, x in v.items() if k not in ("target", "met")}
    if isinstance(v, (list, tuple)):
        return [drop_targets(x) for x in v]
    return v


def put(client, path, body):
    return client.request("PUT", path, json=body)


def report(sup, **params):
    q = "&".join(f"{k}={v}" for k, v in params.items())
    return expect(sup.get(f"/api/v1/kpis?{q}"), 200)


@pytest.mark.parametrize("by", [None, "agent", "team", "channel", "priority", "organization"])
def test_every_figure_matches_the_reference_overall_and_per_group(imported, by):
    srv, sup, tickets = imported
    params = {"from": FROM, "to": TO}
    if by:
        params["group_by"] = by
    body = report(sup, **params)
    want = ref.figures(tickets, ref.ms(FROM), ref.ms(TO), by)
    lookup = names(sup, by) if by else {}
    got = {ref_key(by, g["key"], lookup): g["figures"] for g in body["groups"]}
    if by is None:
        assert [g["key"] for g in body["groups"]] == [None]
    assert set(got) == set(want), f"groups differ: {set(got) ^ set(want)}"
    for key in want:
        compare(got[key], want[key], f"group {key!r}")
    # Some group has fewer than 30 answers: shown and flagged, never hidden.
    if by == "team":
        edge = got["Edge team"]
        assert edge["volume"]["n"] == 2 and edge["first_response"]["calendar"]["low_confidence"]


@pytest.mark.parametrize("interval,tz,frm,to", [
    ("day", "Europe/Berlin", "2026-03-26T00:00:00Z", "2026-04-03T00:00:00Z"),  # a 23-hour day
    ("week", "UTC", FROM, TO),
    ("month", "America/New_York", "2026-02-01T05:00:00Z", "2026-06-15T00:00:00Z"),
])
def test_series_intervals_in_a_time_zone(imported, interval, tz, frm, to):
    srv, sup, tickets = imported
    body = report(sup, **{"from": frm, "to": to, "interval": interval, "tz": tz, "group_by": "channel"})
    bounds = ref.bounds(ref.ms(frm), ref.ms(to), interval, tz)
    for g in body["groups"]:
        series = g["series"]
        assert [ref.ms(s["start"]) for s in series] == bounds[:-1]
        assert ref.ms(series[-1]["end"]) == bounds[-1]
        for i, s in enumerate(series):
            want = ref.figures(tickets, bounds[i], bounds[i + 1], "channel")
            name = g["key"]["name"]
            if name in want:
                compare(s["figures"], want[name], f"{interval} {s['start']} {name}")
            else:
                assert s["figures"]["volume"]["n"] == 0 and s["figures"]["csat"]["n"] == 0
    if interval == "day":  # Berlin springs forward on 29 March: that day has 23 hours
        lengths = {ref.ms(s["end"]) - ref.ms(s["start"]) for s in body["groups"][0]["series"][1:]}
        assert 23 * 3_600_000 in lengths and 24 * 3_600_000 in lengths


def test_filters_match_the_reference(imported):
    srv, sup, tickets = imported
    teams = {t["name"]: t["id"] for t in expect(sup.get("/api/v1/teams"), 200)["items"]}
    cases = [
        ({"team": teams["Billing"]}, lambda t: t.team == "Billing"),
        ({"channel": "email"}, lambda t: t.channel == "email"),
        ({"priority": "high"}, lambda t: t.priority == "high"),
        ({"tag": "refund"}, lambda t: "refund" in t.tags),
        ({"organization": "Acme"}, lambda t: t.organization == "Acme"),
        ({"organization": "Nobody%20Inc"}, lambda t: False),
    ]
    for params, keep in cases:
        body = report(sup, **{"from": FROM, "to": TO, **params})
        want = ref.figures(tickets, ref.ms(FROM), ref.ms(TO), None, keep)
        compare(body["groups"][0]["figures"], want[None], f"filter {params}")


def test_empty_period_has_n_zero_everywhere(imported):
    srv, sup, tickets = imported
    body = report(sup, **{"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"})
    f = body["groups"][0]["figures"]
    assert f["first_response"]["calendar"] == {**f["first_response"]["calendar"], "median": None,
                                               "n": 0, "low_confidence": True}
    assert f["csat"]["value"] is None and f["csat"]["ci"] is None and f["nps"]["n"] == 0
    assert f["volume"]["n"] == 0 and f["backlog"]["open"] == 0


def test_a_report_follows_every_change_to_its_facts(tmp_path):
    """Reports keep facts in memory between requests (by day, with a version the database bumps
    on every change): each change to a ticket shows in the very next report, never a stale one."""
    srv = boot(tmp_path, users=("agent", "supervisor"))
    try:
        agent, sup = srv.client(), srv.client()
        expect(agent.login("agent@x.test"), 200)
        expect(sup.login("supervisor@x.test"), 200)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        span = {"from": (now - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
                "to": (now + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")}

        def figures():
            return report(sup, **span)["groups"][0]["figures"]

        f = figures()
        assert f["volume"]["n"] == 0 and f["backlog"]["n"] == 0
        tid = new_ticket(agent)["id"]
        f = figures()
        assert f["volume"]["n"] == 1 and f["backlog"]["open"] == 1
        assert f["first_response"]["calendar"]["n"] == 0
        expect(agent.post(f"/api/v1/tickets/{tid}/messages", {"body": "On it"}), 201)
        f = figures()
        assert f["first_response"]["calendar"]["n"] == 1
        assert f["first_resolution"]["calendar"]["n"] == 0
        expect(agent.post(f"/api/v1/tickets/{tid}/status", {"status": "resolved"}), 200)
        f = figures()
        assert f["first_resolution"]["calendar"]["n"] == 1 and f["backlog"]["n"] == 0
        assert f["one_touch_rate"]["hits"] == 1 and f["reopen_rate"]["hits"] == 0
        expect(agent.post(f"/api/v1/tickets/{tid}/status", {"status": "open"}), 200)
        f = figures()
        assert f["backlog"]["open"] == 1 and f["reopen_rate"]["hits"] == 1
        assert f["one_touch_rate"]["hits"] == 0
    finally:
        srv.stop()


def test_single_ticket_and_late_survey_answer(imported):
    srv, sup, tickets = imported
    # The edge team's April: one reopened ticket, first resolved in March, resolved again in April.
    teams = {t["name"]: t["id"] for t in expect(sup.get("/api/v1/teams"), 200)["items"]}
    april = report(sup, **{"from": "2026-04-01T00:00:00Z", "to": "2026-05-01T00:00:00Z",
                           "team": teams["Edge team"]})["groups"][0]["figures"]
    assert april["first_resolution"]["calendar"]["n"] == 0  # first resolved on 31 March
    assert april["full_resolution"]["calendar"]["n"] == 1
    assert april["full_resolution"]["calendar"]["median"] == 11 * 3600 + 5 * 60
    assert april["response_rate"] == {**april["response_rate"], "n": 1, "value": 100.0}
    assert april["csat"]["n"] == 0  # answered in July: counts in July
    march = report(sup, **{"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z",
                           "team": teams["Edge team"]})["groups"][0]["figures"]
    assert march["reopen_rate"]["n"] == 1 and march["reopen_rate"]["value"] == 100.0
    assert march["full_resolution"]["calendar"]["n"] == 0  # reopened since
    july = report(sup, **{"from": "2026-07-01T00:00:00Z", "to": "2026-08-01T00:00:00Z",
                          "team": teams["Edge team"]})["groups"][0]["figures"]
    assert july["csat"]["n"] == 1 and july["nps"]["value"] == 0.0


def drill_all(sup, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        q = "&".join(f"{k}={v}" for k, v in params.items()) + "&limit=97"
        if cursor:
            q += f"&cursor={cursor}"
        page = expect(sup.get(f"/api/v1/kpis/tickets?{q}"), 200)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


@pytest.mark.parametrize("metric,figure", [
    ("first_response", lambda f: f["first_response"]["calendar"]["n"]),
    ("next_reply", lambda f: f["next_reply"]["calendar"]["n"]),
    ("full_resolution", lambda f: f["full_resolution"]["calendar"]["n"]),
    ("reopen_rate", lambda f: f["reopen_rate"]["n"]),
    ("csat", lambda f: f["csat"]["n"]),
    ("nps", lambda f: f["nps"]["n"]),
    ("response_rate", lambda f: f["response_rate"]["n"]),
    ("volume", lambda f: f["volume"]["n"]),
    ("backlog", lambda f: f["backlog"]["open"] + f["backlog"]["pending"]),
])
def test_drill_down_lists_exactly_the_tickets_of_a_figure(imported, metric, figure):
    srv, sup, tickets = imported
    body = report(sup, **{"from": FROM, "to": TO, "group_by": "agent"})
    for g in body["groups"][:4]:
        group = g["key"]["id"] if g["key"]["id"] is not None else "none"
        items = drill_all(sup, **{"from": FROM, "to": TO, "metric": metric, "group_by": "agent",
                                  "group": group})
        assert len(items) == figure(g["figures"]), f"{metric} group {group}"
        if metric == "first_response" and items:
            values = sorted(i["value"] for i in items)
            assert values[-(-len(values) * 50 // 100) - 1] == g["figures"]["first_response"]["calendar"]["median"]
        if metric == "reopen_rate":
            assert sum(i["value"] for i in items) == g["figures"]["reopen_rate"]["hits"]


def test_targets_show_beside_figures(imported):
    srv, sup, tickets = imported
    agent = srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    problem(put(agent, "/api/v1/kpi-targets", {"figure": "csat", "value": 90}), 403)
    invalid(put(sup, "/api/v1/kpi-targets", {"figure": "csat", "value": 190}), "value")
    invalid(put(sup, "/api/v1/kpi-targets", {"figure": "speed", "value": 1}), "figure")
    invalid(put(sup, "/api/v1/kpi-targets", {"figure": "csat"}), "value")
    invalid(put(sup, "/api/v1/kpi-targets", {"figure": "csat", "value": 50, "team_id": 999999}), "team_id")
    expect(put(sup, "/api/v1/kpi-targets", {"figure": "csat", "value": 1}), 200)
    t = expect(put(sup, "/api/v1/kpi-targets", {"figure": "first_response.calendar.median", "value": 60}), 200)
    teams = {t["name"]: t["id"] for t in expect(sup.get("/api/v1/teams"), 200)["items"]}
    expect(put(sup, "/api/v1/kpi-targets", {"figure": "csat", "value": 100, "team_id": teams["Billing"]}), 200)
    body = report(sup, **{"from": FROM, "to": TO, "group_by": "team"})
    for g in body["groups"]:
        f = g["figures"]
        billing = g["key"]["name"] == "Billing"
        assert f["csat"]["target"] == (100 if billing else 1)
        assert f["csat"]["met"] == (f["csat"]["value"] >= f["csat"]["target"] if f["csat"]["n"] else None)
        assert f["first_response"]["calendar"]["target"] == {"median": 60}
        assert f["nps"]["target"] is None and f["nps"]["met"] is None
    assert len(expect(sup.get("/api/v1/kpi-targets"), 200)["items"]) == 3
    expect(sup.delete(f"/api/v1/kpi-targets/{t['id']}"), 204)
    problem(sup.delete(f"/api/v1/kpi-targets/{t['id']}"), 404)


def test_authorization_and_bad_queries(imported):
    srv, sup, tickets = imported
    anon = srv.client()
    problem(anon.get(f"/api/v1/kpis?from={FROM}&to={TO}"), 401)
    agent = srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    problem(agent.get(f"/api/v1/kpis?from={FROM}&to={TO}"), 403)
    problem(agent.get(f"/api/v1/kpis/tickets?from={FROM}&to={TO}&metric=csat"), 403)
    mine = expect(agent.get(f"/api/v1/kpis/me?from={FROM}&to={TO}"), 200)
    assert mine["groups"][0]["figures"]["first_response"]["calendar"]["n"] == 0  # answered nothing
    problem(agent.get(f"/api/v1/kpis/me?from={FROM}&to={TO}&group_by=team"), 400)
    for bad, field in [
        (f"to={TO}", "from"), (f"from={FROM}", "to"), (f"from={TO}&to={FROM}", "to"),
        (f"from=yesterday&to={TO}", "from"), (f"from={FROM}&to={TO}&tz=Mars/Base", "tz"),
        (f"from={FROM}&to={TO}&interval=year", "interval"),
        (f"from={FROM}&to={TO}&group_by=mood", "group_by"),
        (f"from={FROM}&to={TO}&channel=fax", "channel"), (f"from={FROM}&to={TO}&team=x", "team"),
        (f"from=2020-01-01T00:00:00Z&to={TO}&interval=day", "interval"),
        (f"from={FROM}&to={TO}&colour=red", "colour"),
    ]:
        p = problem(sup.get(f"/api/v1/kpis?{bad}"), 400)
        assert p["errors"][0]["field"] == field, bad
    for bad, field in [(f"from={FROM}&to={TO}", "metric"), (f"from={FROM}&to={TO}&metric=joy", "metric"),
                       (f"from={FROM}&to={TO}&metric=csat&group=3", "group"),
                       (f"from={FROM}&to={TO}&metric=csat&cursor=abc", "cursor")]:
        p = problem(sup.get(f"/api/v1/kpis/tickets?{bad}"), 400)
        assert p["errors"][0]["field"] == field, bad


def test_export_then_import_gives_the_same_figures(imported, tmp_path):
    srv, sup, tickets = imported
    out = tmp_path / "export.jsonl"
    r = srv.cli("export", str(out), "--db", str(srv.db), timeout=120)
    assert r.returncode == 0, r.stderr
    copy = Server(tmp_path / "copy")
    copy.migrate()
    copy.add_user("supervisor@x.test", "Supervisor", "supervisor")
    r = copy.cli("import", str(out), "--db", str(copy.db), timeout=120)
    assert r.returncode == 0, r.stderr
    # Importing the same lines again changes nothing and says so.
    again = copy.cli("import", str(out), "--db", str(copy.db), timeout=120)
    assert again.returncode == 0 and "1502 left unchanged" in again.stdout
    copy.start()
    try:
        c = copy.client()
        expect(c.login("supervisor@x.test", PASSWORD), 200)
        for by in (None, "team", "channel"):
            params = {"from": FROM, "to": TO, "interval": "week"}
            if by:
                params["group_by"] = by
            a = report(sup, **params)
            b = report(c, **params)
            # Targets belong to the database, not to the history: compare the figures.
            strip = lambda body: drop_targets([(g["key"] and g["key"].get("name"), g["figures"], g["series"])  # noqa: E731
                                               for g in body["groups"]])
            assert strip(a) == strip(b), by
        # ...and the re-exported history is the same file.
        out2 = tmp_path / "export2.jsonl"
        assert copy.cli("export", str(out2), "--db", str(copy.db)).returncode == 0
        assert out.read_text() == out2.read_text()
        copy.stop()
    finally:
        copy.kill_quietly()


def test_import_refuses_bad_lines_naming_line_and_field(tmp_path):
    srv = Server(tmp_path / "bad")
    srv.migrate()
    good = dict(EDGES[0], external_id="ok-1")
    bad_status = dict(EDGES[0], external_id="bad-1", events=EDGES[0]["events"][:3] + [
        {"at": "2026-03-31T23:10:00Z", "type": "status", "to": "follow_up", "by": "solo@corp.test"}])
    lines = [json.dumps(good), json.dumps(bad_status), "{not json", json.dumps(dict(good, priority="asap"))]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    r = srv.cli("import", str(path), "--db", str(srv.db))
    assert r.returncode == 1
    assert "line 2, field events[3].to" in r.stderr
    assert "line 3" in r.stderr and "line 4, field priority" in r.stderr
    # All or nothing: the good first line of the batch was not written either.
    path.write_text(json.dumps(good) + "\n")
    r = srv.cli("import", str(path), "--db", str(srv.db))
    assert r.returncode == 0 and "imported 1 tickets" in r.stdout, r.stdout + r.stderr


def schema_of(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT type, name, sql FROM sqlite_master "
                         "WHERE type IN ('index', 'trigger') ORDER BY name").fetchall()


def test_an_import_killed_half_way_gets_its_indexes_at_the_next_start(tmp_path):
    # An import into an empty database sets its indexes aside and builds them at the end; killed
    # before the end, it leaves that to the next start, and loses nothing it committed.
    path = tmp_path / "history.jsonl"
    subprocess.run([sys.executable, str(GEN), "--tickets", "6000", "--seed", "3", "--days", "60",
                    "--end", "2026-06-20T00:00:00Z", "--out", str(path)], check=True)
    fresh = Server(tmp_path / "fresh")
    fresh.migrate()
    srv = Server(tmp_path / "killed")
    srv.migrate()
    srv.add_user("supervisor@x.test", "Supervisor", "supervisor")
    proc = subprocess.Popen([HELPDESK_BIN, "import", str(path), "--db", str(srv.db), "--batch", "100"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=srv.env)
    try:
        for line in proc.stderr:  # a line per batch written (not a terminal)
            if line.startswith("imported 1000 tickets"):
                break
        proc.kill()
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -9, "the import ended before it was killed: the test tests nothing"
    with sqlite3.connect(srv.db) as c:
        set_aside = c.execute("SELECT count(*) FROM set_aside_schema").fetchone()[0]
        committed = c.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert set_aside > 0 and committed >= 900
    assert schema_of(srv.db) != schema_of(fresh.db)

    srv.start()  # migrates: builds what the import set aside
    try:
        assert schema_of(srv.db) == schema_of(fresh.db)
        with sqlite3.connect(srv.db) as c:
            assert c.execute("SELECT count(*) FROM set_aside_schema").fetchone()[0] == 0
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert c.execute("SELECT count(*) FROM tickets").fetchone()[0] >= committed
            # Each day's version counts the facts inserted that day, as the trigger would have.
            assert c.execute("SELECT metric, day, version FROM kpi_fact_days ORDER BY 1, 2").fetchall() == \
                c.execute("SELECT metric, at / 86400000, count(*) FROM kpi_facts "
                          "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
        sup = srv.client()
        expect(sup.login("supervisor@x.test", PASSWORD), 200)
        body = report(sup, **{"from": "2026-04-01T00:00:00Z", "to": "2026-06-20T00:00:00Z"})
        assert body["groups"][0]["figures"]["volume"]["n"] >= committed
        srv.stop()
    finally:
        srv.kill_quietly()
    # The rest of the file, imported now into a database with tickets, goes through every index.
    r = srv.cli("import", str(path), "--db", str(srv.db), timeout=120)
    assert r.returncode == 0 and "building the indexes" not in r.stderr, r.stderr
    assert schema_of(srv.db) == schema_of(fresh.db)


# ------------------------------------------------------------- SLA attainment, business time

MONDAY = "2026-06-01T13:00:00Z"     # 15:00 in Berlin, two office hours left
TUESDAY = "2026-06-02T12:00:00Z"    # 14:00 in Berlin, after the breaches
SLA_FROM, SLA_TO = "2026-05-31T22:00:00Z", "2026-06-02T22:00:00Z"  # Berlin's Monday and Tuesday
OFFICE = {"time_zone": "Europe/Berlin",
          "hours": {**{d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                    "sat": [], "sun": []}}
TARGETS = {"first_response": 60, "next_reply": 30, "resolution": 240}


class SlaDesk:
    """A server whose clock starts on a Monday afternoon and jumps to Tuesday on restart, with
    an office-hours policy for one organisation; tickets driven through the API."""

    def __init__(self, workdir):
        self.srv = boot(workdir, {"HELPDESK_TEST_CLOCK_START": MONDAY})
        c = self.srv.client()
        expect(c.login("admin@x.test"), 200)
        token = expect(c.post("/api/v1/tokens", {"name": "kpi", "role": "admin"}), 201)["token"]
        self.api = self.srv.client(token=token)
        cal = expect(self.api.post("/api/v1/calendars", {**OFFICE, "name": "Berlin office"}), 201)
        self.policy = expect(self.api.post("/api/v1/sla-policies", {
            "name": "Office", "calendar_id": cal["id"], "position": 1,
            "conditions": {"organization": ["Acme"]}, "targets": TARGETS}), 201)
        self.cal = ref.OfficeCalendar("Europe/Berlin", "09:00", "17:00")

    def ticket(self, priority: str) -> int:
        return expect(self.api.post("/api/v1/tickets", {
            "subject": "SLA", "body": "help", "priority": priority,
            "customer": {"email": f"{uniq('c')}@acme.test", "organization": "Acme"}}), 201)["id"]

    def say(self, tid: int, body: str = "reply", **fields) -> None:
        expect(self.api.post(f"/api/v1/tickets/{tid}/messages", {"body": body, **fields}), 201)

    def events(self, tid: int) -> list[dict]:
        return expect(self.api.get(f"/api/v1/tickets/{tid}/events"), 200)["items"]

    def wait(self, check, what: str, timeout: float = 15) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what}:\n{self.srv.log_tail()}")

    def reference(self, tickets: dict, targets_of, now: int) -> dict:
        """Ticket id -> (priority, created, decisions, first reply business ms)."""
        out = {}
        for tid, priority in tickets.items():
            t = expect(self.api.get(f"/api/v1/tickets/{tid}"), 200)
            created, events = ref.ms(t["created_at"]), self.events(tid)
            replies = [ref.ms(e["at"]) for e in events if e["type"] == "message"
                       and e["data"]["author"] == "agent" and not e["data"]["internal"]]
            first = self.cal.elapsed(created, replies[0]) if replies else None
            out[tid] = (priority, created,
                        ref.sla_decisions(created, events, targets_of(t), self.cal, now), first)
        return out


def sla_compare(api: dict, want: dict, where: str) -> None:
    for name in ("first_response", "next_reply", "resolution"):
        got = api["sla"][name]
        assert got["n"] == want[name]["n"], f"{where} sla.{name}.n: {got['n']} != {want[name]['n']}"
        assert close(got["value"], want[name]["value"]), f"{where} sla.{name}.value {got['value']}"
        assert close(got["ci"], want[name]["ci"]), f"{where} sla.{name}.ci"
        assert got["low_confidence"] is True


def decisions_of(ref_tickets: dict, priority: str | None = None) -> list:
    return [d for p, _, ds, _ in ref_tickets.values() if priority in (None, p) for d in ds]


@pytest.fixture(scope="module")
def sla_desk(tmp_path_factory):
    desk = SlaDesk(tmp_path_factory.mktemp("kpisla"))
    try:
        api = desk.api
        a, b, c, d, e = (desk.ticket(p) for p in ("high", "normal", "normal", "high", "low"))
        desk.say(a)                                  # first response in time
        desk.say(a, "still broken", author="customer")
        desk.say(a, "fixed", status="resolved")      # next reply and resolution in time
        desk.say(c)                                  # in time; the next reply will be late
        desk.say(c, "and now?", author="customer")
        desk.say(d, "looking", internal=True)        # a note meets nothing ...
        desk.say(d)                                  # ... the public reply does
        desk.say(e, "done", status="resolved")
        # Tuesday 14:00: the first response of b (due Monday 16:00), the next reply of c
        # (Monday ~15:30) and the resolutions of b, c and d (Tuesday ~11:00) were breached while
        # the server was down; the watch jobs decide them on start, dated at their due times.
        desk.srv.stop()
        desk.srv.env["HELPDESK_TEST_CLOCK_START"] = TUESDAY
        desk.srv.start()
        breached = {b: ("first_response", "resolution"), c: ("next_reply", "resolution"),
                    d: ("resolution",)}

        def settled():
            for t, targets in breached.items():
                sla = expect(api.get(f"/api/v1/tickets/{t}"), 200)["sla"]
                if any(sla[x]["outcome"] != "breached" for x in targets):
                    return False
            return True
        desk.wait(settled, "breaches decided")
        desk.say(b, "sorry for the wait")            # late: stays breached
        desk.say(d, "closing", status="resolved")    # late
        yield desk, {a: "high", b: "normal", c: "normal", d: "high", e: "low"}
        desk.srv.stop()
    finally:
        desk.srv.kill_quietly()


def test_sla_attainment_and_business_time_match_the_reference(sla_desk):
    desk, tickets = sla_desk
    now = ref.ms(TUESDAY) + 3_600_000
    want = desk.reference(tickets, lambda t: TARGETS, now)
    frm, to = ref.ms(SLA_FROM), ref.ms(SLA_TO)
    body = expect(desk.api.get(f"/api/v1/kpis?from={SLA_FROM}&to={SLA_TO}"), 200)
    total = body["groups"][0]["figures"]
    sla_compare(total, ref.sla_figures(decisions_of(want), frm, to), "total")
    # The hand-checked outcome: 4 of 5 first responses, 1 of 2 next replies, 2 of 4 resolutions.
    assert [total["sla"][n]["hits"] for n in ("first_response", "next_reply", "resolution")] == [4, 1, 2]
    # Resolutions: a and e in time; b, c (still open) and d (resolved late) breached on Tuesday.
    assert [total["sla"][n]["n"] for n in ("first_response", "next_reply", "resolution")] == [5, 2, 5]

    # Per priority, and per Berlin day: each outcome counts on the day it was decided.
    body = expect(desk.api.get(f"/api/v1/kpis?from={SLA_FROM}&to={SLA_TO}&group_by=priority"
                               "&interval=day&tz=Europe/Berlin"), 200)
    bounds = ref.bounds(frm, to, "day", "Europe/Berlin")
    assert len(bounds) == 3
    for g in body["groups"]:
        p = g["key"]["name"]
        sla_compare(g["figures"], ref.sla_figures(decisions_of(want, p), frm, to), p)
        for i, s in enumerate(g["series"]):
            sla_compare(s["figures"], ref.sla_figures(decisions_of(want, p), bounds[i], bounds[i + 1]),
                        f"{p} {s['start']}")
    monday = [g for g in body["groups"] if g["key"]["name"] == "normal"][0]["series"]
    assert monday[0]["figures"]["sla"]["resolution"]["n"] == 0  # decided on Tuesday, not before
    assert monday[1]["figures"]["sla"]["resolution"]["n"] == 2

    # Business time is counted in the policy's office hours, not around the clock.
    items = drill_all(desk.api, **{"from": SLA_FROM, "to": SLA_TO, "metric": "first_response"})
    assert sorted((i["ticket_id"], i["business"]) for i in items) == \
        sorted((tid, w[3] / 1000) for tid, w in want.items() if w[3] is not None)
    late = [i for i in items if i["value"] > 20 * 3600]
    assert len(late) == 1 and abs(late[0]["business"] - 7 * 3600) < 60, late  # Mon 2 h + Tue 5 h
    fr = total["first_response"]
    assert fr["business"]["n"] == 5 and fr["business"]["median"] < fr["calendar"]["p90"]


def test_sla_drill_down_and_target(sla_desk):
    desk, tickets = sla_desk
    now = ref.ms(TUESDAY) + 3_600_000
    want = desk.reference(tickets, lambda t: TARGETS, now)
    for name in ("first_response", "next_reply", "resolution"):
        items = drill_all(desk.api, **{"from": SLA_FROM, "to": SLA_TO, "metric": f"sla_{name}"})
        got = sorted((i["ticket_id"], ref.ms(i["at"]), i["value"] == "achieved") for i in items)
        expected = sorted((tid, at, ok) for tid, w in want.items() for n, at, ok in w[2] if n == name)
        assert got == expected, name
        for i in items:
            if i["value"] == "breached":
                assert ref.ms(i["due_at"]) == ref.ms(i["at"])
    expect(put(desk.api, "/api/v1/kpi-targets", {"figure": "sla.first_response", "value": 90}), 200)
    fr = expect(desk.api.get(f"/api/v1/kpis?from={SLA_FROM}&to={SLA_TO}"), 200)["groups"][0]["figures"]["sla"]
    assert fr["first_response"]["target"] == 90 and fr["first_response"]["met"] is False
    assert fr["resolution"]["target"] is None and fr["resolution"]["met"] is None
    invalid(put(desk.api, "/api/v1/kpi-targets", {"figure": "sla.first_response", "value": 120}), "value")
    problem(desk.api.get(f"/api/v1/kpis/tickets?from={SLA_FROM}&to={SLA_TO}&metric=sla_bogus"), 400)


def test_imported_history_gets_the_sla_of_the_policies_in_force(sla_desk, tmp_path):
    """IMPORT.md: an imported ticket is matched to the policies in force at import, and its SLA
    outcomes and business-time figures follow from its events: the live desk's history, exported
    and imported into a desk with the same policy, reports the same SLA figures."""
    desk, tickets = sla_desk
    history = tmp_path / "sla.jsonl"
    r = desk.srv.cli("export", str(history), "--db", str(desk.srv.db), timeout=60)
    assert r.returncode == 0, r.stderr
    copy = SlaDesk(tmp_path / "copy")
    try:
        copy.srv.stop()  # its clock after the history, like the live desk's now
        copy.srv.env["HELPDESK_TEST_CLOCK_START"] = TUESDAY
        copy.srv.start()
        expect(copy.api.request("POST", "/api/v1/imports", body=history.read_bytes(),
                                headers={"Content-Type": "application/x-ndjson"}), 200)
        q = f"/api/v1/kpis?from={SLA_FROM}&to={SLA_TO}"
        live = expect(desk.api.get(q), 200)["groups"][0]["figures"]
        imported = expect(copy.api.get(q), 200)["groups"][0]["figures"]
        assert imported["sla"]["first_response"]["n"] == 5
        for target in ("first_response", "next_reply", "resolution"):
            assert drop_targets(imported["sla"][target]) == drop_targets(live["sla"][target]), target
        for name in ("first_response", "first_resolution", "full_resolution"):
            assert imported[name]["business"] == live[name]["business"], name
        # In the office calendar, not around the clock: a night passed before one resolution.
        full = imported["full_resolution"]
        assert full["business"]["mean"] < full["calendar"]["mean"]
        # Each ticket explains its clock, with the policy it matched; history fired nothing.
        for t in expect(copy.api.get("/api/v1/tickets?limit=50"), 200)["items"]:
            assert t["sla"]["policy_id"] == copy.policy["id"], t["id"]
            events = [e["type"] for e in copy.events(t["id"])]
            assert not {"sla_warning", "sla_breach", "sla_escalated"} & set(events), events
        assert not [j for j in expect(copy.api.get("/api/v1/jobs"), 200)["items"]
                    if j["kind"].startswith("sla_watch")]
    finally:
        copy.srv.kill_quietly()


def test_policy_edit_replaces_the_sla_facts(sla_desk):
    """A recompute after a policy edit decides again: b is still open and its resolution is no
    longer breached under the longer target; what was decided differently is replaced."""
    desk, tickets = sla_desk
    longer = {**TARGETS, "resolution": 10_000}
    expect(desk.api.patch(f"/api/v1/sla-policies/{desk.policy['id']}", {"targets": longer}), 200)
    open_ids = [tid for tid in tickets
                if expect(desk.api.get(f"/api/v1/tickets/{tid}"), 200)["status"] in ("open", "pending")]
    assert open_ids
    desk.wait(lambda: all(expect(desk.api.get(f"/api/v1/tickets/{tid}"), 200)["sla"]["policy_version"] == 2
                          for tid in open_ids), "recomputed")
    def targets_of(t):
        return longer if t["sla"]["policy_version"] == 2 else TARGETS
    want = desk.reference(tickets, targets_of, ref.ms(TUESDAY) + 3_600_000)
    total = expect(desk.api.get(f"/api/v1/kpis?from={SLA_FROM}&to={SLA_TO}"), 200)["groups"][0]["figures"]
    sla_compare(total, ref.sla_figures(decisions_of(want), ref.ms(SLA_FROM), ref.ms(SLA_TO)), "after edit")
    assert total["sla"]["resolution"]["n"] == 3  # b and c are no longer breached


# ------------------------------------------------------------------------------ CSV export

CSV_HEADER = ["group_by", "group_id", "group_name", "period", "start", "end", "figure", "value", "n",
              "ci_low", "ci_high", "target", "met", "low_confidence"]
DRILL_HEADER = ["metric", "ticket_id", "subject", "at", "agent_id", "value", "business", "due_at",
                "status", "since", "created_at"]


def csv_rows(resp) -> list[list[str]]:
    assert resp.status == 200, resp
    assert resp.content_type == "text/csv", resp.content_type
    assert "attachment" in (resp.header("Content-Disposition") or "")
    assert resp.header("Transfer-Encoding") == "chunked"  # streamed, not built whole
    text = resp.body.decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


def json_cells(figures: dict) -> dict:
    """The JSON report's figures as the CSV names them: figure -> (value, n, ci)."""
    out = {}
    for d in ("first_response", "next_reply", "first_resolution", "full_resolution"):
        for flavour in ("calendar", "business"):
            x = figures[d][flavour]
            for stat in ("median", "p90", "mean"):
                out[f"{d}.{flavour}.{stat}"] = (x[stat], x["n"], None)
    for p in ("csat", "response_rate", "reopen_rate", "one_touch_rate", "nps"):
        out[p] = (figures[p]["value"], figures[p]["n"], figures[p]["ci"])
    out["ces"] = (figures["ces"]["value"], figures["ces"]["n"], None)
    for t in ("first_response", "next_reply", "resolution"):
        x = figures["sla"][t]
        out[f"sla.{t}"] = (x["value"], x["n"], x["ci"])
    b = figures["backlog"]
    out["volume"] = (figures["volume"]["n"], figures["volume"]["n"], None)
    out["backlog.open"] = (b["open"], b["open"], None)
    out["backlog.pending"] = (b["pending"], b["pending"], None)
    for stat in ("median", "p90", "max"):
        out[f"backlog.age.{stat}"] = (b["age"][stat], b["n"], None)
    return out


def number(cell: str):
    return None if cell == "" else float(cell)


def report_csv_cells(body: dict, rows: list, group_by: str, interval: str) -> dict:
    """The CSV's cells keyed (group id, group name, period, start, end) -> figure -> cell, after
    checking it has exactly the JSON report's groups and periods, and each figure's value, n
    and interval."""
    assert rows[0] == CSV_HEADER
    want = {}
    for g in body["groups"]:
        key = ("", "") if g["key"] is None else (
            str(g["key"]["id"]) if g["key"]["id"] is not None else "", g["key"]["name"] or "")
        want[key + ("total", ref.ms(body["from"]), ref.ms(body["to"]))] = g["figures"]
        for s in g["series"]:
            want[key + (interval, ref.ms(s["start"]), ref.ms(s["end"]))] = s["figures"]
    seen = {}
    for r in rows[1:]:
        assert len(r) == len(CSV_HEADER), r
        cell = dict(zip(CSV_HEADER, r))
        assert cell["group_by"] == group_by
        k = (cell["group_id"], cell["group_name"], cell["period"], ref.ms(cell["start"]), ref.ms(cell["end"]))
        seen.setdefault(k, {})[cell["figure"]] = cell
    assert set(seen) == set(want)
    for k, figures in want.items():
        expected = json_cells(figures)
        got = seen[k]
        assert set(got) == set(expected), k
        for name, (value, n, ci) in expected.items():
            c = got[name]
            assert close(number(c["value"]), value), f"{k} {name}: {c['value']} != {value}"
            assert int(c["n"]) == n, f"{k} {name}.n"
            assert close([number(c["ci_low"]), number(c["ci_high"])] if c["ci_low"] else None, ci), name
    return {k: (want[k], seen[k]) for k in want}


def test_csv_report_says_what_the_json_report_says(imported):
    srv, sup, tickets = imported
    q = f"from={FROM}&to={TO}&group_by=team&interval=month&tz=Europe/Berlin"
    expect(put(sup, "/api/v1/kpi-targets", {"figure": "sla.resolution", "value": 80}), 200)
    body = expect(sup.get(f"/api/v1/kpis?{q}"), 200)
    assert len(body["groups"]) > 2 and len(body["groups"][0]["series"]) >= 3
    cells = report_csv_cells(body, csv_rows(sup.get(f"/api/v1/kpis.csv?{q}")), "team", "month")
    for k, (figures, got) in cells.items():
        target = got["sla.resolution"]
        assert number(target["target"]) == 80
        sla = figures["sla"]["resolution"]
        assert target["met"] == ("" if sla["value"] is None else str(sla["value"] >= 80).lower())
        assert got["csat"]["low_confidence"] == str(figures["csat"]["n"] < 30).lower()
        assert got["volume"]["low_confidence"] == "false"  # a count, not a sample


def test_an_agents_own_csv_says_what_their_own_report_says(imported):
    srv, sup, tickets = imported
    agent = srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    # A ticket this agent answers now: its first response is credited to them, not to others.
    ticket = expect(agent.post("/api/v1/tickets", json={
        "subject": "Own figures", "body": "Hello", "customer": {"email": uniq("mine") + "@example.com"}}), 201)
    expect(agent.post(f"/api/v1/tickets/{ticket['id']}/messages", json={"body": "On it"}), 201)
    day = 86_400
    frm = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() - day))
    to = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() + 2 * day))
    q = f"from={frm}&to={to}&interval=day"
    body = expect(agent.get(f"/api/v1/kpis/me?{q}"), 200)
    assert body["groups"][0]["figures"]["first_response"]["calendar"]["n"] == 1
    cells = report_csv_cells(body, csv_rows(agent.get(f"/api/v1/kpis/me.csv?{q}")), "", "day")
    assert len(cells) == 4  # the total and three days
    everyone = expect(sup.get(f"/api/v1/kpis?{q}"), 200)["groups"][0]["figures"]
    assert everyone["volume"]["n"] >= body["groups"][0]["figures"]["volume"]["n"]
    # Refused like the JSON report, before any row.
    problem(srv.client().get(f"/api/v1/kpis/me.csv?{q}"), 401)
    p = problem(agent.get(f"/api/v1/kpis/me.csv?{q}&group_by=team"), 400)
    assert p["errors"][0]["field"] == "group_by"


def test_csv_drill_down_holds_every_item_across_pages(imported):
    srv, sup, tickets = imported
    total = report(sup, **{"from": FROM, "to": TO})["groups"][0]["figures"]
    assert total["volume"]["n"] > 500  # more than one page of the store's reads
    rows = csv_rows(sup.get(f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}&metric=volume"))
    assert rows[0] == DRILL_HEADER
    assert len(rows) - 1 == total["volume"]["n"]
    assert len({r[1] for r in rows[1:]}) == total["volume"]["n"]  # each ticket once
    items = drill_all(sup, **{"from": FROM, "to": TO, "metric": "first_response"})
    rows = csv_rows(sup.get(f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}&metric=first_response"))
    got = [(int(r[1]), r[3], float(r[5]), float(r[6])) for r in rows[1:]]
    assert got == [(i["ticket_id"], i["at"], i["value"], i["business"]) for i in items]
    assert all(r[0] == "first_response" and r[7] == r[8] == "" for r in rows[1:])


def test_csv_refuses_like_the_json_routes(imported):
    srv, sup, tickets = imported
    anon = srv.client()
    problem(anon.get(f"/api/v1/kpis.csv?from={FROM}&to={TO}"), 401)
    agent = srv.client()
    expect(agent.login("agent@x.test", PASSWORD), 200)
    problem(agent.get(f"/api/v1/kpis.csv?from={FROM}&to={TO}"), 403)
    problem(agent.get(f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}&metric=volume"), 403)
    for path, field in [(f"/api/v1/kpis.csv?from={FROM}", "to"),
                        (f"/api/v1/kpis.csv?from={FROM}&to={TO}&interval=year", "interval"),
                        (f"/api/v1/kpis.csv?from=2020-01-01T00:00:00Z&to={TO}&interval=day", "interval"),
                        (f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}", "metric"),
                        (f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}&metric=volume&cursor=1.2.3.4", "cursor"),
                        (f"/api/v1/kpis/tickets.csv?from={FROM}&to={TO}&metric=volume&limit=5", "limit")]:
        p = problem(sup.get(path), 400)
        assert p["errors"][0]["field"] == field, path
    # HEAD: the download's headers, no body.
    r = sup.request("HEAD", f"/api/v1/kpis.csv?from={FROM}&to={TO}")
    assert r.status == 200 and r.content_type == "text/csv" and r.body == b""


def test_csv_sla_drill_down_and_formula_guard(sla_desk):
    desk, tickets = sla_desk
    rows = csv_rows(desk.api.get(f"/api/v1/kpis/tickets.csv?from={SLA_FROM}&to={SLA_TO}"
                                 "&metric=sla_resolution"))
    items = drill_all(desk.api, **{"from": SLA_FROM, "to": SLA_TO, "metric": "sla_resolution"})
    assert [(int(r[1]), r[3], r[5], r[7]) for r in rows[1:]] == \
        [(i["ticket_id"], i["at"], i["value"], i["due_at"] or "") for i in items]
    assert sorted(r[5] for r in rows[1:]).count("achieved") == 2
    # A subject a spreadsheet would run as a formula is written as text.
    tid = expect(desk.api.post("/api/v1/tickets", {
        "subject": "=HYPERLINK(\"http://x.test\",\"a, b\")", "body": "hi",
        "customer": {"email": f"{uniq('c')}@other.test"}}), 201)["id"]
    text = desk.api.get(f"/api/v1/kpis/tickets.csv?from={SLA_FROM}&to={SLA_TO}&metric=volume").body
    assert b'"\'=HYPERLINK(""http://x.test"",""a, b"")"' in text
    rows = list(csv.reader(io.StringIO(text.decode(), newline="")))
    assert [r[2] for r in rows if r[1] == str(tid)] == ["'=HYPERLINK(\"http://x.test\",\"a, b\")"]
