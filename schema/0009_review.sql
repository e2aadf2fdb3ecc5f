-- What a supervisor acts on (issue 15): the review queue of bad survey answers and reopens
-- with their root causes, the outreach to customers at risk, and kudos to agents.

-- The editable list of root causes a reviewed item is tagged with.
CREATE TABLE review_causes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO review_causes(name, created_at, updated_at) VALUES
  ('slow answer', 0, 0), ('wrong answer', 0, 0), ('product bug', 0, 0), ('policy', 0, 0);

-- One item per resolution episode that did not stick: a bad survey answer about it, or a
-- reopen of it. A bad answer reopens its ticket too; the item made by the answer comes first
-- and the reopen of the same episode adds nothing (UNIQUE below), so one bad answer is one item.
CREATE TABLE review_items (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  episode INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('bad_rating', 'not_resolved', 'reopen')),
  survey_id INTEGER REFERENCES surveys(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  agent_id INTEGER REFERENCES users(id),  -- the agent credited with the episode
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'reviewed')),
  cause_id INTEGER REFERENCES review_causes(id),
  action_taken TEXT NOT NULL DEFAULT '',
  reviewed_by INTEGER REFERENCES users(id),
  reviewed_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (ticket_id, episode)
);
CREATE INDEX review_items_state ON review_items(state, id);
CREATE INDEX review_items_cause ON review_items(cause_id, created_at);
CREATE INDEX review_items_created ON review_items(created_at);

-- Someone reached out (or tried) to a customer at risk, and how it went.
CREATE TABLE customer_outreach (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  note TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'saved', 'lost')),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX customer_outreach_customer ON customer_outreach(customer_id, id);

-- Recognition a supervisor sends an agent.
CREATE TABLE kudos (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES users(id),
  from_user_id INTEGER NOT NULL REFERENCES users(id),
  ticket_id INTEGER REFERENCES tickets(id),
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX kudos_agent ON kudos(agent_id, id);
