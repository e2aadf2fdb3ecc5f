-- Ticket ids follow creation times, give or take the few milliseconds by which concurrent
-- requests reach the writer out of turn. History imported into a live desk, or a clock set back,
-- breaks that. `last_out_of_order_id` is the highest id of a ticket created more than
-- `tolerance_ms` before a ticket with a smaller id: past it, a ticket is never older than one
-- before it by more than the tolerance. A search for the newest or oldest matches uses that to
-- read them in id order and stop soon after one page (see matches_in_id_order in
-- store/tickets.cpp).
CREATE TABLE ticket_creation_order (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  tolerance_ms INTEGER NOT NULL,
  last_out_of_order_id INTEGER NOT NULL
);

INSERT INTO ticket_creation_order(only_row, tolerance_ms, last_out_of_order_id)
SELECT 1, 600000, COALESCE(max(id), 0)
FROM (SELECT id, created_at,
             max(created_at) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
               AS newest_before
      FROM tickets)
WHERE created_at < newest_before - 600000;

-- A new ticket older than the newest by more than the tolerance, or given an id below the
-- highest: everything up to the highest id counts as out of order (too many is only slower,
-- never wrong). Each lookup is one step down an index.
CREATE TRIGGER tickets_creation_order AFTER INSERT ON tickets
WHEN NEW.created_at < (SELECT max(created_at) FROM tickets) -
                      (SELECT tolerance_ms FROM ticket_creation_order)
  OR NEW.id < (SELECT max(id) FROM tickets)
BEGIN
  UPDATE ticket_creation_order
  SET last_out_of_order_id = max(last_out_of_order_id, (SELECT max(id) FROM tickets));
END;
