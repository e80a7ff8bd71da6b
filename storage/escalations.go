package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"teambot"
)

type escalationRow struct {
	ID         int64        `db:"id"`
	TeamID     int64        `db:"team_id"`
	MemberID   int64        `db:"member_id"`
	UserID     string       `db:"user_id"`
	Name       string       `db:"name"`
	Text       string       `db:"text"`
	Status     string       `db:"status"`
	CreatedAt  time.Time    `db:"created_at"`
	MsgID      string       `db:"msg_id"`
	ResolvedBy string       `db:"resolved_by"`
	Resolution string       `db:"resolution"`
	ResolvedAt sql.NullTime `db:"resolved_at"`
}

func (r escalationRow) escalation() teambot.Escalation {
	e := teambot.Escalation{
		ID: r.ID, TeamID: r.TeamID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name, Text: r.Text,
		Status: r.Status, CreatedAt: r.CreatedAt.UTC(), MsgID: r.MsgID, ResolvedBy: r.ResolvedBy, Resolution: r.Resolution,
	}
	if r.ResolvedAt.Valid {
		e.ResolvedAt = r.ResolvedAt.Time.UTC()
	}
	return e
}

// escalationSelect reads escalations with their reporter's userid and name.
const escalationSelect = `SELECT e.id, e.team_id, e.member_id, m.user_id, m.name, e.text, e.status, e.created_at,
	e.msg_id, e.resolved_by, e.resolution, e.resolved_at
	FROM escalations e JOIN members m ON m.id = e.member_id`

// CreateEscalation stores a new open escalation (R16) and sets e.ID,
// e.Status and e.CreatedAt. The text must not be empty.
func (tx *Tx) CreateEscalation(ctx context.Context, e *teambot.Escalation) error {
	at := utc(e.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO escalations (team_id, member_id, text, status, created_at, msg_id)
		VALUES (?, ?, ?, 'open', ?, ?)`, e.TeamID, e.MemberID, e.Text, at, e.MsgID)
	if err != nil {
		return fmt.Errorf("create escalation of member %d in team %d: %w", e.MemberID, e.TeamID, err)
	}
	e.ID, e.Status, e.CreatedAt = id, teambot.EscalationOpen, at
	e.ResolvedBy, e.Resolution, e.ResolvedAt = "", "", time.Time{}
	return nil
}

// EscalationByID finds one escalation of a team; an id of another team's
// escalation is teambot.ErrNotFound, like one that does not exist.
func (tx *Tx) EscalationByID(ctx context.Context, teamID, id int64) (teambot.Escalation, error) {
	var r escalationRow
	if err := tx.get(ctx, &r, escalationSelect+` WHERE e.team_id = ? AND e.id = ?`, teamID, id); err != nil {
		return teambot.Escalation{}, fmt.Errorf("escalation %d of team %d: %w", id, teamID, err)
	}
	return r.escalation(), nil
}

// Escalations lists the escalations f selects, oldest first. With f.Limit
// set they are the newest f.Limit of them, still oldest first.
func (tx *Tx) Escalations(ctx context.Context, f teambot.EscalationFilter) ([]teambot.Escalation, error) {
	var where []string
	var args []any
	if f.TeamID != 0 {
		where, args = append(where, "e.team_id = ?"), append(args, f.TeamID)
	}
	if f.MemberID != 0 {
		where, args = append(where, "e.member_id = ?"), append(args, f.MemberID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "e.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if !f.CreatedFrom.IsZero() {
		where, args = append(where, "e.created_at >= ?"), append(args, utc(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		where, args = append(where, "e.created_at < ?"), append(args, utc(f.CreatedTo))
	}
	query := escalationSelect
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY e.id DESC`
	if f.Limit > 0 {
		query, args = query+` LIMIT ?`, append(args, f.Limit)
	}
	var rows []escalationRow
	if err := tx.selectRows(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("escalations (%+v): %w", f, err)
	}
	slices.Reverse(rows)
	out := make([]teambot.Escalation, len(rows))
	for i, r := range rows {
		out[i] = r.escalation()
	}
	return out, nil
}

// ResolveEscalation marks an open escalation resolved by the supervisor's
// userid, with how it was handled. One that is already resolved is left as
// it is and the error wraps teambot.ErrEscalationResolved; an unknown one
// is teambot.ErrNotFound.
func (tx *Tx) ResolveEscalation(ctx context.Context, teamID, id int64, by, resolution string, at time.Time) error {
	return tx.transition(ctx, "resolve escalation", "escalations", teamID, id, []string{teambot.EscalationOpen},
		teambot.ErrEscalationResolved, `status = 'resolved', resolved_by = ?, resolution = ?, resolved_at = ?`, by, resolution, utc(at))
}
