-- A leave request still pending when its last day has passed expires:
-- pending → expired, with decided_at the moment it expired and no
-- decider.
--
-- SQLite cannot change a CHECK constraint: leaves is rebuilt with the new
-- status allowed. No table refers to leaves.

CREATE TABLE leaves_new (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    from_day      DATE NOT NULL CHECK (from_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    to_day        DATE NOT NULL CHECK (to_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    half          TEXT NOT NULL DEFAULT '' CHECK (half IN ('', '上午', '下午')),
    reason        TEXT NOT NULL,
    for_meeting   BOOLEAN NOT NULL DEFAULT FALSE,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired')),
    decided_by    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    decided_at    TIMESTAMP,
    CHECK (from_day <= to_day),
    -- Half a day is half of one day.
    CHECK (half = '' OR from_day = to_day),
    -- Only a pending request is undecided.
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);
INSERT INTO leaves_new (id, team_id, member_id, from_day, to_day, half, reason, for_meeting, status,
        decided_by, decision_note, created_at, decided_at)
    SELECT id, team_id, member_id, from_day, to_day, half, reason, for_meeting, status,
        decided_by, decision_note, created_at, decided_at FROM leaves;
DROP TABLE leaves;
ALTER TABLE leaves_new RENAME TO leaves;

CREATE INDEX leaves_team_days ON leaves (team_id, from_day, to_day);
CREATE INDEX leaves_member ON leaves (team_id, member_id, from_day);
-- The expiry job looks for pending requests by their last day.
CREATE INDEX leaves_pending_to_day ON leaves (to_day) WHERE status = 'pending';
