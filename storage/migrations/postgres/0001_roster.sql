-- Teams, members, roles (R1-R3), the append-only audit log and the ids of
-- processed messages. Times are TIMESTAMPTZ, written and read as UTC.

CREATE TABLE teams (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id    TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    time_zone  TEXT NOT NULL,
    term_start DATE,
    term_end   DATE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id    BIGINT NOT NULL REFERENCES teams (id),
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    joined_at  TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ,
    UNIQUE (team_id, user_id),
    UNIQUE (team_id, id)
);

-- Two active members may not share a display name, so @Name stays unambiguous.
CREATE UNIQUE INDEX members_active_name ON members (team_id, name) WHERE status = 'active';

CREATE TABLE member_roles (
    team_id   BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('supervisor', 'copywriter', 'designer', 'tech', 'promotion', 'cs')),
    PRIMARY KEY (member_id, role),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id) ON DELETE CASCADE
);

-- R1: exactly one supervisor per team, enforced by the database.
CREATE UNIQUE INDEX member_roles_one_supervisor ON member_roles (team_id) WHERE role = 'supervisor';

CREATE TABLE audit_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id BIGINT REFERENCES teams (id),
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    msg_id  TEXT NOT NULL DEFAULT '',
    at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_log_team_at ON audit_log (team_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE processed_messages (
    source      TEXT NOT NULL,
    msg_id      TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, msg_id)
);

CREATE INDEX processed_messages_received ON processed_messages (received_at);
