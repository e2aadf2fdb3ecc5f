-- The tickets that breached a target, by when: the customers at risk (a breach in the last
-- days) read them here instead of scanning every ticket three times (0.6 s on a million).
-- Partial: only breached tickets are in them, so they cost a ticket nothing until it breaches.
CREATE INDEX tickets_first_response_breached ON tickets(first_response_decided_at)
  WHERE first_response_outcome = 'breached';
CREATE INDEX tickets_next_reply_breached ON tickets(next_reply_decided_at)
  WHERE next_reply_outcome = 'breached';
CREATE INDEX tickets_resolution_breached ON tickets(resolution_decided_at)
  WHERE resolution_outcome = 'breached';
