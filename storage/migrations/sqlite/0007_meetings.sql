-- Meetings and attendance (R8-R12, docs/product.md §6). A team may have one
-- weekly meeting time; its occurrences, and the ad-hoc meetings the
-- supervisor calls, are rows of meetings: scheduled → held | cancelled.
-- Attendance is one row per member and meeting: check-ins and roll calls
-- while it runs, excused and absent rows when it is closed. A cancelled
-- meeting never counts.

CREATE TABLE meeting_schedules (
    team_id    INTEGER PRIMARY KEY REFERENCES teams (id),
    iso_day    INTEGER NOT NULL CHECK (iso_day BETWEEN 1 AND 7),
    minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    starts_at  TIMESTAMP NOT NULL,
    minutes    INTEGER NOT NULL DEFAULT 60 CHECK (minutes > 0),
    agenda     TEXT NOT NULL DEFAULT '',
    weekly     BOOLEAN NOT NULL DEFAULT FALSE,
    status     TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_by  TEXT NOT NULL DEFAULT '',
    closed_at  TIMESTAMP,
    CHECK ((status = 'scheduled') = (closed_at IS NULL)),
    -- One meeting of a team at a time: a weekly occurrence is created once.
    UNIQUE (team_id, starts_at),
    UNIQUE (team_id, id)
);

CREATE TABLE meeting_attendance (
    team_id    INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
    recorded_at TIMESTAMP NOT NULL,
    by_user    TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id),
    FOREIGN KEY (team_id, meeting_id) REFERENCES meetings (team_id, id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX meeting_attendance_member ON meeting_attendance (team_id, member_id);

-- R12: two unexcused absences in a row propose a warning, once per member
-- and second absence; the supervisor confirms it in the ledger (later).
CREATE TABLE meeting_proposals (
    id                INTEGER PRIMARY KEY,
    team_id           INTEGER NOT NULL,
    member_id         INTEGER NOT NULL,
    first_meeting_id  INTEGER NOT NULL,
    second_meeting_id INTEGER NOT NULL,
    status            TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed', 'dismissed')),
    created_at        TIMESTAMP NOT NULL,
    decided_by        TEXT NOT NULL DEFAULT '',
    decided_at        TIMESTAMP,
    UNIQUE (member_id, second_meeting_id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id),
    FOREIGN KEY (team_id, first_meeting_id) REFERENCES meetings (team_id, id),
    FOREIGN KEY (team_id, second_meeting_id) REFERENCES meetings (team_id, id)
);

-- A member's objection to an absence, once per meeting.
CREATE TABLE meeting_disputes (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL,
    meeting_id    INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at    TIMESTAMP NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP,
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    UNIQUE (meeting_id, member_id),
    FOREIGN KEY (team_id, meeting_id) REFERENCES meetings (team_id, id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);
