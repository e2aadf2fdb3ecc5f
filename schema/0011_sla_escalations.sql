-- SLA escalation steps: what a policy does to a ticket when a target's warning or breach fires.
CREATE TABLE sla_policy_escalations (
  policy_id INTEGER NOT NULL REFERENCES sla_policies(id),
  position INTEGER NOT NULL,
  on_alert TEXT NOT NULL CHECK (on_alert IN ('warning', 'breach')),
  target TEXT CHECK (target IN ('first_response', 'next_reply', 'resolution')),
  priority TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  team_id INTEGER REFERENCES teams(id),
  assignee_id INTEGER REFERENCES users(id),
  PRIMARY KEY (policy_id, position)
) WITHOUT ROWID;
