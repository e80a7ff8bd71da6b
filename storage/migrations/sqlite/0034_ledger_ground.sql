-- The rulebook's ground of a reward or penalty (R17, R18): its number in
-- the rulebook's list of that kind (teambot.RewardGrounds,
-- teambot.PenaltyGrounds). 0 is none: a revocation, a warning confirmed
-- from a meeting-absence proposal (the meeting rules set it, R12), and
-- every entry recorded before grounds were.

ALTER TABLE ledger_entries ADD COLUMN ground INTEGER NOT NULL DEFAULT 0 CHECK (ground BETWEEN 0 AND 5);
