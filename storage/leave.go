package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"teambot"
)

type leaveRow struct {
	ID           int64        `db:"id"`
	TeamID       int64        `db:"team_id"`
	MemberID     int64        `db:"member_id"`
	UserID       string       `db:"user_id"`
	Name         string       `db:"name"`
	From         teambot.Date `db:"from_day"`
	To           teambot.Date `db:"to_day"`
	Half         string       `db:"half"`
	Reason       string       `db:"reason"`
	ForMeeting   bool         `db:"for_meeting"`
	Status       string       `db:"status"`
	DecidedBy    string       `db:"decided_by"`
	DecisionNote string       `db:"decision_note"`
	CreatedAt    time.Time    `db:"created_at"`
	DecidedAt    sql.NullTime `db:"decided_at"`
}

func (r leaveRow) leave() teambot.Leave {
	l := teambot.Leave{
		ID: r.ID, TeamID: r.TeamID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
		From: r.From, To: r.To, Half: r.Half, Reason: r.Reason, ForMeeting: r.ForMeeting, Status: r.Status,
		DecidedBy: r.DecidedBy, DecisionNote: r.DecisionNote, CreatedAt: r.CreatedAt.UTC(),
	}
	if r.DecidedAt.Valid {
		l.DecidedAt = r.DecidedAt.Time.UTC()
	}
	return l
}

// leaveSelect reads leave requests with their member's userid and name.
const leaveSelect = `SELECT l.id, l.team_id, l.member_id, m.user_id, m.name, l.from_day, l.to_day, l.half,
	l.reason, l.for_meeting, l.status, l.decided_by, l.decision_note, l.created_at, l.decided_at
	FROM leaves l JOIN members m ON m.id = l.member_id`

func leaves(rows []leaveRow) []teambot.Leave {
	out := make([]teambot.Leave, len(rows))
	for i, r := range rows {
		out[i] = r.leave()
	}
	return out
}

// CreateLeave stores a new pending leave request and sets l.ID, l.Status
// and l.CreatedAt. It does not look for clashes: call OverlappingLeaves
// first, in the same transaction.
func (tx *Tx) CreateLeave(ctx context.Context, l *teambot.Leave) error {
	at := utc(l.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO leaves (team_id, member_id, from_day, to_day, half, reason, for_meeting, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
		l.TeamID, l.MemberID, l.From, l.To, l.Half, l.Reason, l.ForMeeting, at)
	if err != nil {
		return fmt.Errorf("create leave of member %d for %s..%s: %w", l.MemberID, l.From, l.To, err)
	}
	l.ID, l.Status, l.CreatedAt = id, teambot.LeavePending, at
	l.DecidedBy, l.DecisionNote, l.DecidedAt = "", "", time.Time{}
	return nil
}

// LeaveByID finds one leave request of a team; an id of another team's
// request is teambot.ErrNotFound, like one that does not exist.
func (tx *Tx) LeaveByID(ctx context.Context, teamID, id int64) (teambot.Leave, error) {
	var r leaveRow
	if err := tx.get(ctx, &r, leaveSelect+` WHERE l.team_id = ? AND l.id = ?`, teamID, id); err != nil {
		return teambot.Leave{}, fmt.Errorf("leave %d of team %d: %w", id, teamID, err)
	}
	return r.leave(), nil
}

// Leaves lists the leave requests f selects, by first day and then id.
func (tx *Tx) Leaves(ctx context.Context, f teambot.LeaveFilter) ([]teambot.Leave, error) {
	where := []string{"l.team_id = ?"}
	args := []any{f.TeamID}
	if f.MemberID != 0 {
		where, args = append(where, "l.member_id = ?"), append(args, f.MemberID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "l.to_day >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "l.from_day <= ?"), append(args, f.To)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "l.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	var rows []leaveRow
	err := tx.selectRows(ctx, &rows, leaveSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY l.from_day, l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("leaves of team %d (%+v): %w", f.TeamID, f, err)
	}
	return leaves(rows), nil
}

// OverlappingLeaves lists a member's active (pending or approved) requests
// that share a day, or the same half of a day, with from…to and half. On
// PostgreSQL it first locks the member's row until the transaction ends, so
// that two requests of one member racing each other are checked one after
// the other; SQLite transactions already take the write lock at BEGIN.
func (tx *Tx) OverlappingLeaves(ctx context.Context, teamID, memberID int64, from, to teambot.Date, half string) ([]teambot.Leave, error) {
	if tx.dialect == Postgres {
		var id int64
		if err := tx.get(ctx, &id, `SELECT id FROM members WHERE team_id = ? AND id = ? FOR UPDATE`, teamID, memberID); err != nil {
			return nil, fmt.Errorf("lock member %d of team %d: %w", memberID, teamID, err)
		}
	}
	query := leaveSelect + ` WHERE l.team_id = ? AND l.member_id = ? AND l.status IN ('pending', 'approved')
		AND l.from_day <= ? AND l.to_day >= ?`
	args := []any{teamID, memberID, to, from}
	if half != "" {
		// A morning and an afternoon of the same day do not clash.
		query += ` AND (l.half = '' OR l.half = ?)`
		args = append(args, half)
	}
	var rows []leaveRow
	if err := tx.selectRows(ctx, &rows, query+` ORDER BY l.from_day, l.id`, args...); err != nil {
		return nil, fmt.Errorf("leaves of member %d overlapping %s..%s: %w", memberID, from, to, err)
	}
	return leaves(rows), nil
}

// DecideLeave approves or rejects a pending request: status is
// teambot.LeaveApproved or teambot.LeaveRejected, by the decider's userid,
// note a rejection's reason. A request that is no longer pending (decided
// or cancelled, perhaps a moment ago by someone else) is left as it is and
// the error wraps teambot.ErrLeaveStatus; an unknown one is
// teambot.ErrNotFound.
func (tx *Tx) DecideLeave(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error {
	if status != teambot.LeaveApproved && status != teambot.LeaveRejected {
		return fmt.Errorf("decide leave %d: status %q is not a decision", id, status)
	}
	return tx.transition(ctx, "decide leave", "leaves", teamID, id, []string{teambot.LeavePending}, teambot.ErrLeaveStatus,
		`status = ?, decided_by = ?, decision_note = ?, decided_at = ?`, status, by, note, utc(at))
}

// CancelLeave withdraws a pending or approved request on its member's
// behalf; by is who cancelled it. A request that is already rejected or
// cancelled is left as it is and the error wraps teambot.ErrLeaveStatus; an
// unknown one is teambot.ErrNotFound. Whether it has started is the
// caller's rule.
func (tx *Tx) CancelLeave(ctx context.Context, teamID, id int64, by string, at time.Time) error {
	return tx.transition(ctx, "cancel leave", "leaves", teamID, id, []string{teambot.LeavePending, teambot.LeaveApproved},
		teambot.ErrLeaveStatus, `status = 'cancelled', decided_by = ?, decided_at = ?`, by, utc(at))
}

// ExpirableLeaves lists the pending requests of every team whose last day
// is before before, by team and id. The caller decides, in each team's time
// zone, which of them have ended, and expires those with ExpireLeave.
func (tx *Tx) ExpirableLeaves(ctx context.Context, before teambot.Date) ([]teambot.Leave, error) {
	var rows []leaveRow
	err := tx.selectRows(ctx, &rows, leaveSelect+` WHERE l.status = 'pending' AND l.to_day < ? ORDER BY l.team_id, l.id`, before)
	if err != nil {
		return nil, fmt.Errorf("pending leaves ending before %s: %w", before, err)
	}
	return leaves(rows), nil
}

// ExpireLeave moves a pending request whose last day has passed to
// expired, at at. The update is conditional on the request still being
// pending, so when replicas race only one of them changes it; the others
// get an error wrapping teambot.ErrLeaveStatus (as for any request no
// longer pending). An unknown request is teambot.ErrNotFound.
func (tx *Tx) ExpireLeave(ctx context.Context, teamID, id int64, at time.Time) error {
	return tx.transition(ctx, "expire leave", "leaves", teamID, id, []string{teambot.LeavePending}, teambot.ErrLeaveStatus,
		`status = 'expired', decided_by = '', decided_at = ?`, utc(at))
}
