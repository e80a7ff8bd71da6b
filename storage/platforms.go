package storage

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

// AddPlatformUpdate appends an entry to the platform update log (R6) and
// sets u.ID; u.Week must be set (the ISO week of u.At in the team's time
// zone).
func (tx *Tx) AddPlatformUpdate(ctx context.Context, u *teambot.PlatformUpdate) error {
	if u.Week.IsZero() {
		return fmt.Errorf("add update of %s for team %d: no week", u.Platform, u.TeamID)
	}
	at := utc(u.At)
	id, err := tx.insert(ctx, `INSERT INTO platform_updates (team_id, platform, title, campaign, member_id, created_at, week, msg_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.TeamID, u.Platform, u.Title, u.Campaign, u.MemberID, at, u.Week, u.MsgID)
	if err != nil {
		return fmt.Errorf("add update of %s for team %d: %w", u.Platform, u.TeamID, err)
	}
	u.ID, u.At = id, at
	return nil
}

// PlatformUpdates lists a team's logged updates with their time in
// [from, to), oldest first, with who logged each.
func (tx *Tx) PlatformUpdates(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.PlatformUpdate, error) {
	var rows []struct {
		ID       int64        `db:"id"`
		TeamID   int64        `db:"team_id"`
		Platform string       `db:"platform"`
		Title    string       `db:"title"`
		Campaign bool         `db:"campaign"`
		MemberID int64        `db:"member_id"`
		UserID   string       `db:"user_id"`
		Name     string       `db:"name"`
		At       time.Time    `db:"created_at"`
		Week     teambot.Week `db:"week"`
		MsgID    string       `db:"msg_id"`
	}
	err := tx.selectRows(ctx, &rows, `SELECT u.id, u.team_id, u.platform, u.title, u.campaign, u.member_id,
		m.user_id, m.name, u.created_at, u.week, u.msg_id
		FROM platform_updates u JOIN members m ON m.id = u.member_id
		WHERE u.team_id = ? AND u.created_at >= ? AND u.created_at < ? ORDER BY u.created_at, u.id`,
		teamID, utc(from), utc(to))
	if err != nil {
		return nil, fmt.Errorf("platform updates of team %d from %s to %s: %w", teamID, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), err)
	}
	out := make([]teambot.PlatformUpdate, len(rows))
	for i, r := range rows {
		out[i] = teambot.PlatformUpdate{ID: r.ID, TeamID: r.TeamID, Platform: r.Platform, Title: r.Title, Campaign: r.Campaign,
			MemberID: r.MemberID, UserID: r.UserID, Name: r.Name, At: r.At.UTC(), Week: r.Week, MsgID: r.MsgID}
	}
	return out, nil
}
