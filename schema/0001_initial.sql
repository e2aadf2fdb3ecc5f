-- The foundation: people, customers, tickets, their messages and append-only events, the
-- search index and the durable job queue. Times are INTEGER UTC milliseconds.

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  password_hash TEXT,
  team_id INTEGER REFERENCES teams(id),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  csrf_hash BLOB NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  organization TEXT NOT NULL DEFAULT '',
  surveys_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (surveys_opt_out IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'follow_up', 'closed')),
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'web', 'phone', 'chat', 'api')),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  team_id INTEGER REFERENCES teams(id),
  assignee_id INTEGER REFERENCES users(id),
  linked_ticket_id INTEGER REFERENCES tickets(id),
  external_id TEXT UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  message_count INTEGER NOT NULL DEFAULT 0,
  -- the fold of domain::TicketLife, kept equal to a replay of ticket_events
  status_since INTEGER NOT NULL,
  outbound INTEGER NOT NULL DEFAULT 0,
  first_response_at INTEGER,
  first_resolved_at INTEGER,
  resolved_at INTEGER,
  requester_wait_ms INTEGER NOT NULL DEFAULT 0,
  on_hold_ms INTEGER NOT NULL DEFAULT 0,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  public_reply_count INTEGER NOT NULL DEFAULT 0,
  resolution_episode INTEGER NOT NULL DEFAULT 0,
  awaiting_reply_since INTEGER,
  last_public_by_agent INTEGER NOT NULL DEFAULT 0,
  -- SLA (filled by the SLA policies issue)
  sla_policy_id INTEGER,
  first_response_due_at INTEGER,
  next_reply_due_at INTEGER,
  resolution_due_at INTEGER
);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_updated ON tickets(updated_at, id);
CREATE INDEX tickets_status ON tickets(status, created_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status);
CREATE INDEX tickets_team ON tickets(team_id, status);
CREATE INDEX tickets_customer ON tickets(customer_id, created_at);

CREATE TABLE ticket_tags (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
  author_user_id INTEGER REFERENCES users(id),
  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

-- Append-only: every change of a ticket, with actor and time; figures replay from it.
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  type TEXT NOT NULL,
  actor_kind TEXT NOT NULL CHECK (actor_kind IN ('customer', 'agent', 'system')),
  actor_user_id INTEGER REFERENCES users(id),
  at INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
CREATE INDEX ticket_events_at ON ticket_events(type, at);
CREATE TRIGGER ticket_events_append_only_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_append_only_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;

CREATE VIRTUAL TABLE ticket_search USING fts5(ticket_id UNINDEXED, body, tokenize = 'unicode61');

-- The durable job queue (transactional outbox): written in the same transaction as the change
-- that causes the job.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'dead', 'cancelled')),
  last_error TEXT,
  unique_key TEXT UNIQUE,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(state, run_at);
