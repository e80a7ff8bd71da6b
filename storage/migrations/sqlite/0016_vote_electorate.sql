-- Votes that stay right when the team changes (R11).
--
-- vote_electorate is who may vote in a vote: the active members when it
-- opened. It names members (who is eligible is no secret) and never what
-- they chose, so an anonymous vote stays anonymous. Votes still open when
-- this migration runs get the members active now; closed votes get none
-- and keep the result they were announced with.
--
-- votes.as_of is the moment a closed vote was counted as of: its deadline,
-- or the moment it was closed early or vetoed. closed_at stays the moment
-- the result was announced, later than as_of when the bot was down at the
-- deadline; the supervisor's veto window runs from closed_at.
--
-- member_status_log is every change of a member's status with its time,
-- so that a vote closed late can see the roster as it was at its
-- deadline. Triggers write it on every insert and status change of
-- members, whatever command made them; the time is the joined_at or
-- removed_at the change set.

CREATE TABLE vote_electorate (
    vote_id   INTEGER NOT NULL REFERENCES votes (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (vote_id, member_id)
);

INSERT INTO vote_electorate (vote_id, member_id)
    SELECT v.id, m.id FROM votes v JOIN members m ON m.team_id = v.team_id
    WHERE v.status = 'open' AND m.status = 'active';

ALTER TABLE votes ADD COLUMN as_of TIMESTAMP;
UPDATE votes SET as_of = closed_at WHERE status = 'closed';

CREATE TABLE member_status_log (
    id        INTEGER PRIMARY KEY,
    team_id   INTEGER NOT NULL REFERENCES teams (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    status    TEXT NOT NULL,
    at        TIMESTAMP NOT NULL
);

CREATE INDEX member_status_log_team_at ON member_status_log (team_id, at);

INSERT INTO member_status_log (team_id, member_id, status, at)
    SELECT team_id, id, 'active', joined_at FROM members;
INSERT INTO member_status_log (team_id, member_id, status, at)
    SELECT team_id, id, status, removed_at FROM members WHERE status <> 'active' AND removed_at IS NOT NULL;

CREATE TRIGGER members_status_log_insert AFTER INSERT ON members
BEGIN
    INSERT INTO member_status_log (team_id, member_id, status, at) VALUES (NEW.team_id, NEW.id, NEW.status, NEW.joined_at);
END;

CREATE TRIGGER members_status_log_update AFTER UPDATE OF status ON members WHEN NEW.status <> OLD.status
BEGIN
    INSERT INTO member_status_log (team_id, member_id, status, at) VALUES (NEW.team_id, NEW.id, NEW.status,
        CASE NEW.status WHEN 'active' THEN NEW.joined_at ELSE COALESCE(NEW.removed_at, NEW.joined_at) END);
END;
