-- What goes out needs the supervisor (R7, R15): a post, a partner and a
-- paid placement are asked for, and approved, rejected or returned for
-- changes. approvals holds where a request stands (its status and current
-- version); what each version said and each decision are kept append-only
-- in approval_versions and approval_events, so an old version is never
-- updated away. A placement's reported results are append-only too, the
-- latest counting.
--
-- platform_reviews is the supervisor's choice, per platform, of whether
-- its posts need approval; a platform without a row follows the default
-- (campaigns need it, routine posts do not). A platform is named as the
-- account register spells it; platform_key is its lower-cased name.

CREATE TABLE approvals (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id    BIGINT NOT NULL REFERENCES teams (id),
    kind       TEXT NOT NULL CHECK (kind IN ('post', 'partner', 'placement')),
    member_id  BIGINT NOT NULL,
    platform   TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'returned', 'approved', 'rejected', 'published')),
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMPTZ,
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX approvals_team_status ON approvals (team_id, status, created_at);

CREATE TABLE approval_versions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     BIGINT NOT NULL,
    approval_id BIGINT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    title       TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    plan_at     TIMESTAMPTZ,
    campaign    BOOLEAN NOT NULL DEFAULT FALSE,
    budget      BIGINT NOT NULL DEFAULT 0 CHECK (budget >= 0),
    currency    TEXT NOT NULL DEFAULT '',
    end_day     DATE,
    by_user     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    UNIQUE (approval_id, version),
    FOREIGN KEY (team_id, approval_id) REFERENCES approvals (team_id, id)
);

CREATE TABLE approval_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     BIGINT NOT NULL,
    approval_id BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('submitted', 'revised', 'approved', 'auto_approved', 'rejected', 'returned', 'published', 'results')),
    by_user     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (team_id, approval_id) REFERENCES approvals (team_id, id)
);

CREATE INDEX approval_events_approval ON approval_events (approval_id, id);

CREATE TABLE placement_results (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     BIGINT NOT NULL,
    approval_id BIGINT NOT NULL,
    exposure    BIGINT NOT NULL DEFAULT -1,
    clicks      BIGINT NOT NULL DEFAULT -1,
    spend       BIGINT NOT NULL DEFAULT -1,
    note        TEXT NOT NULL DEFAULT '',
    by_user     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (team_id, approval_id) REFERENCES approvals (team_id, id)
);

CREATE INDEX placement_results_approval ON placement_results (approval_id, id);

CREATE FUNCTION approval_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'approval_versions is append-only';
END;
$$;

CREATE TRIGGER approval_versions_append_only BEFORE UPDATE OR DELETE ON approval_versions
    FOR EACH ROW EXECUTE FUNCTION approval_versions_append_only();

CREATE FUNCTION approval_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'approval_events is append-only';
END;
$$;

CREATE TRIGGER approval_events_append_only BEFORE UPDATE OR DELETE ON approval_events
    FOR EACH ROW EXECUTE FUNCTION approval_events_append_only();

CREATE FUNCTION placement_results_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'placement_results is append-only';
END;
$$;

CREATE TRIGGER placement_results_append_only BEFORE UPDATE OR DELETE ON placement_results
    FOR EACH ROW EXECUTE FUNCTION placement_results_append_only();

CREATE TABLE platform_reviews (
    team_id      BIGINT NOT NULL REFERENCES teams (id),
    platform_key TEXT NOT NULL CHECK (platform_key <> ''),
    platform     TEXT NOT NULL,
    review       BOOLEAN NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, platform_key)
);

-- The scheduler looks for planned posts and ended placements it may still
-- remind about: by these, not through every request ever approved.
CREATE INDEX approval_versions_plan ON approval_versions (plan_at) WHERE plan_at IS NOT NULL;
CREATE INDEX approval_versions_end ON approval_versions (end_day) WHERE end_day IS NOT NULL;
