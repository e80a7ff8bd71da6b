-- An outgoing message may carry a file made when it is sent (the month's
-- workbook for the supervisor): what to make is kept as JSON ('' for
-- none), never the file's bytes.

ALTER TABLE outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
