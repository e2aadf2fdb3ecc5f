-- The customer's side: sign-in links sent by mail (stored hashed, usable until they expire)
-- and the sessions they open on the customer portal.

CREATE TABLE customer_links (
  token_hash BLOB PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE customer_sessions (
  token_hash BLOB PRIMARY KEY,
  csrf_hash BLOB NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
