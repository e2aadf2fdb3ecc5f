-- KPI figures maintained on write (KPIS.md). Each row is one measured thing of one ticket,
-- filed under the instant a report's period filter applies to (the reply, the resolution, the
-- answer ...), credited to the agent who did it, and stamped with the ticket's current team,
-- channel, priority and customer organisation so that a report is one range scan per figure.
-- The table is derived: a replay of ticket_events gives the same rows.

CREATE TABLE kpi_organizations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE kpi_facts (
  -- 1 created, 2 first_response, 3 next_reply, 4 first_resolution, 5 full_resolution,
  -- 6 survey_sent, 7 survey_answer, 8 open_span, 9 pending_span
  metric INTEGER NOT NULL CHECK (metric BETWEEN 1 AND 9),
  at INTEGER NOT NULL,         -- spans: when they ended (9223372036854775807 while running)
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  seq INTEGER NOT NULL,        -- next replies: the message; spans: their start; surveys: episode
  agent_id INTEGER,            -- credited agent (created and spans: the current assignee)
  team_id INTEGER,
  channel INTEGER NOT NULL,    -- index into email, web, phone, chat, api
  priority INTEGER NOT NULL,   -- index into low, normal, high, urgent
  organization_id INTEGER,
  created_at INTEGER NOT NULL, -- the ticket's
  value INTEGER NOT NULL DEFAULT 0,     -- calendar milliseconds (spans: their start)
  business INTEGER NOT NULL DEFAULT 0,  -- business milliseconds in the ticket's calendar
  flags INTEGER NOT NULL DEFAULT 0,     -- first_resolution: 1 reopened, 2 one-touch; survey_sent: 1 answered
  csat INTEGER, nps INTEGER, ces INTEGER,
  PRIMARY KEY (metric, at, ticket_id, seq)
) WITHOUT ROWID;
CREATE INDEX kpi_facts_ticket ON kpi_facts(ticket_id);

-- What the write path needs to credit later facts: the agent of the last public reply, and
-- the agent a resolution's survey is credited to (KPIS.md).
CREATE TABLE kpi_tickets (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
  last_public_agent_id INTEGER,
  credited_agent_id INTEGER,
  organization_id INTEGER
);

-- The survey records whom it credits when it is sent; later reassignments change nothing.
ALTER TABLE surveys ADD COLUMN team_id INTEGER;
ALTER TABLE surveys ADD COLUMN channel TEXT;

-- Targets a supervisor sets per KPI figure, for everyone (team_id NULL) or one team.
CREATE TABLE kpi_targets (
  id INTEGER PRIMARY KEY,
  figure TEXT NOT NULL,
  team_id INTEGER REFERENCES teams(id),
  value REAL NOT NULL,
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX kpi_targets_figure ON kpi_targets(figure, COALESCE(team_id, 0));
