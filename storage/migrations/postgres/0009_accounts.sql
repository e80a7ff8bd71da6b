-- Platform accounts (R13, docs/product.md §5): the platform, the account's name
-- on it, its owner, when it was registered and when its credential last
-- changed. No column holds a password, and none ever will: the bot refuses
-- messages that look like they carry one. An account is active until it is
-- removed (注销); removed accounts stay for the record.
--
-- account_events is the history, append-only like the audit log: one row
-- for each registration, credential change, transfer, removal and
-- confirmation, naming the owner after it. The monthly digest reads it by
-- date.

CREATE TABLE accounts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id         BIGINT NOT NULL REFERENCES teams (id),
    platform        TEXT NOT NULL CHECK (platform <> ''),
    account         TEXT NOT NULL CHECK (account <> ''),
    owner_member_id BIGINT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    registered_at   TIMESTAMPTZ NOT NULL,
    registered_by   TEXT NOT NULL,
    changed_at      TIMESTAMPTZ,
    confirmed_at    TIMESTAMPTZ,
    removed_at      TIMESTAMPTZ,
    removed_reason  TEXT NOT NULL DEFAULT '',
    -- Only a removed account has a removal time.
    CHECK ((status = 'removed') = (removed_at IS NOT NULL)),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, owner_member_id) REFERENCES members (team_id, id)
);

-- One active record of an account: platform and name match ignoring case.
CREATE UNIQUE INDEX accounts_active_name ON accounts (team_id, lower(platform), lower(account)) WHERE status = 'active';
CREATE INDEX accounts_owner ON accounts (team_id, owner_member_id);

CREATE TABLE account_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id    BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('registered', 'changed', 'transferred', 'removed', 'confirmed')),
    by_user    TEXT NOT NULL,
    -- The account's owner after the event.
    member_id  BIGINT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (team_id, account_id) REFERENCES accounts (team_id, id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX account_events_team_at ON account_events (team_id, at);

CREATE FUNCTION account_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'account_events is append-only';
END;
$$;

CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
    FOR EACH ROW EXECUTE FUNCTION account_events_append_only();
