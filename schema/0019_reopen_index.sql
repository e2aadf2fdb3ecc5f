-- The only query that reads ticket events across tickets by time is the customer-risk scan for
-- reopens (store/customer_risk.cpp). An index of every event by (type, at) cost an index page a
-- commit for each event type a write appended, and half of the time an import spent building
-- indexes; an index of the reopens alone holds about 2% of the events. An import that did not
-- finish may have set the old index aside: forget it there too.
DROP INDEX IF EXISTS ticket_events_at;
DELETE FROM set_aside_schema WHERE name = 'ticket_events_at';
CREATE INDEX ticket_events_reopened ON ticket_events(at)
  WHERE type = 'status' AND json_extract(data, '$.reopen') = 1;
