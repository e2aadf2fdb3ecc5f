-- SLA: business calendars, ordered and versioned policies, and each ticket's SLA clock with
-- its business-time figures. Times of day are local wall-clock "HH:MM" text of the calendar's
-- zone; instants are INTEGER UTC milliseconds.

CREATE TABLE sla_calendars (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  time_zone TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Opening intervals; an interval whose closes is not after opens runs overnight.
CREATE TABLE sla_calendar_hours (
  calendar_id INTEGER NOT NULL REFERENCES sla_calendars(id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
  position INTEGER NOT NULL,
  opens TEXT NOT NULL,
  closes TEXT NOT NULL,
  PRIMARY KEY (calendar_id, weekday, position)
) WITHOUT ROWID;

CREATE TABLE sla_calendar_holidays (
  calendar_id INTEGER NOT NULL REFERENCES sla_calendars(id),
  position INTEGER NOT NULL,
  date TEXT NOT NULL,
  yearly INTEGER NOT NULL DEFAULT 0 CHECK (yearly IN (0, 1)),
  from_time TEXT,
  to_time TEXT,
  name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, position)
) WITHOUT ROWID;

CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  calendar_id INTEGER NOT NULL REFERENCES sla_calendars(id),
  position INTEGER NOT NULL DEFAULT 0,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  first_response_minutes INTEGER CHECK (first_response_minutes > 0),
  next_reply_minutes INTEGER CHECK (next_reply_minutes > 0),
  resolution_minutes INTEGER CHECK (resolution_minutes > 0),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sla_policy_conditions (
  policy_id INTEGER NOT NULL REFERENCES sla_policies(id),
  field TEXT NOT NULL CHECK (field IN ('priority', 'team_id', 'channel', 'organization')),
  value TEXT NOT NULL,
  PRIMARY KEY (policy_id, field, value)
) WITHOUT ROWID;

-- Changes whenever a calendar or policy is written, so the writer knows to reload them.
-- A random value, not a counter: a rolled-back edit can never be mistaken for a later one.
CREATE TABLE sla_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO sla_generation(id, value) VALUES (1, 1);

-- From the first start: a default calendar (around the clock, UTC: business time equals
-- calendar time until an admin sets office hours) and a default policy without targets.
INSERT INTO sla_calendars(id, name, time_zone, is_default, created_at, updated_at)
VALUES (1, 'Default', 'UTC', 1, 0, 0);
INSERT INTO sla_calendar_hours(calendar_id, weekday, position, opens, closes)
VALUES (1, 0, 0, '00:00', '24:00'), (1, 1, 0, '00:00', '24:00'), (1, 2, 0, '00:00', '24:00'),
       (1, 3, 0, '00:00', '24:00'), (1, 4, 0, '00:00', '24:00'), (1, 5, 0, '00:00', '24:00'),
       (1, 6, 0, '00:00', '24:00');
INSERT INTO sla_policies(id, name, calendar_id, position, is_default, created_at, updated_at)
VALUES (1, 'Default', 1, 2147483647, 1, 0, 0);

-- The ticket's SLA clock (domain::SlaClock) next to the columns of 0001.
ALTER TABLE tickets ADD COLUMN sla_policy_version INTEGER;
ALTER TABLE tickets ADD COLUMN first_response_left_ms INTEGER;
ALTER TABLE tickets ADD COLUMN next_reply_left_ms INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_left_ms INTEGER;
ALTER TABLE tickets ADD COLUMN first_response_outcome TEXT
  CHECK (first_response_outcome IN ('achieved', 'breached'));
ALTER TABLE tickets ADD COLUMN first_response_decided_at INTEGER;
ALTER TABLE tickets ADD COLUMN next_reply_outcome TEXT
  CHECK (next_reply_outcome IN ('achieved', 'breached'));
ALTER TABLE tickets ADD COLUMN next_reply_decided_at INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_outcome TEXT
  CHECK (resolution_outcome IN ('achieved', 'breached'));
ALTER TABLE tickets ADD COLUMN resolution_decided_at INTEGER;
ALTER TABLE tickets ADD COLUMN business_wait_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN business_hold_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN business_first_response_ms INTEGER;
ALTER TABLE tickets ADD COLUMN business_first_resolution_ms INTEGER;
ALTER TABLE tickets ADD COLUMN business_full_resolution_ms INTEGER;
-- The earliest due time of a running target: the list's "next due" sort and filters.
ALTER TABLE tickets ADD COLUMN sla_next_due_at INTEGER;
CREATE INDEX tickets_sla_next_due ON tickets(sla_next_due_at) WHERE sla_next_due_at IS NOT NULL;
CREATE INDEX tickets_sla_policy ON tickets(sla_policy_id, status);
