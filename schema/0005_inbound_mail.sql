-- Inbound mail: every raw message is kept here before it is parsed, with what became of it;
-- the addresses on a ticket's mail thread (its customer's CCs and co-writers); customers whose
-- address bounces; and how far each IMAP mailbox has been read.

CREATE TABLE inbound_mails (
  id INTEGER PRIMARY KEY,
  -- Message-ID as received ("<...>"), or "sha256:<hex>" of the raw bytes when it has none:
  -- the same key twice is a duplicate and changes nothing.
  dedup_key TEXT NOT NULL UNIQUE,
  message_id TEXT,
  source TEXT NOT NULL CHECK (source IN ('api', 'cli', 'imap')),
  mailbox TEXT NOT NULL DEFAULT '',
  raw BLOB NOT NULL,  -- the message as received, attachments included
  size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  -- received: stored, not yet processed (a crash in between: processed again at start-up)
  state TEXT NOT NULL DEFAULT 'received'
    CHECK (state IN ('received', 'ticket', 'reply', 'auto_reply', 'bounce', 'quarantined',
                     'dropped')),
  reason TEXT,  -- why it was quarantined, ignored or linked
  sender TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  ticket_id INTEGER REFERENCES tickets(id),
  message_row_id INTEGER REFERENCES messages(id),
  processed_at INTEGER,
  -- processing attempts after a restart: a mail that keeps crashing the parser is quarantined
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbound_mails_message_id ON inbound_mails(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX inbound_mails_state ON inbound_mails(state, id);
CREATE INDEX inbound_mails_ticket ON inbound_mails(ticket_id, id);

-- Addresses that may write into a ticket's conversation besides its customer, and that the
-- customer copied in: role 'cc' (copied on a mail of the thread) or 'from' (wrote into it).
CREATE TABLE ticket_addresses (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  address TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('cc', 'from')),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, address)
) WITHOUT ROWID;

-- A customer whose address bounced (RFC 3464 delivery report): no survey goes to it until an
-- agent or a new mail from the address clears it.
ALTER TABLE customers ADD COLUMN bouncing_since INTEGER;
ALTER TABLE customers ADD COLUMN bounce_reason TEXT;

-- The IMAP fetcher's position per mailbox: the last UID whose outcome is committed, valid for
-- one UIDVALIDITY. Written in the same transaction as what the message produced.
CREATE TABLE imap_positions (
  mailbox TEXT PRIMARY KEY,
  uid_validity INTEGER NOT NULL,
  last_uid INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
