-- The conversations that reached the AI bot over its long connection
-- (docs/wecom-longconn.md §7): the bot may push into a conversation only
-- after it has written to the bot there. kind is 'group' (chat_id is the
-- group's chatid) or 'single' (chat_id is the member's userid).

CREATE TABLE longconn_chats (
    chat_id    TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('group', 'single')),
    first_at   TIMESTAMP NOT NULL,
    last_at    TIMESTAMP NOT NULL
);
