-- A team's roles are read by team (every reminder and command that loads
-- the roster): without this index that read went through every team's
-- roles, which at a hundred thousand teams cost milliseconds each time.

CREATE INDEX member_roles_team ON member_roles (team_id);
