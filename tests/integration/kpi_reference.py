"""An independent reading of KPIS.md: every figure recomputed from a JSON Lines history
(docs/IMPORT.md) alone. Shares nothing with the server: its own state machine walk, its own
percentiles, intervals and confidence intervals, written from the definitions."""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Z = 1.959963984540054
RUNNING = 2**63 - 1


def ms(text: str) -> int:
    return int(round(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000))


@dataclass
class Ticket:
    created: int
    team: str | None
    channel: str
    priority: str
    organization: str | None
    tags: list = field(default_factory=list)
    assignee: str | None = None
    first_response: tuple[int, str] | None = None  # (at, agent)
    next_replies: list = field(default_factory=list)  # (at, value, agent)
    first_resolution: tuple[int, str] | None = None
    standing_resolution: tuple[int, str] | None = None
    reopens: int = 0
    public_replies: int = 0
    spans: list = field(default_factory=list)  # (status, start, end)
    surveys: list = field(default_factory=list)  # dicts: sent, agent, answered, csat, nps, ces


def walk(line: dict) -> Ticket:
    """Follows one ticket's events by the rules of KPIS.md."""
    created = ms(line["created_at"])
    org = line["customer"].get("organization") or None
    t = Ticket(created, line.get("team"), line["channel"], line["priority"], org,
               sorted(set(line.get("tags", []))))
    status, since = "open", created
    public = [e for e in line["events"] if e["type"] == "message" and not e.get("internal")]
    outbound = bool(public) and public[0]["author"] != "customer"
    last_public_agent = None  # author of the last public agent reply
    last_public_was_agent = False
    waiting_since = None
    credited = None

    def move(to: str, at: int) -> None:
        nonlocal status, since
        if to == status:
            return
        if status in ("open", "pending") and at > since:
            t.spans.append((status, since, at))
        if to == "open" and status in ("resolved", "follow_up"):
            t.reopens += 1
            t.standing_resolution = None
        status, since = to, at

    for e in line["events"]:
        at = ms(e["at"])
        kind = e["type"]
        if kind == "message":
            if e.get("internal"):
                continue
            if e["author"] == "customer":
                if last_public_was_agent and waiting_since is None:
                    waiting_since = at
                last_public_was_agent = False
                if status != "open":
                    move("open", at)
            else:
                agent = e["author"]
                t.public_replies += 1
                if t.first_response is None and not outbound:
                    t.first_response = (at, agent)
                if waiting_since is not None:
                    t.next_replies.append((at, at - waiting_since, agent))
                    waiting_since = None
                last_public_was_agent = True
                last_public_agent = agent
        elif kind == "assign":
            t.assignee = e.get("agent")
        elif kind == "status":
            to, by = e["to"], e["by"]
            if to == "resolved" and status != "resolved":
                agent = None if by == "system" else by
                if t.first_resolution is None:
                    t.first_resolution = (at, agent)
                t.standing_resolution = (at, agent)
                credited = last_public_agent or agent
            if to == "closed" and status == "follow_up":
                for s in t.surveys:
                    if s["answered"] is None and s["state"] == "sent":
                        s["state"] = "expired"
            move(to, at)
        elif kind == "survey_sent":
            t.surveys.append({"sent": at, "agent": credited, "answered": None, "state": "sent"})
            move("follow_up", at)
        elif kind == "survey_answer":
            s = t.surveys[-1]
            s.update(answered=at, csat=e["csat"], nps=e.get("nps"), ces=e.get("ces"),
                     state="answered")
            reopen = e.get("reopen", not e["resolved"])
            move("open" if reopen else "closed", at)
    if status in ("open", "pending"):
        t.spans.append((status, since, RUNNING))
    return t


def load(path) -> list[Ticket]:
    with open(path, encoding="utf-8") as f:
        return [walk(json.loads(line)) for line in f if line.strip()]


# -- statistics --------------------------------------------------------------------------------

def rank(sorted_values: list[int], p: int) -> int:
    k = -(-p * len(sorted_values) // 100)  # ceil(p n / 100) in integers
    return sorted_values[k - 1]


def durations(values: list[int]) -> dict:
    v = sorted(values)
    if not v:
        return {"median": None, "p90": None, "mean": None, "n": 0}
    return {"median": rank(v, 50) / 1000, "p90": rank(v, 90) / 1000,
            "mean": sum(v) / len(v) / 1000, "n": len(v)}


def wilson(hits: int, n: int) -> dict:
    if n == 0:
        return {"value": None, "n": 0, "ci": None}
    p = hits / n
    den = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return {"value": 100 * p, "n": n, "ci": [100 * max(0.0, centre - half), 100 * min(1.0, centre + half)]}


def nps(scores: list[int]) -> dict:
    if not scores:
        return {"value": None, "n": 0, "ci": None}
    x = [1 if s >= 9 else 0 if s >= 7 else -1 for s in scores]
    n = len(x)
    mean = sum(x) / n
    var = max(0.0, sum(1 for v in x if v != 0) / n - mean * mean)
    half = Z * math.sqrt(var / n)
    return {"value": 100 * mean, "n": n, "ci": [100 * max(-1.0, mean - half), 100 * min(1.0, mean + half)]}


# -- periods -----------------------------------------------------------------------------------

def bounds(frm: int, to: int, interval: str | None, tz: str) -> list[int]:
    if interval is None:
        return [frm, to]
    zone = ZoneInfo(tz)
    local = dt.datetime.fromtimestamp(frm / 1000, zone)
    day = local.date()
    if interval == "week":
        day -= dt.timedelta(days=day.weekday())
    elif interval == "month":
        day = day.replace(day=1)
    out = [frm]
    while True:
        if interval == "day":
            day += dt.timedelta(days=1)
        elif interval == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        b = int(dt.datetime(day.year, day.month, day.day, tzinfo=zone).timestamp() * 1000)
        if b >= to:
            break
        if b > out[-1]:
            out.append(b)
    out.append(to)
    return out


def key_of(t: Ticket, by: str | None, agent: str | None):
    """The group of a measured thing: `agent` is the credited agent where one is credited."""
    if by is None:
        return None
    return {"agent": agent, "team": t.team, "channel": t.channel, "priority": t.priority,
            "organization": t.organization}[by]


def figures(tickets: list[Ticket], frm: int, to: int, by: str | None,
            filt=lambda t: True) -> dict:
    """{group key: figures} over [frm, to), the figures named as in the API."""
    groups: dict = {}

    def g(key):
        return groups.setdefault(key, {
            "frt": [], "next": [], "first_res": [], "full_res": [], "first_res_n": 0,
            "reopened": 0, "one_touch": 0, "csat": [], "nps": [], "ces": [], "sent": 0,
            "answered": 0, "volume": 0, "open": 0, "pending": 0, "ages": []})

    if by is None:
        g(None)
    inside = lambda at: frm <= at < to  # noqa: E731
    for t in tickets:
        if not filt(t):
            continue
        if inside(t.created):
            g(key_of(t, by, t.assignee))["volume"] += 1
        if t.first_response and inside(t.first_response[0]):
            g(key_of(t, by, t.first_response[1]))["frt"].append(t.first_response[0] - t.created)
        for at, value, agent in t.next_replies:
            if inside(at):
                g(key_of(t, by, agent))["next"].append(value)
        if t.first_resolution and inside(t.first_resolution[0]):
            x = g(key_of(t, by, t.first_resolution[1]))
            x["first_res"].append(t.first_resolution[0] - t.created)
            x["first_res_n"] += 1
            x["reopened"] += t.reopens > 0
            x["one_touch"] += (t.standing_resolution is not None and t.public_replies == 1
                               and t.reopens == 0)
        if t.standing_resolution and inside(t.standing_resolution[0]):
            g(key_of(t, by, t.standing_resolution[1]))["full_res"].append(
                t.standing_resolution[0] - t.created)
        for s in t.surveys:
            if inside(s["sent"]):
                x = g(key_of(t, by, s["agent"]))
                x["sent"] += 1
                x["answered"] += s["answered"] is not None
            if s["answered"] is not None and inside(s["answered"]):
                x = g(key_of(t, by, s["agent"]))
                x["csat"].append(s["csat"])
                if s["nps"] is not None:
                    x["nps"].append(s["nps"])
                if s["ces"] is not None:
                    x["ces"].append(s["ces"])
        for status, start, end in t.spans:
            if start < to <= end:
                x = g(key_of(t, by, t.assignee))
                x[status] += 1
                x["ages"].append(to - t.created)
    out = {}
    for key, x in groups.items():
        ages = sorted(x["ages"])
        out[key] = {
            "first_response": durations(x["frt"]),
            "next_reply": durations(x["next"]),
            "first_resolution": durations(x["first_res"]),
            "full_resolution": durations(x["full_res"]),
            "csat": wilson(sum(1 for c in x["csat"] if c >= 4), len(x["csat"])),
            "nps": nps(x["nps"]),
            "ces": {"value": (sum(x["ces"]) / len(x["ces"])) if x["ces"] else None,
                    "n": len(x["ces"])},
            "response_rate": wilson(x["answered"], x["sent"]),
            "reopen_rate": wilson(x["reopened"], x["first_res_n"]),
            "one_touch_rate": wilson(x["one_touch"], x["first_res_n"]),
            "volume": {"n": x["volume"]},
            "backlog": {"open": x["open"], "pending": x["pending"],
                        "age": {"median": rank(ages, 50) / 1000 if ages else None,
                                "p90": rank(ages, 90) / 1000 if ages else None,
                                "max": ages[-1] / 1000 if ages else None}},
        }
    return out


# -- business time and SLA outcomes (KPIS.md "Per-ticket times", "SLA") ------------------------

class OfficeCalendar:
    """Weekday office hours in a time zone, no holidays: the business time of KPIS.md, counted
    by walking local days (written from the definition, not from the server's calendar)."""

    def __init__(self, tz: str, opens: str, closes: str, days=(0, 1, 2, 3, 4)):
        self.zone = ZoneInfo(tz)
        self.opens = dt.time.fromisoformat(opens)
        self.closes = dt.time.fromisoformat(closes)
        self.days = set(days)

    def _intervals(self, start: int):
        """Opening intervals (UTC ms) from the local day of `start` on, in order."""
        day = dt.datetime.fromtimestamp(start / 1000, self.zone).date() - dt.timedelta(days=1)
        while True:
            if day.weekday() in self.days:
                a = dt.datetime.combine(day, self.opens, self.zone).timestamp() * 1000
                b = dt.datetime.combine(day, self.closes, self.zone).timestamp() * 1000
                yield int(a), int(b)
            day += dt.timedelta(days=1)

    def elapsed(self, a: int, b: int) -> int:
        total = 0
        for lo, hi in self._intervals(a):
            if lo >= b:
                return total
            total += max(0, min(hi, b) - max(lo, a))

    def advance(self, a: int, minutes: int) -> int:
        left = minutes * 60_000
        for lo, hi in self._intervals(a):
            lo = max(lo, a)
            if hi <= lo:
                continue
            if hi - lo >= left:
                return lo + left
            left -= hi - lo


def sla_decisions(created: int, events: list[dict], targets: dict, cal: OfficeCalendar,
                  now: int) -> list[tuple[str, int, bool]]:
    """(target, decided at, achieved) for a ticket's API events, by KPIS.md's SLA rules, for a
    ticket that never waits in `pending` before its targets are decided (the test's tickets):
    achieved when the event comes at or before the due time, breached at the due time
    otherwise (also while still waiting past it)."""
    out = []
    replies = [ms(e["at"]) for e in events if e["type"] == "message"
               and e["data"]["author"] == "agent" and not e["data"]["internal"]]
    resolved = [ms(e["at"]) for e in events if e["type"] == "status"
                and e["data"]["to"] in ("resolved", "follow_up", "closed")]
    stop = resolved[0] if resolved else None

    def decide(name, start, minutes, met_at):
        due = cal.advance(start, minutes)
        if met_at is not None and met_at <= due:
            out.append((name, met_at, True))
        elif due < (met_at if met_at is not None else now):
            out.append((name, due, False))

    first = replies[0] if replies else None
    if first is not None and stop is not None and stop < first:
        first = None  # resolved before a reply: the phase ended undecided
    if targets.get("first_response"):
        if first is not None or stop is None:
            decide("first_response", created, targets["first_response"], first)
    if targets.get("next_reply"):
        waiting = None
        for e in events:
            if e["type"] != "message" or e["data"]["internal"]:
                continue
            at = ms(e["at"])
            if e["data"]["author"] == "customer" and waiting is None and replies and replies[0] < at:
                waiting = at
            elif e["data"]["author"] == "agent" and waiting is not None:
                decide("next_reply", waiting, targets["next_reply"], at)
                waiting = None
        if waiting is not None and stop is None:
            decide("next_reply", waiting, targets["next_reply"], None)
    if targets.get("resolution"):
        decide("resolution", created, targets["resolution"], stop)
    return out


def sla_figures(decisions: list[tuple[str, int, bool]], frm: int, to: int) -> dict:
    """SLA attainment per target over decisions made in [frm, to)."""
    got = {}
    for name in ("first_response", "next_reply", "resolution"):
        hits = [ok for target, at, ok in decisions if target == name and frm <= at < to]
        got[name] = wilson(sum(hits), len(hits))
    return got
