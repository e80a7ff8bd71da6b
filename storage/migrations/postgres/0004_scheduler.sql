-- The reminder engine: per-team jobs, the claimed firings that make each
-- one fire exactly once, the durable outbox, one-time notices, and each
-- team's own days off and workdays.

CREATE TABLE jobs (
    team_id    BIGINT NOT NULL REFERENCES teams (id),
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, name)
);

-- One row per (team, job, nominal cron time): the unique key is the claim.
CREATE TABLE firings (
    team_id      BIGINT NOT NULL REFERENCES teams (id),
    job          TEXT NOT NULL,
    nominal_at   TIMESTAMPTZ NOT NULL,
    fire_at      TIMESTAMPTZ,
    outcome      TEXT NOT NULL CHECK (outcome IN ('sent', 'missed', 'no_workday', 'nothing')),
    claimed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, job, nominal_at)
);

CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id         BIGINT REFERENCES teams (id),
    channel         TEXT NOT NULL CHECK (channel IN ('group', 'users')),
    users           TEXT NOT NULL DEFAULT '',
    mentions        TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    origin          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE notices (
    key        TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE team_days (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    day     DATE NOT NULL,
    off     BOOLEAN NOT NULL,
    note    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (team_id, day)
);
