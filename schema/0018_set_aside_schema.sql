-- Indexes and triggers that `helpdesk import` sets aside while it fills an empty database, and
-- builds again once at the end (store/bulk_load.cpp): sorting every row once is many times
-- faster than inserting each into every index as it comes. A row left here means an import did
-- not finish; the next start (migrate) builds it again.
CREATE TABLE set_aside_schema (
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,  -- 'index' or 'trigger'
  sql TEXT NOT NULL    -- its CREATE statement, as sqlite_master kept it
);
