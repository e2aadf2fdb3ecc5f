-- A mail with a secret link (a survey) is recorded before it is handed to the mail server,
-- state 'queued', with the secret its link carries: if the server stops after the mail server
-- accepted the mail but before it was marked sent, the retry sends the same mail with the same
-- link, and the link in the first copy keeps working. The secret is cleared once the mail is sent.
ALTER TABLE mails ADD COLUMN link_secret TEXT;
-- The attempts whose sending was never confirmed, oldest first (an operator's question after a
-- crash; the secrets they hold are the only ones stored in clear).
CREATE INDEX mails_unconfirmed ON mails(created_at) WHERE link_secret IS NOT NULL;
