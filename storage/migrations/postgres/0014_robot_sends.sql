-- WeCom takes at most 20 messages a minute from one group robot. Every
-- replica that sends for a robot first records the send here, under a lock
-- per robot, so all replicas together keep to the limit. A robot is named
-- by a digest of its webhook key, never by the key. Rows older than the
-- window are pruned.
CREATE TABLE robot_sends (
    robot   TEXT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX robot_sends_robot_at ON robot_sends (robot, sent_at);
