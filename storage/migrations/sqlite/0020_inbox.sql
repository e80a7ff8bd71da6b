-- A message's answer is kept with its id for the retry window, so that
-- WeCom's retry of a message that already ran gets the same answer again.
-- reply is NULL when no answer was kept (a row from before this migration,
-- or a private answer with nothing to seal it under); a private answer is
-- kept sealed (reply_sealed).
ALTER TABLE processed_messages ADD COLUMN reply TEXT;
ALTER TABLE processed_messages ADD COLUMN reply_sealed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE processed_messages ADD COLUMN reply_private BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE processed_messages ADD COLUMN reply_mentions TEXT NOT NULL DEFAULT '';

-- A late answer goes first by the way its callback allows: via
-- 'response_url' (the AI bot's one-shot URL, until not_after) or 'webhook'
-- (the group robot webhook the callback carried); target is that URL or
-- key, sealed. channel then says where it goes when that way is closed.
ALTER TABLE outbox ADD COLUMN via TEXT NOT NULL DEFAULT '' CHECK (via IN ('', 'response_url', 'webhook'));
ALTER TABLE outbox ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN not_after TIMESTAMP;

-- A team's group messages keep their order; a late answer by its own way
-- does not wait for them.
DROP INDEX outbox_team_waiting;
CREATE INDEX outbox_team_waiting ON outbox (team_id, id) WHERE channel = 'group' AND via = '' AND status IN ('pending', 'sending');

-- The inbox: a callback whose answer misses the passive reply is recorded
-- here before its empty 200, with what is needed to run it again and to
-- answer it (payload, sealed). Its owner holds it until lease_until; a
-- replica finds the rows whose owner died and finishes them.
CREATE TABLE inbox (
    source      TEXT NOT NULL,
    msg_id      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT NOT NULL,
    lease_until TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    done_at     TIMESTAMP,
    PRIMARY KEY (source, msg_id)
);

CREATE INDEX inbox_waiting ON inbox (lease_until) WHERE status = 'pending';
CREATE INDEX inbox_received ON inbox (received_at);
