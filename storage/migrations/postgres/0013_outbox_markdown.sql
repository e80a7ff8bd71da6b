-- An outgoing message may be WeCom markdown (the monthly digest, R5): the
-- sender then uses the markdown message type of the robot or the app.
ALTER TABLE outbox ADD COLUMN markdown BOOLEAN NOT NULL DEFAULT FALSE;
