-- Interactive cards. A card's task id is stored with what the card stands
-- for (a vote, a leave request, ...), so that a click is resolved from the
-- database and not from anything the click itself claims. After a
-- supervisor clicks 驳回 the bot waits for their next message as the
-- reason: one pending reason per user, until until_at. An outgoing message
-- may carry a card, kept as JSON ('' for none) next to its text, which is
-- what goes where a card cannot be shown.

CREATE TABLE card_tasks (
    task_id    TEXT PRIMARY KEY CHECK (task_id <> '' AND length(task_id) <= 128),
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    kind       TEXT NOT NULL,
    subject    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The cards sent for one record, e.g. to mark them all done once it is decided.
CREATE INDEX card_tasks_subject ON card_tasks (team_id, kind, subject);

CREATE TABLE card_reasons (
    user_id    TEXT PRIMARY KEY,
    task_id    TEXT NOT NULL REFERENCES card_tasks (task_id) ON DELETE CASCADE,
    button_key TEXT NOT NULL,
    until_at   TIMESTAMP NOT NULL
);

ALTER TABLE outbox ADD COLUMN card TEXT NOT NULL DEFAULT '';
