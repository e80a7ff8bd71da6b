-- Weekly reports (R4, R10). Every submission is a row: a new version
-- supersedes the current one (superseded_at set) and is inserted in the same
-- transaction, so the history is kept and at most one version of a
-- (team, member, week) is current. Weeks are ISO weeks written 2026-W48,
-- which sort in time order.

CREATE TABLE reports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id       BIGINT NOT NULL,
    member_id     BIGINT NOT NULL,
    week          TEXT NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-5][0-9]$'),
    version       INTEGER NOT NULL CHECK (version >= 1),
    text          TEXT NOT NULL,
    submitted_at  TIMESTAMPTZ NOT NULL,
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    superseded_at TIMESTAMPTZ,
    UNIQUE (team_id, member_id, week, version),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

-- Exactly one current version per member and week, enforced by the database.
CREATE UNIQUE INDEX reports_one_current ON reports (team_id, member_id, week) WHERE superseded_at IS NULL;

CREATE INDEX reports_team_week ON reports (team_id, week);

-- Weeks the supervisor closed: their reports can no longer change.
CREATE TABLE closed_weeks (
    team_id   BIGINT NOT NULL REFERENCES teams (id),
    week      TEXT NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-5][0-9]$'),
    closed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (team_id, week)
);

-- The database refuses a report for a closed week, whatever the caller.
CREATE FUNCTION reports_week_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM closed_weeks c WHERE c.team_id = NEW.team_id AND c.week = NEW.week) THEN
        RAISE EXCEPTION 'week is closed';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reports_week_open BEFORE INSERT ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_week_open();

-- When a team's reports are due each week, in its time zone: an ISO weekday
-- (Monday 1 … Sunday 7) and minutes after midnight. Default Friday 18:00.
ALTER TABLE teams ADD COLUMN report_due_day INTEGER NOT NULL DEFAULT 5 CHECK (report_due_day BETWEEN 1 AND 7);
ALTER TABLE teams ADD COLUMN report_due_minute INTEGER NOT NULL DEFAULT 1080 CHECK (report_due_minute BETWEEN 0 AND 1439);
