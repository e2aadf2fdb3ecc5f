-- The agents' workspace: personal saved views of the ticket list, the admin-managed canned
-- responses of the composer, and an index for a customer's past satisfaction.

CREATE TABLE saved_views (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  query TEXT NOT NULL,  -- a GET /api/v1/tickets query string, checked when saved
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (user_id, name)
);

CREATE TABLE canned_responses (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  status TEXT CHECK (status IN ('open', 'pending', 'resolved', 'follow_up', 'closed')),
  priority TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  add_tags TEXT NOT NULL DEFAULT '[]',  -- a JSON array of tags
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE INDEX surveys_customer ON surveys(customer_id, answered_at);
