-- SLA outcomes as KPI facts (KPIS.md "SLA"): metrics 10 sla_first_response, 11 sla_next_reply,
-- 12 sla_resolution, filed under the instant the target was decided (value: its due time;
-- flags: 1 achieved). SQLite cannot widen a CHECK in place: the table is rebuilt, rows kept.

CREATE TABLE kpi_facts_new (
  metric INTEGER NOT NULL CHECK (metric BETWEEN 1 AND 12),
  at INTEGER NOT NULL,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  seq INTEGER NOT NULL,
  agent_id INTEGER,
  team_id INTEGER,
  channel INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  organization_id INTEGER,
  created_at INTEGER NOT NULL,
  value INTEGER NOT NULL DEFAULT 0,
  business INTEGER NOT NULL DEFAULT 0,
  flags INTEGER NOT NULL DEFAULT 0,
  csat INTEGER, nps INTEGER, ces INTEGER,
  PRIMARY KEY (metric, at, ticket_id, seq)
) WITHOUT ROWID;
INSERT INTO kpi_facts_new SELECT metric, at, ticket_id, seq, agent_id, team_id, channel,
  priority, organization_id, created_at, value, business, flags, csat, nps, ces FROM kpi_facts;
DROP TABLE kpi_facts;
ALTER TABLE kpi_facts_new RENAME TO kpi_facts;
CREATE INDEX kpi_facts_ticket ON kpi_facts(ticket_id);

-- Outcomes already decided on tickets before this migration become facts, stamped like the
-- ticket's other facts (credited to the current assignee). Next replies keep only the last
-- decided target: earlier ones were not stored anywhere.
INSERT OR REPLACE INTO kpi_facts(metric, at, ticket_id, seq, agent_id, team_id, channel,
  priority, organization_id, created_at, value, flags)
SELECT m.metric, m.decided_at, t.id, CASE WHEN m.metric = 11 THEN COALESCE(m.due_at, 0) ELSE 0 END,
  t.assignee_id, t.team_id,
  CASE t.channel WHEN 'email' THEN 0 WHEN 'web' THEN 1 WHEN 'phone' THEN 2 WHEN 'chat' THEN 3 ELSE 4 END,
  CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END,
  (SELECT o.id FROM customers c JOIN kpi_organizations o ON o.name = c.organization
   WHERE c.id = t.customer_id),
  t.created_at, COALESCE(m.due_at, 0), CASE m.outcome WHEN 'achieved' THEN 1 ELSE 0 END
FROM tickets t JOIN (
  SELECT id, 10 AS metric, first_response_outcome AS outcome, first_response_decided_at AS decided_at,
    first_response_due_at AS due_at FROM tickets
  UNION ALL SELECT id, 11, next_reply_outcome, next_reply_decided_at, next_reply_due_at FROM tickets
  UNION ALL SELECT id, 12, resolution_outcome, resolution_decided_at, resolution_due_at FROM tickets
) m ON m.id = t.id
WHERE m.outcome IS NOT NULL AND m.decided_at IS NOT NULL;
