-- The platform update log (R6: every platform is updated at least weekly,
-- with a themed campaign every month). Append-only: one row for each update
-- a member logs, a campaign marked as such. week is the ISO week of
-- created_at in the team's time zone (2026-W48), so a week's updates are
-- found without time zone arithmetic. A platform is free text; the team's
-- platforms are those of its active accounts.

CREATE TABLE platform_updates (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    platform   TEXT NOT NULL CHECK (platform <> ''),
    title      TEXT NOT NULL CHECK (title <> ''),
    campaign   BOOLEAN NOT NULL DEFAULT FALSE,
    member_id  INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    week       TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
    msg_id     TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX platform_updates_team_at ON platform_updates (team_id, created_at);
CREATE INDEX platform_updates_team_week ON platform_updates (team_id, week);

CREATE TRIGGER platform_updates_no_update BEFORE UPDATE ON platform_updates
BEGIN
    SELECT RAISE(ABORT, 'platform_updates is append-only');
END;

CREATE TRIGGER platform_updates_no_delete BEFORE DELETE ON platform_updates
BEGIN
    SELECT RAISE(ABORT, 'platform_updates is append-only');
END;
