-- The roster belongs to the supervisor (R1, R18): once a team has one,
-- /加入 is a request the supervisor approves or rejects, unless they opened
-- the team to free joining. 基础文案 and 策划文案 become roles of their own
-- (R2); stored values of the existing roles stay as they are.

ALTER TABLE teams ADD COLUMN join_mode TEXT NOT NULL DEFAULT 'approval'
    CHECK (join_mode IN ('approval', 'open'));

CREATE TABLE join_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id      BIGINT NOT NULL REFERENCES teams (id),
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL DEFAULT '', -- comma-separated role values
    rejoin       BOOLEAN NOT NULL DEFAULT FALSE, -- the person was removed from the roster before
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_at TIMESTAMPTZ NOT NULL,
    msg_id       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMPTZ,
    reason       TEXT NOT NULL DEFAULT ''
);

-- One waiting request per person and team.
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (team_id, user_id) WHERE status = 'pending';

ALTER TABLE member_roles DROP CONSTRAINT member_roles_role_check;
ALTER TABLE member_roles ADD CONSTRAINT member_roles_role_check
    CHECK (role IN ('supervisor', 'copywriter', 'copy-base', 'copy-campaign', 'designer', 'tech', 'promotion', 'cs'));
