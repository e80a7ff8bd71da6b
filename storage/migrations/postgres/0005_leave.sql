-- Leave requests (docs/product.md §5): pending → approved | rejected | cancelled.
-- A request covers the days from_day through to_day, or half of one day.
-- Approved leave excuses a member from meetings and report nags; which
-- requests clash is decided by the application, in the transaction that
-- inserts the new one.

CREATE TABLE leaves (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id       BIGINT NOT NULL,
    member_id     BIGINT NOT NULL,
    from_day      DATE NOT NULL,
    to_day        DATE NOT NULL,
    half          TEXT NOT NULL DEFAULT '' CHECK (half IN ('', '上午', '下午')),
    reason        TEXT NOT NULL,
    for_meeting   BOOLEAN NOT NULL DEFAULT FALSE,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    decided_by    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ,
    CHECK (from_day <= to_day),
    -- Half a day is half of one day.
    CHECK (half = '' OR from_day = to_day),
    -- Only a pending request is undecided.
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    FOREIGN KEY (team_id, member_id) REFERENCES members (team_id, id)
);

CREATE INDEX leaves_team_days ON leaves (team_id, from_day, to_day);
CREATE INDEX leaves_member ON leaves (team_id, member_id, from_day);
