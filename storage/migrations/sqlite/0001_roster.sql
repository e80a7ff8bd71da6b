-- Teams, members, roles (R1-R3), the append-only audit log and the ids of
-- processed messages. Times are UTC text written by the driver
-- (_time_format=sqlite, _timezone=UTC); dates are 'YYYY-MM-DD'.

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    chat_id    TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    time_zone  TEXT NOT NULL,
    term_start DATE,
    term_end   DATE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE members (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    joined_at  TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    UNIQUE (team_id, user_id),
    UNIQUE (team_id, id)
);

-- Two active members may not share a display name, so @Name stays unambiguous.
CREATE UNIQUE INDEX members_active_name ON members (team_id, name) WHERE status = 'active';

CREATE TABLE member_roles (
    team_id   INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('supervisor', 'copywriter', 'designer', 'tech', 'promotion', 'cs')),
    PRIMARY KEY (member_id, role),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id) ON DELETE CASCADE
);

-- R1: exactly one supervisor per team, enforced by the database.
CREATE UNIQUE INDEX member_roles_one_supervisor ON member_roles (team_id) WHERE role = 'supervisor';

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    team_id INTEGER REFERENCES teams (id),
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    msg_id  TEXT NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL
);

CREATE INDEX audit_log_team_at ON audit_log (team_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE processed_messages (
    source      TEXT NOT NULL,
    msg_id      TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, msg_id)
);

CREATE INDEX processed_messages_received ON processed_messages (received_at);
