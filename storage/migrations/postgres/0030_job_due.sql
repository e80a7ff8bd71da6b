-- Each job keeps the instant it is next due, so that a tick reads only the
-- jobs whose time has come instead of every job of every team. The epoch
-- means "work it out on the next tick": a new job, or one whose team's
-- calendar, report deadline or spec changed. A replica working on a job
-- moves due_at ahead for a while (a lease), so another leaves it alone.

ALTER TABLE jobs ADD COLUMN due_at TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00';
CREATE INDEX jobs_due ON jobs (due_at, team_id, name) WHERE enabled;

-- A busy Monday moves a hundred thousand due times at once, leaving as
-- many dead index entries that a tick's lease would walk past until the
-- table is vacuumed: vacuum after 1 % of the rows changed, not 20 %.
ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);
