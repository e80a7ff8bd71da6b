-- Each lease of an outbox row gets a token: a sender may only send, renew
-- and settle the rows whose token it holds, so a sender whose lease ran out
-- (and whose rows another sender took) cannot send or overwrite them.
ALTER TABLE outbox ADD COLUMN lease_token TEXT NOT NULL DEFAULT '';
