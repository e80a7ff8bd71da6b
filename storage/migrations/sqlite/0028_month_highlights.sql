-- The supervisor's own say over the monthly report's highlights (R5): a
-- line added by hand, or a report line marked 亮点： that should not be in
-- it (hidden: the row names its text). month is YYYY-MM.

CREATE TABLE month_highlights (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    text       TEXT NOT NULL CHECK (text <> ''),
    hidden     BOOLEAN NOT NULL DEFAULT FALSE,
    added_by   TEXT NOT NULL,
    added_at   TIMESTAMP NOT NULL
);

CREATE INDEX month_highlights_month ON month_highlights (team_id, month);
