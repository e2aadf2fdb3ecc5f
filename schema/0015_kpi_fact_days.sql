-- A version per metric and UTC day of kpi_facts, bumped by every change to a fact of that day.
-- Reports keep the facts of a day in memory between requests and read a day again only when its
-- version in their snapshot differs from the one they kept (store/kpi_fact_cache.cpp): exact
-- figures without stepping through a million rows per report. Running spans (at = the largest
-- integer) share the last day.
CREATE TABLE kpi_fact_days (
  metric INTEGER NOT NULL,
  day INTEGER NOT NULL,  -- at / 86400000
  version INTEGER NOT NULL,
  PRIMARY KEY (metric, day)
) WITHOUT ROWID;

INSERT INTO kpi_fact_days(metric, day, version)
SELECT metric, at / 86400000, 1 FROM kpi_facts GROUP BY metric, at / 86400000;

-- INSERT OR REPLACE fires only the insert trigger (recursive triggers are off): the replaced
-- row had the same key, so the same day.
CREATE TRIGGER kpi_facts_day_insert AFTER INSERT ON kpi_facts BEGIN
  INSERT INTO kpi_fact_days(metric, day, version) VALUES (NEW.metric, NEW.at / 86400000, 1)
  ON CONFLICT (metric, day) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER kpi_facts_day_delete AFTER DELETE ON kpi_facts BEGIN
  UPDATE kpi_fact_days SET version = version + 1
  WHERE metric = OLD.metric AND day = OLD.at / 86400000;
END;

CREATE TRIGGER kpi_facts_day_update AFTER UPDATE ON kpi_facts BEGIN
  UPDATE kpi_fact_days SET version = version + 1
  WHERE metric = OLD.metric AND day = OLD.at / 86400000;
  INSERT INTO kpi_fact_days(metric, day, version) VALUES (NEW.metric, NEW.at / 86400000, 1)
  ON CONFLICT (metric, day) DO UPDATE SET version = version + 1;
END;
