-- Votes (R11, docs/product.md §5). A team may set how its motions are decided
-- (vote_rules; without a row the default: more than half agree, more than
-- half take part). Each vote keeps the rule it was created under, so a
-- later change of the rule never changes a running vote: open → closed,
-- with an outcome, and a passed motion may still be vetoed afterwards.
--
-- Ballots hold only what a voter chose, keyed by the voter: the member id
-- for an open vote, an opaque key for an anonymous one (member_id is then
-- NULL). They deliberately carry no time and no serial id, so an anonymous
-- ballot cannot be linked to its voter by when or in what order it was
-- cast. One ballot per voter is the primary key; casting again replaces
-- the choice. Who took part (never what they chose) is vote_turnout, which
-- the quorum is counted from.

CREATE TABLE vote_rules (
    team_id         BIGINT PRIMARY KEY REFERENCES teams (id),
    pass_num        INTEGER NOT NULL,
    pass_den        INTEGER NOT NULL,
    pass_at_least   BOOLEAN NOT NULL DEFAULT FALSE,
    quorum_num      INTEGER NOT NULL,
    quorum_den      INTEGER NOT NULL,
    quorum_at_least BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      TIMESTAMPTZ NOT NULL,
    -- A motion always needs a share of agree ballots; a quorum may be
    -- left unset (0/0). Both are fractions between 0 and 1.
    CHECK (pass_den > 0 AND pass_num > 0 AND pass_num <= pass_den),
    CHECK ((quorum_den = 0 AND quorum_num = 0) OR (quorum_den > 0 AND quorum_num > 0 AND quorum_num <= quorum_den))
);

CREATE TABLE votes (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id            BIGINT NOT NULL REFERENCES teams (id),
    title              TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('motion', 'poll')),
    -- The choices as a JSON array of strings; a ballot's choice indexes it.
    options            TEXT NOT NULL,
    anonymous          BOOLEAN NOT NULL DEFAULT FALSE,
    live               BOOLEAN NOT NULL DEFAULT FALSE,
    -- The team's rule when the vote was created.
    pass_num           INTEGER NOT NULL DEFAULT 0 CHECK (pass_num >= 0),
    pass_den           INTEGER NOT NULL DEFAULT 0 CHECK (pass_den >= 0),
    pass_at_least      BOOLEAN NOT NULL DEFAULT FALSE,
    quorum_num         INTEGER NOT NULL DEFAULT 0 CHECK (quorum_num >= 0),
    quorum_den         INTEGER NOT NULL DEFAULT 0 CHECK (quorum_den >= 0),
    quorum_at_least    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by         TEXT NOT NULL,
    creator_member     BIGINT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    deadline           TIMESTAMPTZ NOT NULL,
    -- Set by every ballot and close, which lock the row this way first.
    touched_at         TIMESTAMPTZ,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome            TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'passed', 'failed', 'no_quorum', 'vetoed', 'counted')),
    closed_by          TEXT NOT NULL DEFAULT '',
    closed_at          TIMESTAMPTZ,
    -- The quorum's whole and part when the vote closed.
    eligible           INTEGER NOT NULL DEFAULT 0 CHECK (eligible >= 0),
    eligible_cast      INTEGER NOT NULL DEFAULT 0 CHECK (eligible_cast >= 0),
    passed_before_veto BOOLEAN NOT NULL DEFAULT FALSE,
    vetoed_by          TEXT NOT NULL DEFAULT '',
    veto_reason        TEXT NOT NULL DEFAULT '',
    vetoed_at          TIMESTAMPTZ,
    -- Only an open vote has no closing time and no outcome.
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK ((status = 'open') = (outcome = '')),
    -- A poll is counted (or vetoed), never passed or failed; a motion is
    -- never merely counted.
    CHECK (kind = 'motion' OR outcome IN ('', 'counted', 'vetoed')),
    CHECK (kind = 'poll' OR outcome <> 'counted'),
    -- A veto has a time, and only a vetoed vote was passed before its veto.
    CHECK ((outcome = 'vetoed') = (vetoed_at IS NOT NULL)),
    CHECK (outcome = 'vetoed' OR NOT passed_before_veto),
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, creator_member) REFERENCES members (team_id, id)
);

-- Closing at the deadline, and the record of closed votes by time.
CREATE INDEX votes_status_deadline ON votes (status, deadline);
CREATE INDEX votes_team_closed ON votes (team_id, closed_at);

CREATE TABLE vote_ballots (
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    voter     TEXT NOT NULL CHECK (voter <> ''),
    member_id BIGINT REFERENCES members (id),
    choice    INTEGER NOT NULL CHECK (choice >= 0),
    PRIMARY KEY (vote_id, voter)
);

CREATE TABLE vote_turnout (
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    first_at  TIMESTAMPTZ NOT NULL,
    last_at   TIMESTAMPTZ NOT NULL,
    -- How many times the member changed their ballot after the first.
    changes   INTEGER NOT NULL DEFAULT 0 CHECK (changes >= 0),
    PRIMARY KEY (vote_id, member_id)
);
