-- A leave request still pending when its last day has passed expires:
-- pending → expired, with decided_at the moment it expired and no
-- decider.

ALTER TABLE leaves DROP CONSTRAINT leaves_status_check;
ALTER TABLE leaves ADD CONSTRAINT leaves_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired'));

-- The expiry job looks for pending requests by their last day.
CREATE INDEX leaves_pending_to_day ON leaves (to_day) WHERE status = 'pending';
