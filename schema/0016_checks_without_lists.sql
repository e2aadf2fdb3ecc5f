-- The CHECK constraints of the tables every ticket write touches, with the same meaning and no
-- list. SQLite evaluates `x IN ('a', 'b', 'c')` of three values or more by building a temporary
-- b-tree of the list, on every row it checks: tickets had three of them, and such lists were a
-- third of the instructions of an import and a large part of every create. `x = 'a' OR x = 'b'
-- OR ...` is compared in place.
--
-- Only the text of each table's definition changes, not a stored row: every row satisfies the
-- old constraint, so it satisfies the new one. That is the edit SQLite documents for
-- writable_schema (https://sqlite.org/lang_altertable.html#otheralter), with no table rebuilt,
-- which would rewrite every ticket and event of a large desk.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
  'CHECK (status IN (''open'', ''pending'', ''resolved'', ''follow_up'', ''closed''))',
  'CHECK (status = ''open'' OR status = ''pending'' OR status = ''resolved'' OR '
    || 'status = ''follow_up'' OR status = ''closed'')'),
  'CHECK (priority IN (''low'', ''normal'', ''high'', ''urgent''))',
  'CHECK (priority = ''low'' OR priority = ''normal'' OR priority = ''high'' OR '
    || 'priority = ''urgent'')'),
  'CHECK (channel IN (''email'', ''web'', ''phone'', ''chat'', ''api''))',
  'CHECK (channel = ''email'' OR channel = ''web'' OR channel = ''phone'' OR '
    || 'channel = ''chat'' OR channel = ''api'')')
WHERE type = 'table' AND name = 'tickets';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (author_kind IN (''customer'', ''agent'', ''system''))',
  'CHECK (author_kind = ''customer'' OR author_kind = ''agent'' OR author_kind = ''system'')')
WHERE type = 'table' AND name = 'messages';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (actor_kind IN (''customer'', ''agent'', ''system''))',
  'CHECK (actor_kind = ''customer'' OR actor_kind = ''agent'' OR actor_kind = ''system'')')
WHERE type = 'table' AND name = 'ticket_events';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (state IN (''queued'', ''running'', ''done'', ''dead'', ''cancelled''))',
  'CHECK (state = ''queued'' OR state = ''running'' OR state = ''done'' OR state = ''dead'' OR '
    || 'state = ''cancelled'')')
WHERE type = 'table' AND name = 'jobs';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (state IN (''preparing'', ''sent'', ''answered'', ''expired'', ''cancelled''))',
  'CHECK (state = ''preparing'' OR state = ''sent'' OR state = ''answered'' OR '
    || 'state = ''expired'' OR state = ''cancelled'')')
WHERE type = 'table' AND name = 'surveys';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (state IN (''queued'', ''sent'', ''cancelled''))',
  'CHECK (state = ''queued'' OR state = ''sent'' OR state = ''cancelled'')')
WHERE type = 'table' AND name = 'mails';

UPDATE sqlite_schema SET sql = replace(replace(sql,
  'CHECK (source IN (''api'', ''cli'', ''imap''))',
  'CHECK (source = ''api'' OR source = ''cli'' OR source = ''imap'')'),
  'CHECK (state IN (''received'', ''ticket'', ''reply'', ''auto_reply'', ''bounce'', ''quarantined'',
                     ''dropped''))',
  'CHECK (state = ''received'' OR state = ''ticket'' OR state = ''reply'' OR '
    || 'state = ''auto_reply'' OR state = ''bounce'' OR state = ''quarantined'' OR '
    || 'state = ''dropped'')')
WHERE type = 'table' AND name = 'inbound_mails';

-- Off again, and this connection reads the edited definitions.
PRAGMA writable_schema = RESET;

-- Other connections read their schema again only once its version has changed, and the edit
-- above did not change it: a table created and dropped does.
CREATE TABLE schema_version_bump (x);
DROP TABLE schema_version_bump;
