-- Escalations (R16): problems a member could not solve, reported to the
-- supervisor: open → resolved. The text is private (R14): only the
-- supervisor and the reporter read it, in a single chat or an app message;
-- the audit log records the id and the length, never the text. msg_id is
-- the message that reported it.

CREATE TABLE escalations (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    text        TEXT NOT NULL CHECK (text <> ''),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_at  TIMESTAMP NOT NULL,
    msg_id      TEXT NOT NULL DEFAULT '',
    -- The supervisor's userid and how the problem was handled.
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT '',
    resolved_at TIMESTAMP,
    -- Only an open escalation has no resolving time.
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

-- The open ones of a team, and a team's escalations by when they came in.
CREATE INDEX escalations_team_status ON escalations (team_id, status, id);
CREATE INDEX escalations_team_created ON escalations (team_id, created_at);
