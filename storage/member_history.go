package storage

import (
	"context"
	"fmt"
	"time"
)

// MembersActiveAt says which members of a team were on the active roster
// at a moment: those whose last status change at or before it (joining,
// being removed, 劝退, 除名, coming back) left them active. The changes are
// kept by the database itself, from every command that makes them
// (migration 0016).
func (tx *Tx) MembersActiveAt(ctx context.Context, teamID int64, at time.Time) (map[int64]bool, error) {
	var rows []struct {
		MemberID int64  `db:"member_id"`
		Status   string `db:"status"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT member_id, status FROM member_status_log
		WHERE team_id = ? AND at <= ? ORDER BY at, id`, teamID, utc(at)); err != nil {
		return nil, fmt.Errorf("members of team %d active at %s: %w", teamID, at.UTC().Format(time.RFC3339), err)
	}
	out := make(map[int64]bool)
	for _, r := range rows {
		out[r.MemberID] = r.Status == "active"
	}
	return out, nil
}
