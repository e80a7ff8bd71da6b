-- A team's group messages leave in the order they were queued: the outbox
-- leases a group message only when no earlier one of its team is still
-- waiting or being sent. This index finds the earlier ones.
CREATE INDEX outbox_team_waiting ON outbox (team_id, id) WHERE channel = 'group' AND status IN ('pending', 'sending');
