-- Redaction (R13, R14): the supervisor can replace a stored free text that
-- turned out to hold a secret with '[已删除]'. The update log and the audit
-- log stay append-only but for exactly that change: a platform update's
-- title, or an audit row's detail that quoted the text, may become
-- '[已删除]', every other column unchanged.

DROP TRIGGER platform_updates_no_update;

CREATE TRIGGER platform_updates_no_update BEFORE UPDATE ON platform_updates
WHEN NOT (NEW.title = '[已删除]' AND NEW.id IS OLD.id AND NEW.team_id IS OLD.team_id AND NEW.platform IS OLD.platform
    AND NEW.campaign IS OLD.campaign AND NEW.member_id IS OLD.member_id AND NEW.created_at IS OLD.created_at
    AND NEW.week IS OLD.week AND NEW.msg_id IS OLD.msg_id)
BEGIN
    SELECT RAISE(ABORT, 'platform_updates is append-only');
END;

DROP TRIGGER audit_log_no_update;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.detail = '[已删除]' AND NEW.id IS OLD.id AND NEW.team_id IS OLD.team_id AND NEW.actor IS OLD.actor
    AND NEW.action IS OLD.action AND NEW.target IS OLD.target AND NEW.msg_id IS OLD.msg_id AND NEW.at IS OLD.at)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Sent messages keep no body after TEAMBOT_OUTBOX_RETENTION: the rows that
-- still have one are few (those waiting and those sent recently), and the
-- hourly job finds them here.
CREATE INDEX outbox_kept_bodies ON outbox (status, sent_at) WHERE body <> '';
