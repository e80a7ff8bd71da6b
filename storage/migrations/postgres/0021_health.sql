-- /readyz proves the database can be written, not only reached: a probe
-- rewrites this one row in a write transaction (at most once a second per
-- process), which fails on a full disk, a read-only file or a standby.
CREATE TABLE health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TIMESTAMPTZ NOT NULL
);
