-- The trigger of 0014 ran a program of its own and three lookups for every new ticket: 5-9 % of
-- what creating one cost the writer. The store now records the same after each insert
-- (note_ticket_created in store/tickets.cpp), in one statement with one lookup. An import that
-- did not finish may have set the trigger aside: forget it there too (building the
-- tickets_created index it also set aside recounts the creation order).
DROP TRIGGER IF EXISTS tickets_creation_order;
DELETE FROM set_aside_schema WHERE name = 'tickets_creation_order';
