package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
)

type reportRow struct {
	ID          int64        `db:"id"`
	TeamID      int64        `db:"team_id"`
	MemberID    int64        `db:"member_id"`
	UserID      string       `db:"user_id"`
	Name        string       `db:"name"`
	Week        teambot.Week `db:"week"`
	Text        string       `db:"text"`
	SubmittedAt time.Time    `db:"submitted_at"`
	Late        bool         `db:"late"`
	Version     int          `db:"version"`
}

func (r reportRow) report() teambot.Report {
	return teambot.Report{
		ID: r.ID, TeamID: r.TeamID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
		Week: r.Week, Text: r.Text, SubmittedAt: r.SubmittedAt.UTC(), Late: r.Late, Version: r.Version,
	}
}

// reportSelect reads reports with their member's userid and name.
const reportSelect = `SELECT r.id, r.team_id, r.member_id, m.user_id, m.name, r.week, r.text,
	r.submitted_at, r.late, r.version
	FROM reports r JOIN members m ON m.id = r.member_id`

func reports(rows []reportRow) []teambot.Report {
	out := make([]teambot.Report, len(rows))
	for i, r := range rows {
		out[i] = r.report()
	}
	return out
}

// SubmitReport stores a new version of a member's report for r.Week and
// sets r.ID and r.Version. The current version, if any, is superseded in
// the same transaction and stays in the history. The database keeps at most
// one current version per member and week (a concurrent second submission
// is teambot.ErrDuplicate) and refuses any report for a closed week. The
// first version decides whether the week's report is on time (R4): a later
// version keeps its late mark, whatever r.Late says.
func (tx *Tx) SubmitReport(ctx context.Context, r *teambot.Report) error {
	at := utc(r.SubmittedAt)
	var last int
	if err := tx.get(ctx, &last, `SELECT COALESCE(MAX(version), 0) FROM reports
		WHERE team_id = ? AND member_id = ? AND week = ?`, r.TeamID, r.MemberID, r.Week); err != nil {
		return fmt.Errorf("submit report of member %d for %s: %w", r.MemberID, r.Week, err)
	}
	if last > 0 {
		if err := tx.get(ctx, &r.Late, `SELECT late FROM reports
			WHERE team_id = ? AND member_id = ? AND week = ? AND version = 1`, r.TeamID, r.MemberID, r.Week); err != nil {
			return fmt.Errorf("first report of member %d for %s: %w", r.MemberID, r.Week, err)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE reports SET superseded_at = ?
		WHERE team_id = ? AND member_id = ? AND week = ? AND superseded_at IS NULL`,
		at, r.TeamID, r.MemberID, r.Week); err != nil {
		return fmt.Errorf("supersede report of member %d for %s: %w", r.MemberID, r.Week, err)
	}
	id, err := tx.insert(ctx, `INSERT INTO reports (team_id, member_id, week, version, text, submitted_at, late)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.TeamID, r.MemberID, r.Week, last+1, r.Text, at, r.Late)
	if err != nil {
		return fmt.Errorf("submit report of member %d for %s: %w", r.MemberID, r.Week, err)
	}
	r.ID, r.Version, r.SubmittedAt = id, last+1, at
	return nil
}

// CurrentReports lists the current version of every report of a team for
// one week, in roster order.
func (tx *Tx) CurrentReports(ctx context.Context, teamID int64, week teambot.Week) ([]teambot.Report, error) {
	return tx.CurrentReportsBetween(ctx, teamID, week, week)
}

// CurrentReportsBetween lists the current versions of a team's reports for
// the weeks from through to (inclusive), by week and then roster order.
func (tx *Tx) CurrentReportsBetween(ctx context.Context, teamID int64, from, to teambot.Week) ([]teambot.Report, error) {
	var rows []reportRow
	err := tx.selectRows(ctx, &rows, reportSelect+`
		WHERE r.team_id = ? AND r.week BETWEEN ? AND ? AND r.superseded_at IS NULL
		ORDER BY r.week, m.joined_at, m.id`, teamID, from, to)
	if err != nil {
		return nil, fmt.Errorf("reports of team %d for %s..%s: %w", teamID, from, to, err)
	}
	return reports(rows), nil
}

// ReportHistory lists every version of a member's reports for the weeks
// from through to (inclusive), by week and then version; the last version
// of each week is the current one.
func (tx *Tx) ReportHistory(ctx context.Context, teamID, memberID int64, from, to teambot.Week) ([]teambot.Report, error) {
	var rows []reportRow
	err := tx.selectRows(ctx, &rows, reportSelect+`
		WHERE r.team_id = ? AND r.member_id = ? AND r.week BETWEEN ? AND ?
		ORDER BY r.week, r.version`, teamID, memberID, from, to)
	if err != nil {
		return nil, fmt.Errorf("report history of member %d for %s..%s: %w", memberID, from, to, err)
	}
	return reports(rows), nil
}

// CloseWeek records that a week's reports are closed. Closing a closed week
// again is teambot.ErrDuplicate.
func (tx *Tx) CloseWeek(ctx context.Context, c teambot.WeekClosure) error {
	if _, err := tx.exec(ctx, `INSERT INTO closed_weeks (team_id, week, closed_at, closed_by) VALUES (?, ?, ?, ?)`,
		c.TeamID, c.Week, utc(c.ClosedAt), c.ClosedBy); err != nil {
		return fmt.Errorf("close %s of team %d: %w", c.Week, c.TeamID, err)
	}
	return nil
}

// WeekClosed reports whether a week's reports are closed, and if so when
// and by whom.
func (tx *Tx) WeekClosed(ctx context.Context, teamID int64, week teambot.Week) (teambot.WeekClosure, bool, error) {
	var row struct {
		ClosedAt time.Time `db:"closed_at"`
		ClosedBy string    `db:"closed_by"`
	}
	err := tx.get(ctx, &row, `SELECT closed_at, closed_by FROM closed_weeks WHERE team_id = ? AND week = ?`, teamID, week)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		return teambot.WeekClosure{}, false, nil
	case err != nil:
		return teambot.WeekClosure{}, false, fmt.Errorf("is %s of team %d closed: %w", week, teamID, err)
	}
	return teambot.WeekClosure{TeamID: teamID, Week: week, ClosedAt: row.ClosedAt.UTC(), ClosedBy: row.ClosedBy}, true, nil
}

// ReportDeadline is when a team's reports are due each week.
func (tx *Tx) ReportDeadline(ctx context.Context, teamID int64) (teambot.WeeklyDeadline, error) {
	var row struct {
		Day    int `db:"report_due_day"`
		Minute int `db:"report_due_minute"`
	}
	if err := tx.get(ctx, &row, `SELECT report_due_day, report_due_minute FROM teams WHERE id = ?`, teamID); err != nil {
		return teambot.WeeklyDeadline{}, fmt.Errorf("report deadline of team %d: %w", teamID, err)
	}
	return teambot.WeeklyDeadline{Weekday: teambot.WeekdayOfISO(row.Day), Hour: row.Minute / 60, Minute: row.Minute % 60}, nil
}

// SetReportDeadline changes when a team's reports are due each week.
// Reports already stored keep their late mark.
func (tx *Tx) SetReportDeadline(ctx context.Context, teamID int64, d teambot.WeeklyDeadline) error {
	if !d.Valid() {
		return fmt.Errorf("set report deadline of team %d: invalid deadline %+v", teamID, d)
	}
	n, err := tx.exec(ctx, `UPDATE teams SET report_due_day = ?, report_due_minute = ? WHERE id = ?`,
		d.ISODay(), d.Hour*60+d.Minute, teamID)
	if err != nil {
		return fmt.Errorf("set report deadline of team %d: %w", teamID, err)
	}
	if n == 0 {
		return fmt.Errorf("set report deadline of team %d: %w", teamID, teambot.ErrNotFound)
	}
	return tx.rescheduleTeam(ctx, teamID) // 周报催交 is placed before the deadline
}
