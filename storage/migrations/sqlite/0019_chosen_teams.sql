-- A member of several teams chooses, in the single chat with the bot, which
-- team their commands there act on (/团队 切换). One row per user; it holds
-- only while the user is still an active member of that team.
CREATE TABLE chosen_teams (
    user_id   TEXT PRIMARY KEY,
    team_id   INTEGER NOT NULL REFERENCES teams (id),
    chosen_at TIMESTAMP NOT NULL
);
