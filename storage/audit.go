package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"teambot"
)

// Audit appends an entry to the audit log and sets e.ID. The log is
// append-only: the database refuses to update or delete its rows.
func (tx *Tx) Audit(ctx context.Context, e *teambot.AuditEntry) error {
	id, err := tx.insert(ctx, `INSERT INTO audit_log (team_id, actor, action, target, detail, msg_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sql.NullInt64{Int64: e.TeamID, Valid: e.TeamID != 0}, e.Actor, e.Action, e.Target, e.Detail, e.MsgID, utc(e.At))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	e.ID, e.At = id, utc(e.At)
	return nil
}

// AuditLog lists a team's newest audit entries, newest first.
func (tx *Tx) AuditLog(ctx context.Context, teamID int64, limit int) ([]teambot.AuditEntry, error) {
	var rows []struct {
		ID     int64     `db:"id"`
		TeamID int64     `db:"team_id"`
		Actor  string    `db:"actor"`
		Action string    `db:"action"`
		Target string    `db:"target"`
		Detail string    `db:"detail"`
		MsgID  string    `db:"msg_id"`
		At     time.Time `db:"at"`
	}
	err := tx.selectRows(ctx, &rows, `SELECT id, team_id, actor, action, target, detail, msg_id, at
		FROM audit_log WHERE team_id = ? ORDER BY id DESC LIMIT ?`, teamID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log of team %d: %w", teamID, err)
	}
	out := make([]teambot.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = teambot.AuditEntry{ID: r.ID, TeamID: r.TeamID, Actor: r.Actor, Action: r.Action,
			Target: r.Target, Detail: r.Detail, MsgID: r.MsgID, At: r.At.UTC()}
	}
	return out, nil
}
