-- The ledger of rewards and penalties (R17-R19). Append-only: a correction
-- is a new entry that revokes an earlier one, and triggers refuse any
-- UPDATE or DELETE. An entry is revoked at most once (UNIQUE revokes), and
-- a meeting-absence proposal is confirmed by at most one entry.

CREATE TABLE ledger_entries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     BIGINT NOT NULL REFERENCES teams (id),
    member_id   BIGINT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('reward', 'penalty', 'revocation')),
    level       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL CHECK (reason <> ''),
    by_user     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    msg_id      TEXT NOT NULL DEFAULT '',
    revokes     BIGINT UNIQUE REFERENCES ledger_entries (id),
    proposal_id BIGINT UNIQUE REFERENCES meeting_proposals (id),
    CHECK ((kind = 'revocation') = (revokes IS NOT NULL)),
    CHECK ((kind = 'revocation' AND level = '')
        OR (kind = 'reward' AND level IN ('通报表扬', '三等功', '二等功', '一等功', '特等功'))
        OR (kind = 'penalty' AND level IN ('通报批评', '警告', '劝退', '除名'))),
    CHECK (proposal_id IS NULL OR (kind = 'penalty' AND level = '警告')),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX ledger_entries_member ON ledger_entries (team_id, member_id, at);
CREATE INDEX ledger_entries_team_at ON ledger_entries (team_id, at);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only';
END;
$$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
