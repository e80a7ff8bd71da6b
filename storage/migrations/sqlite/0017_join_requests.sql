-- The roster belongs to the supervisor (R1, R18): once a team has one,
-- /加入 is a request the supervisor approves or rejects, unless they opened
-- the team to free joining. 基础文案 and 策划文案 become roles of their own
-- (R2); stored values of the existing roles stay as they are.

ALTER TABLE teams ADD COLUMN join_mode TEXT NOT NULL DEFAULT 'approval'
    CHECK (join_mode IN ('approval', 'open'));

CREATE TABLE join_requests (
    id           INTEGER PRIMARY KEY,
    team_id      INTEGER NOT NULL REFERENCES teams (id),
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL DEFAULT '', -- comma-separated role values
    rejoin       BOOLEAN NOT NULL DEFAULT FALSE, -- the person was removed from the roster before
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_at TIMESTAMP NOT NULL,
    msg_id       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    reason       TEXT NOT NULL DEFAULT ''
);

-- One waiting request per person and team.
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (team_id, user_id) WHERE status = 'pending';

-- SQLite cannot change a CHECK constraint: member_roles is rebuilt with
-- the two copywriter roles added.
CREATE TABLE member_roles_new (
    team_id   INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('supervisor', 'copywriter', 'copy-base', 'copy-campaign', 'designer', 'tech', 'promotion', 'cs')),
    PRIMARY KEY (member_id, role),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id) ON DELETE CASCADE
);
INSERT INTO member_roles_new (team_id, member_id, role) SELECT team_id, member_id, role FROM member_roles;
DROP TABLE member_roles;
ALTER TABLE member_roles_new RENAME TO member_roles;
CREATE UNIQUE INDEX member_roles_one_supervisor ON member_roles (team_id) WHERE role = 'supervisor';
