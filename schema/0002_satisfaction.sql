-- The satisfaction follow-up: one survey per resolution episode, its single-purpose tokens
-- (stored hashed, several per survey: the check and its reminder each carry their own), and
-- the record of every mail sent for a ticket (threading and at-most-once delivery).

CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  episode INTEGER NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  agent_id INTEGER REFERENCES users(id),  -- the agent of the last public reply before resolving
  state TEXT NOT NULL DEFAULT 'preparing'
    CHECK (state IN ('preparing', 'sent', 'answered', 'expired', 'cancelled')),
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  reminded_at INTEGER,
  expires_at INTEGER,
  answered_at INTEGER,
  csat INTEGER CHECK (csat BETWEEN 1 AND 5),
  resolved INTEGER CHECK (resolved IN (0, 1)),
  nps INTEGER CHECK (nps BETWEEN 0 AND 10),
  ces INTEGER CHECK (ces BETWEEN 1 AND 7),
  comment TEXT,
  UNIQUE (ticket_id, episode)
);
CREATE INDEX surveys_answered ON surveys(answered_at);
CREATE INDEX surveys_sent ON surveys(sent_at);

CREATE TABLE survey_tokens (
  token_hash BLOB PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('check', 'reminder')),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_tokens_survey ON survey_tokens(survey_id, purpose);

CREATE TABLE mails (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER REFERENCES tickets(id),
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'cancelled')),
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX mails_ticket ON mails(ticket_id, id);
