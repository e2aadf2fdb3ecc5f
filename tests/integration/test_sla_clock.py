"""SLA clocks against the server's clock seam: the server starts its clock at a chosen instant
(HELPDESK_TEST_CLOCK_START; it then runs at real speed), and each restart jumps it forward,
through a weekend, a holiday and a DST change. Checks due times, pauses, warnings and breaches
(including ones the stopped server missed: they fire once, on start) and the explanation."""
from __future__ import annotations

import time

import pytest

from harness import boot, expect, ms, problem, uniq

MIN = 60_000
HOUR = 60 * MIN

BERLIN = {
    "time_zone": "Europe/Berlin",
    "hours": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
              "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]], "sat": [], "sun": []},
    "holidays": [{"date": "2026-12-25", "yearly": True, "name": "Christmas"},
                 {"date": "2026-12-24", "from": "12:00", "to": "24:00", "name": "Eve"}],
}


class Desk:
    """A private server whose clock each `at()` restarts at a new instant."""

    def __init__(self, workdir, start: str, env: dict[str, str] | None = None):
        self.srv = boot(workdir, {"HELPDESK_TEST_CLOCK_START": start, **(env or {})})
        admin = self.srv.client()
        expect(admin.login("admin@x.test"), 200)
        # Tokens don't expire: sessions would, days later on the shifted clock.
        token = expect(admin.post("/api/v1/tokens", {"name": "clock", "role": "admin"}), 201)["token"]
        self.api = self.srv.client(token=token)
        self.org = uniq("org")
        cal = expect(self.api.post("/api/v1/calendars", {**BERLIN, "name": uniq("Berlin ")}), 201)
        self.calendar_id = cal["id"]
        self.policy = expect(self.api.post("/api/v1/sla-policies", {
            "name": uniq("Office "), "calendar_id": cal["id"], "position": 1,
            "conditions": {"organization": [self.org]},
            "targets": {"first_response": 60, "next_reply": 120, "resolution": 480}}), 201)

    def at(self, instant: str) -> None:
        self.srv.stop()
        self.srv.env["HELPDESK_TEST_CLOCK_START"] = instant
        self.srv.start()

    def ticket(self) -> dict:
        return expect(self.api.post("/api/v1/tickets", {
            "subject": "Clock", "body": "help",
            "customer": {"email": f"{uniq('c')}@customer.test", "organization": self.org}}), 201)

    def get(self, tid: int) -> dict:
        return expect(self.api.get(f"/api/v1/tickets/{tid}"), 200)

    def events(self, tid: int, kind: str) -> list[dict]:
        items = expect(self.api.get(f"/api/v1/tickets/{tid}/events"), 200)["items"]
        return [e for e in items if e["type"] == kind]

    def wait_for_event(self, tid: int, kind: str, timeout: float = 10) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.events(tid, kind)
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no {kind} event on ticket {tid}:\n{self.srv.log_tail()}")

    def due_preview(self, start_ms: int, minutes: int) -> int:
        start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start_ms // 1000))
        start += f".{start_ms % 1000:03d}Z"
        got = expect(self.api.get(f"/api/v1/calendars/{self.calendar_id}/due"
                                  f"?from={start}&minutes={minutes}"), 200)
        return ms(got["due_at"])


@pytest.fixture
def desk(tmp_path):
    d = Desk(tmp_path / "clock", "2026-12-18T15:30:00Z")  # Friday 16:30 in Berlin
    try:
        yield d
        d.srv.stop()
    finally:
        d.srv.kill_quietly()


def test_weekend_warning_and_breach_fire_once_after_a_restart(desk):
    t = desk.ticket()
    tid, created = t["id"], ms(t["created_at"])
    assert created - ms("2026-12-18T15:30:00.000Z") < 60_000, "the server's clock was shifted"
    # 60 business minutes: the rest of Friday (~30 min), then Monday from 09:00 CET.
    fr_due = ms(t["sla"]["first_response"]["due_at"])
    assert fr_due == desk.due_preview(created, 60)
    # (The server took a moment to start: the ticket is a little after 16:30.)
    assert ms("2026-12-21T08:30:00.000Z") <= fr_due < ms("2026-12-21T08:31:00.000Z")
    # Resolution, 480 minutes: Friday's half hour, then 7.5 h of Monday.
    assert ms(t["sla"]["resolution"]["due_at"]) == desk.due_preview(created, 480)

    desk.at("2026-12-19T12:00:00Z")  # Saturday: nothing is due, nothing fires
    time.sleep(0.5)
    assert desk.events(tid, "sla_warning") == [] and desk.events(tid, "sla_breach") == []
    why = expect(desk.api.get(f"/api/v1/tickets/{tid}/sla"), 200)
    assert why["targets"]["first_response"]["business_minutes_left"] in (29, 30), why

    # Monday 09:25 Berlin: the 80 % warning (09:18) was missed while the server was down.
    desk.at("2026-12-21T08:25:00Z")
    warnings = desk.wait_for_event(tid, "sla_warning")
    assert [w["data"]["target"] for w in warnings] == ["first_response"]
    assert desk.events(tid, "sla_breach") == []

    # Monday 10:00: the breach at ~09:30 fires once, dated at the due time.
    desk.at("2026-12-21T09:00:00Z")
    breaches = desk.wait_for_event(tid, "sla_breach")
    time.sleep(0.5)
    breaches = desk.events(tid, "sla_breach")
    assert len(breaches) == 1 and breaches[0]["data"]["target"] == "first_response"
    assert ms(breaches[0]["at"]) == fr_due
    got = desk.get(tid)["sla"]["first_response"]
    assert got["outcome"] == "breached" and ms(got["decided_at"]) == fr_due
    assert tid in {x["id"] for x in expect(desk.api.get("/api/v1/tickets?sla=breached"), 200)["items"]}
    # The same with a status (the candidates read from the status index), and not among others.
    breached_open = "/api/v1/tickets?sla=breached&status=open,pending"
    assert tid in {x["id"] for x in expect(desk.api.get(breached_open), 200)["items"]}
    assert tid not in {x["id"] for x in expect(desk.api.get(breached_open.replace("open,pending", "closed")), 200)["items"]}
    # The reply comes late: the outcome stays breached; nothing more fires after a restart.
    expect(desk.api.post(f"/api/v1/tickets/{tid}/messages", {"body": "Sorry!"}), 201)
    assert desk.get(tid)["sla"]["first_response"]["outcome"] == "breached"
    desk.at("2026-12-21T10:00:00Z")
    time.sleep(0.5)
    assert len(desk.events(tid, "sla_breach")) == 1 and len(desk.events(tid, "sla_warning")) == 1


def test_every_overdue_target_tells_its_breach_once(desk):
    t = desk.ticket()  # Friday 16:30 Berlin
    tid = t["id"]
    fr_due, res_due = (ms(t["sla"][k]["due_at"]) for k in ("first_response", "resolution"))
    # Tuesday 13:00 Berlin: first response (Monday 09:30) and resolution (Monday ~16:30) were
    # both missed while the server was down; the first job to run settles both.
    desk.at("2026-12-22T12:00:00Z")
    deadline = time.time() + 10
    while len(desk.events(tid, "sla_breach")) < 2 and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the other target's own job has run by now too, and must add nothing
    told = sorted((b["data"]["target"], ms(b["at"])) for b in desk.events(tid, "sla_breach"))
    assert told == [("first_response", fr_due), ("resolution", res_due)], desk.srv.log_tail()
    sla = desk.get(tid)["sla"]
    assert sla["first_response"]["outcome"] == sla["resolution"]["outcome"] == "breached"
    desk.at("2026-12-22T13:00:00Z")
    time.sleep(0.5)
    assert len(desk.events(tid, "sla_breach")) == 2


def test_holiday_and_pause_carry_over(desk):
    desk.at("2026-12-23T14:55:00Z")  # Wednesday 15:55 Berlin
    t = desk.ticket()
    tid, created = t["id"], ms(t["created_at"])
    # 60 minutes, all within Wednesday's last hour.
    assert ms(t["sla"]["first_response"]["due_at"]) == created + 60 * MIN
    # 480 minutes: 65 min on Wednesday, 3 h on the Eve (closes at 12:00), Christmas, the
    # weekend, then 3 h 55 on Monday the 28th: due about 12:55 CET.
    res_due = ms(t["sla"]["resolution"]["due_at"])
    assert res_due == desk.due_preview(created, 480)
    assert abs(res_due - ms("2026-12-28T11:55:00.000Z")) < 60_000
    # The agent answers and waits for the customer: the clocks pause over the holidays.
    t = expect(desk.api.post(f"/api/v1/tickets/{tid}/messages", {"body": "Try this", "status": "pending"}), 201)
    t = desk.get(tid)
    left = t["sla"]["resolution"]["paused_left_ms"]
    assert 479 * MIN < left <= 480 * MIN, t["sla"]
    desk.at("2026-12-28T07:30:00Z")  # Monday 08:30, before opening: the customer answers
    expect(desk.api.post(f"/api/v1/tickets/{tid}/messages", {"body": "no luck", "author": "customer"}), 201)
    t = desk.get(tid)
    # The clocks resume at 09:00 with what they had left.
    assert ms(t["sla"]["resolution"]["due_at"]) == ms("2026-12-28T08:00:00.000Z") + left
    assert ms(t["sla"]["next_reply"]["due_at"]) == ms("2026-12-28T10:00:00.000Z")
    why = expect(desk.api.get(f"/api/v1/tickets/{tid}/sla"), 200)
    assert len(why["paused_intervals"]) == 1
    pause = why["paused_intervals"][0]
    # Paused from Wednesday ~15:55 to Monday 08:30: in business time that is Wednesday's last
    # 65 minutes and the Eve's morning (3 h), though days passed.
    assert abs(pause["business_ms"] - (65 * MIN + 3 * HOUR)) < 60_000
    assert why["targets"]["first_response"]["outcome"] == "achieved"
    assert why["policy"]["id"] == desk.policy["id"]


def test_dst_weekend(desk):
    desk.at("2027-03-26T14:55:00Z")  # Friday 15:55 CET; clocks go forward on Sunday the 28th
    t = desk.ticket()
    created = ms(t["created_at"])
    fr_due = ms(t["sla"]["first_response"]["due_at"])
    # 60 minutes, within Friday's hours.
    assert fr_due == desk.due_preview(created, 60) == created + 60 * MIN
    # 120 minutes: 65 on Friday, 55 on Monday: 09:55 CEST = 07:55Z (not 08:55Z).
    assert abs(desk.due_preview(created, 120) - ms("2027-03-29T07:55:00.000Z")) < 60_000
    res_due = ms(t["sla"]["resolution"]["due_at"])  # 480: 65 min Friday + 415 Monday: 15:55 CEST
    assert abs(res_due - ms("2027-03-29T13:55:00.000Z")) < 60_000
    desk.at("2027-03-29T07:30:00Z")  # Monday 09:30 CEST: first response breached on Friday
    breaches = desk.wait_for_event(t["id"], "sla_breach")
    assert breaches[0]["data"]["target"] == "first_response" and ms(breaches[0]["at"]) == fr_due
    assert desk.get(t["id"])["sla"]["resolution"]["state"] == "running"


def test_bad_clock_start_stops_the_server(tmp_path):
    from harness import Server
    srv = Server(tmp_path / "bad", {"HELPDESK_TEST_CLOCK_START": "next tuesday"})
    srv.migrate()
    with pytest.raises(AssertionError):
        srv.start(timeout=5)
    srv.kill_quietly()
