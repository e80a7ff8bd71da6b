-- Redaction (R13, R14): the supervisor can replace a stored free text that
-- turned out to hold a secret with '[已删除]'. The update log and the audit
-- log stay append-only but for exactly that change: a platform update's
-- title, or an audit row's detail that quoted the text, may become
-- '[已删除]', every other column unchanged.

CREATE OR REPLACE FUNCTION platform_updates_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.title = '[已删除]'
        AND (NEW.id, NEW.team_id, NEW.platform, NEW.campaign, NEW.member_id, NEW.created_at, NEW.week, NEW.msg_id)
            IS NOT DISTINCT FROM (OLD.id, OLD.team_id, OLD.platform, OLD.campaign, OLD.member_id, OLD.created_at, OLD.week, OLD.msg_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'platform_updates is append-only';
END;
$$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.detail = '[已删除]'
        AND (NEW.id, NEW.team_id, NEW.actor, NEW.action, NEW.target, NEW.msg_id, NEW.at)
            IS NOT DISTINCT FROM (OLD.id, OLD.team_id, OLD.actor, OLD.action, OLD.target, OLD.msg_id, OLD.at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

-- Sent messages keep no body after TEAMBOT_OUTBOX_RETENTION: the rows that
-- still have one are few (those waiting and those sent recently), and the
-- hourly job finds them here.
CREATE INDEX outbox_kept_bodies ON outbox (status, sent_at) WHERE body <> '';
