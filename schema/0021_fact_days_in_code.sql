-- The trigger of 0015 bumped a day's version once for every new KPI fact, a program of its own
-- for each (two a new ticket, about 34k of the ~400k instructions the writer spent on it). The
-- writer now bumps each (metric, day) its commit added facts to once, before the COMMIT
-- (Tx::note_fact_day, kpi::bump_fact_days). Changes and deletions of facts keep their triggers:
-- they are rare, and a restamp changes facts of days only SQLite knows. An import that did not
-- finish may have set the trigger aside: forget it there too (building the kpi_facts_ticket index
-- it also set aside recounts the days).
DROP TRIGGER IF EXISTS kpi_facts_day_insert;
DELETE FROM set_aside_schema WHERE name = 'kpi_facts_day_insert';
