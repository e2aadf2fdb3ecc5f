"""SLA escalation and notifications, against the clock seam and a real SMTP server: a warning
and a breach tell the assignee and the team's supervisors (live, in the event, and by mail),
and the policy's escalation steps raise the priority, move the ticket and assign it, once."""
from __future__ import annotations

import time

import pytest

from harness import PASSWORD, expect, invalid, uniq
from smtp_sink import SmtpSink
from test_sla_clock import Desk


@pytest.fixture
def sink():
    s = SmtpSink().start()
    yield s
    s.stop()


class Team:
    """A team with an agent and a supervisor, and an escalation team with its own supervisor."""

    def __init__(self, desk: Desk):
        api = desk.api
        self.team = expect(api.post("/api/v1/teams", {"name": uniq("Billing ")}), 201)
        self.escalation_team = expect(api.post("/api/v1/teams", {"name": uniq("Tier 2 ")}), 201)

        def user(role: str, team: dict) -> dict:
            email = f"{uniq(role)}@x.test"
            return expect(api.post("/api/v1/users", {"email": email, "name": email.split("@")[0],
                                                     "role": role, "password": PASSWORD,
                                                     "team_id": team["id"]}), 201)
        self.agent = user("agent", self.team)
        self.supervisor = user("supervisor", self.team)
        self.lead = user("supervisor", self.escalation_team)
        # The agent's own session: notifications are per person (the desk's session TTL
        # outlasts the clock's jumps).
        self.agent_api = desk.srv.client()
        expect(self.agent_api.login(self.agent["email"]), 200)


def mail_env(sink, **more: str) -> dict[str, str]:
    return {"HELPDESK_MAIL_SMTP_URL": sink.url,
            "HELPDESK_MAIL_FROM": "Helpdesk <help@support.test>",
            "HELPDESK_SERVER_PUBLIC_URL": "https://help.example.test",
            "HELPDESK_JOBS_FIRST_RETRY": "1s",
            "HELPDESK_AUTH_SESSION_TTL": "30d", **more}


@pytest.fixture
def desk(tmp_path, sink):
    d = Desk(tmp_path / "escalation", "2026-12-18T15:30:00Z", mail_env(sink))  # Friday 16:30 Berlin
    try:
        yield d
        d.srv.stop()
    finally:
        d.srv.kill_quietly()


def escalate(desk: Desk, team: Team) -> dict:
    return expect(desk.api.patch(f"/api/v1/sla-policies/{desk.policy['id']}", {"escalations": [
        {"when": "warning", "priority": "high"},
        {"when": "breach", "target": "first_response", "priority": "urgent",
         "team_id": team.escalation_team["id"], "assignee_id": team.lead["id"]},
        {"when": "breach", "target": "resolution", "priority": "urgent"},
    ]}), 200)


def test_warning_and_breach_notify_and_escalate_once(desk, sink):
    team = Team(desk)
    policy = escalate(desk, team)
    assert [s["when"] for s in policy["escalations"]] == ["warning", "breach", "breach"]
    assert policy["escalations"][1] == {"when": "breach", "target": "first_response",
                                        "priority": "urgent",
                                        "team_id": team.escalation_team["id"],
                                        "assignee_id": team.lead["id"]}
    assert policy["escalations"][0]["target"] is None
    t = desk.ticket()
    tid = t["id"]
    expect(desk.api.patch(f"/api/v1/tickets/{tid}", {"team_id": team.team["id"],
                                                      "assignee_id": team.agent["id"]},
                          headers={"If-Match": f'"{t["version"]}"'}), 200)
    after = expect(team.agent_api.get("/api/v1/events"), 200)["last_event_id"]

    # Monday 09:25 Berlin: the first-response warning (09:18) fires on start.
    desk.at("2026-12-21T08:25:00Z")
    warning = desk.wait_for_event(tid, "sla_warning")[0]
    told = {team.agent["id"], team.supervisor["id"]}
    assert set(warning["data"]["notify"]) == told  # not the other team's lead
    got = desk.get(tid)
    assert got["priority"] == "high" and got["assignee_id"] == team.agent["id"]
    raised = desk.events(tid, "priority")
    assert [(e["data"]["to"], e["data"].get("cause")) for e in raised] == [
        ("high", "sla_warning:first_response")]
    assert raised[0]["actor"]["kind"] == "system"
    mails = sink.wait_for(lambda m: "SLA due soon (first response)" in m.subject, count=2)
    assert {r for m in mails for r in m.rcpt_tos} == {team.agent["email"], team.supervisor["email"]}
    assert f"https://help.example.test/app/tickets/{tid}" in mails[0].text
    assert "2026-12-21 08:3" in mails[0].text  # the due time, in UTC
    # The agent's own notification, on the polling fallback of the live channel.
    feed = expect(team.agent_api.get(f"/api/v1/events?after={after}"), 200)
    notes = [n for n in feed["notifications"] if n["ticket_id"] == tid]
    assert [(n["kind"], n["reason"]) for n in notes] == [("sla_warning", "first_response")]

    # Monday 10:00: the breach escalates to the other team's lead, who is told of it.
    desk.at("2026-12-21T09:00:00Z")
    breach = desk.wait_for_event(tid, "sla_breach")[0]
    assert set(breach["data"]["notify"]) == told
    deadline = time.time() + 10
    while desk.get(tid)["assignee_id"] != team.lead["id"] and time.time() < deadline:
        time.sleep(0.1)
    got = desk.get(tid)
    assert (got["priority"], got["team_id"], got["assignee_id"]) == (
        "urgent", team.escalation_team["id"], team.lead["id"])
    moved = desk.events(tid, "assigned")[-1]
    assert moved["data"]["cause"] == "sla_breach:first_response"
    mails = sink.wait_for(lambda m: "SLA breached (first response)" in m.subject, count=2)
    assert {r for m in mails for r in m.rcpt_tos} == {team.agent["email"], team.supervisor["email"]}
    lead_api_feed = expect(desk.api.get(f"/api/v1/events?after={after}"), 200)
    assert any(e["type"] == "assigned" and e["ticket_id"] == tid for e in lead_api_feed["items"])

    # Nothing fires twice: a restart later adds no event, no escalation and no mail.
    version = desk.get(tid)["version"]
    sent = len(sink.messages)
    desk.at("2026-12-21T10:00:00Z")
    time.sleep(1)
    assert len(desk.events(tid, "sla_breach")) == 1 and len(desk.events(tid, "sla_warning")) == 1
    assert desk.get(tid)["version"] == version
    assert len(sink.messages) == sent


def test_breaches_missed_while_down_each_tell_their_own(tmp_path, sink):
    """Both targets' warning and due times pass while the server is down. On start, one worker
    runs the jobs in due order: the first response's breach job settles both targets before the
    resolution's warning job runs; that one still queues the resolution's breach job, which sends
    its mail. Each breach is told once."""
    desk = Desk(tmp_path / "down", "2026-12-18T15:30:00Z", mail_env(sink, HELPDESK_JOBS_WORKERS="1"))
    try:
        team = Team(desk)
        t = desk.ticket()  # Friday 16:30 Berlin: first response due Monday 09:30, resolution ~16:30
        tid = t["id"]
        expect(desk.api.patch(f"/api/v1/tickets/{tid}", {"team_id": team.team["id"],
                                                          "assignee_id": team.agent["id"]},
                              headers={"If-Match": f'"{t["version"]}"'}), 200)
        desk.at("2026-12-22T12:00:00Z")  # Tuesday 13:00 Berlin
        told = {team.agent["email"], team.supervisor["email"]}
        for target in ("first response", "resolution"):
            subject = f"SLA breached ({target})"
            mails = sink.wait_for(lambda m, subject=subject: subject in m.subject, count=2)
            assert {r for m in mails for r in m.rcpt_tos} == told, target
        time.sleep(1)
        assert sorted(b["data"]["target"] for b in desk.events(tid, "sla_breach")) == [
            "first_response", "resolution"]
        assert len([m for m in sink.messages if "SLA breached" in m.subject]) == 4
        assert not [m for m in sink.messages if "SLA due soon" in m.subject]  # too late to warn
        desk.srv.stop()
    finally:
        desk.srv.kill_quietly()


def test_mail_notifications_can_be_switched_off(tmp_path, sink):
    d = Desk(tmp_path / "quiet", "2026-12-18T15:30:00Z", {
        "HELPDESK_MAIL_SMTP_URL": sink.url, "HELPDESK_SLA_MAIL_NOTIFICATIONS": "false",
        "HELPDESK_AUTH_SESSION_TTL": "30d"})
    try:
        team = Team(d)
        t = d.ticket()
        expect(d.api.patch(f"/api/v1/tickets/{t['id']}", {"assignee_id": team.agent["id"]},
                           headers={"If-Match": f'"{t["version"]}"'}), 200)
        d.at("2026-12-21T08:25:00Z")
        warning = d.wait_for_event(t["id"], "sla_warning")[0]
        assert team.agent["id"] in warning["data"]["notify"]  # still told, in the app
        time.sleep(1)
        assert [m for m in sink.messages if "SLA" in m.subject] == []
        d.srv.stop()
    finally:
        d.srv.kill_quietly()


@pytest.mark.parametrize("step,field", [
    ({"priority": "urgent"}, "escalations[0].when"),
    ({"when": "soon", "priority": "urgent"}, "escalations[0].when"),
    ({"when": "breach", "target": "reply", "priority": "urgent"}, "escalations[0].target"),
    ({"when": "breach", "priority": "asap"}, "escalations[0].priority"),
    ({"when": "breach"}, "escalations[0].priority"),
    ({"when": "breach", "team_id": -1}, "escalations[0].team_id"),
    ({"when": "breach", "team_id": 999999}, "escalations[0].team_id"),
    ({"when": "breach", "assignee_id": 999999}, "escalations[0].assignee_id"),
    ({"when": "breach", "priority": "high", "colour": "red"}, "escalations[0].colour"),
])
def test_bad_escalation_steps_are_refused_and_change_nothing(desk, step, field):
    before = expect(desk.api.get(f"/api/v1/sla-policies/{desk.policy['id']}"), 200)
    invalid(desk.api.patch(f"/api/v1/sla-policies/{desk.policy['id']}", {"escalations": [step]}),
            field)
    assert expect(desk.api.get(f"/api/v1/sla-policies/{desk.policy['id']}"), 200) == before
