-- Where a team's pushes go: the group robot webhook key, sealed (encrypted)
-- by the application so the database alone never holds it in the clear, and
-- when WeCom last said the robot is gone (93000/93004/93008).
ALTER TABLE teams ADD COLUMN push_key TEXT NOT NULL DEFAULT '';
ALTER TABLE teams ADD COLUMN push_broken_at TIMESTAMPTZ;
