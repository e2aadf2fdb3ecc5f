-- The full-text index no longer merges its segments on its own: FTS5's automerge does its work
-- in steps of 64 pages per level of the index, so every few dozen commits one of them rewrote a
-- few hundred pages inside a request's COMMIT (40-120 ms, most of the slow creates). The writer
-- now asks for a small merge in every commit that adds search text (store/database.cpp), the
-- same work spread evenly.
INSERT INTO ticket_search(ticket_search, rank) VALUES ('automerge', 0);
