#!/usr/bin/env python3
"""Writes a realistic, seeded ticket history as JSON Lines (docs/IMPORT.md) of any size.

    python3 tests/bench/gen_history.py --tickets 1000000 --seed 7 --out /tmp/history.jsonl

Tickets arrive over `--days` days ending at `--end`; each lives out a conversation: customer
first (or, for a few, an outbound agent message), assignment, replies, internal notes, pending
stretches, resolution, a satisfaction survey (answered, answered "not resolved" and reopened,
expired, or still waiting), reopens by customers, supervisor closes. Tickets whose next step
would pass `--end` stop there, so the newest ones are still open or pending (the backlog).
The same seed always gives the same file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys

TEAMS = ["Billing", "Technical", "Logistics", "Accounts"]
ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Soylent",
        "Vandelay", "Tyrell", ""]
WORDS = ("refund invoice login password delivery parcel plan export report crash update "
         "address account order payment card error page settings email").split()


def iso(ms: int) -> str:
    t = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ms % 1000:03d}Z" if ms % 1000 else "Z")


def parse_iso(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


class Generator:
    def __init__(self, seed: int, tickets: int, days: float, end_ms: int, agents: int):
        self.rng = random.Random(seed)
        self.tickets = tickets
        self.end = end_ms
        self.start = end_ms - int(days * 86_400_000)
        self.agents = [f"agent{i + 1}@corp.test" for i in range(agents)]
        self.supervisor = "lead@corp.test"
        self.customers = max(1, tickets // 4)

    def minutes(self, mean: float) -> int:
        return int(self.rng.expovariate(1.0 / mean) * 60_000) + 1000

    def text(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def ticket(self, i: int) -> dict:
        r = self.rng
        span = self.end - self.start
        created = self.start + int(span * (i + r.random()) / self.tickets)
        c = r.randrange(self.customers)
        team_index = r.randrange(len(TEAMS))
        team_agents = [a for k, a in enumerate(self.agents) if k % len(TEAMS) == team_index] or self.agents
        agent = r.choice(team_agents)
        events: list[dict] = []
        t = created
        ended = False

        def add(delay: int, event: dict) -> bool:
            nonlocal t, ended
            if ended:
                return False
            if t + delay >= self.end:
                ended = True
                return False
            t += delay
            events.append({"at": iso(t), **event})
            return True

        def reply(who: str) -> bool:
            return add(self.minutes(120), {"type": "message", "author": who, "body": self.text(12)})

        outbound = r.random() < 0.05
        if outbound:
            events.append({"at": iso(t), "type": "message", "author": agent, "body": self.text(10)})
            add(1000, {"type": "status", "to": "pending", "by": agent})
        else:
            events.append({"at": iso(t), "type": "message", "author": "customer",
                           "body": self.text(15)})
        assigned = r.random() < 0.9
        if assigned:
            add(self.minutes(20), {"type": "assign", "agent": agent})
        status = "pending" if outbound else "open"
        episodes = 0
        while not ended and episodes < 4:
            episodes += 1
            if outbound and episodes == 1:
                if not add(self.minutes(600), {"type": "message", "author": "customer",
                                               "body": self.text(8)}):
                    break
                status = "open"
            if r.random() < 0.15:
                add(self.minutes(30), {"type": "message", "author": agent, "body": self.text(6),
                                       "internal": True})
            who = agent if r.random() < 0.85 else r.choice(self.agents)
            if not reply(who):
                break
            if r.random() < 0.6:
                if not add(1000, {"type": "status", "to": "pending", "by": who}):
                    break
                status = "pending"
            rounds = 0
            while r.random() < 0.35 and rounds < 3:
                rounds += 1
                if not add(self.minutes(500), {"type": "message", "author": "customer",
                                               "body": self.text(9)}):
                    break
                status = "open"
                if not reply(who):
                    break
                if r.random() < 0.5:
                    if not add(1000, {"type": "status", "to": "pending", "by": who}):
                        break
                    status = "pending"
            if ended:
                break
            if r.random() < 0.03:  # a supervisor closes it without a resolution
                add(self.minutes(900), {"type": "status", "to": "closed", "by": self.supervisor})
                break
            if not add(self.minutes(700), {"type": "status", "to": "resolved", "by": who}):
                break
            status = "resolved"
            roll = r.random()
            if roll < 0.08:  # the fix did not hold: the customer writes again
                if add(self.minutes(1440), {"type": "message", "author": "customer",
                                            "body": self.text(7)}):
                    status = "open"
                    continue
                break
            if roll < 0.15:  # nobody surveys this one: the system closes it
                add(self.minutes(60), {"type": "status", "to": "closed", "by": "system"})
                break
            if not add(3_600_000, {"type": "survey_sent"}):
                break
            status = "follow_up"
            roll = r.random()
            if roll < 0.45:
                csat = r.choices([1, 2, 3, 4, 5], [3, 4, 8, 30, 55])[0]
                resolved = r.random() < (0.95 if csat >= 3 else 0.4)
                answer = {"type": "survey_answer", "csat": csat, "resolved": resolved}
                if r.random() < 0.8:
                    answer["nps"] = r.choices(range(11), [2, 1, 1, 2, 2, 4, 5, 10, 18, 25, 30])[0]
                if r.random() < 0.7:
                    answer["ces"] = r.choices(range(1, 8), [2, 3, 5, 8, 15, 30, 37])[0]
                if csat <= 2:
                    answer["comment"] = "It took too long, \"really\"."
                if not add(self.minutes(900), answer):
                    break
                if not resolved:
                    status = "open"
                    continue
                status = "closed"
                break
            if roll < 0.8:  # no answer: the survey expires
                add(7 * 86_400_000, {"type": "status", "to": "closed", "by": "system"})
                break
            if roll < 0.88:  # the customer writes instead of answering: a reopen
                if add(self.minutes(2000), {"type": "message", "author": "customer",
                                            "body": self.text(5)}):
                    status = "open"
                    continue
            break
        line = {
            "external_id": f"gen-{i}",
            "subject": self.text(4).capitalize(),
            "customer": {"email": f"customer{c + 1}@example.com", "name": f"Customer {c + 1}",
                         "organization": ORGS[c % len(ORGS)]},
            "priority": r.choices(["low", "normal", "high", "urgent"], [15, 60, 20, 5])[0],
            "channel": r.choices(["email", "web", "phone", "chat", "api"], [50, 25, 10, 10, 5])[0],
            "created_at": iso(created),
            "events": events,
        }
        if r.random() < 0.95:
            line["team"] = TEAMS[team_index]
        if r.random() < 0.7:
            line["tags"] = [r.choice(["refund", "login", "billing", "bug", "shipping"])]
        return line


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=float, default=365,
                   help="the span the tickets arrive in; a fraction of a day makes a backlog of open tickets")
    p.add_argument("--end", default="2026-11-01T00:00:00Z")
    p.add_argument("--agents", type=int, default=40)
    p.add_argument("--out", default="-")
    p.add_argument("--marker", default="",
                   help="a word (not in the generated text) added to the subject of some tickets")
    p.add_argument("--marker-share", type=float, default=0.1,
                   help="the share of tickets whose subject gets --marker")
    a = p.parse_args()
    marked = random.Random(a.seed + 1)  # its own generator: the history is the same either way
    g = Generator(a.seed, a.tickets, a.days, parse_iso(a.end), a.agents)
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8")
    with out:
        for i in range(a.tickets):
            line = g.ticket(i)
            if a.marker and marked.random() < a.marker_share:
                line["subject"] += " " + a.marker
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
