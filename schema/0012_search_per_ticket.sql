-- One search document per ticket, its rowid the ticket id: a search reads ticket ids straight
-- from the full-text index (no lookup per match in the index's content table), so finding the
-- newest page of a common word no longer costs a read per matching ticket.
CREATE VIRTUAL TABLE ticket_search_by_ticket USING fts5(body, tokenize = 'unicode61');
INSERT INTO ticket_search_by_ticket(rowid, body)
SELECT ticket_id, group_concat(body, char(10))
FROM (SELECT ticket_id, body FROM ticket_search ORDER BY ticket_id, rowid)
GROUP BY ticket_id;
DROP TABLE ticket_search;
ALTER TABLE ticket_search_by_ticket RENAME TO ticket_search;
