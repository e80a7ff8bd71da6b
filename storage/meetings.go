package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
)

// MeetingSchedule is a team's weekly meeting time; ok is false when the
// team has none (the default).
func (tx *Tx) MeetingSchedule(ctx context.Context, teamID int64) (s teambot.MeetingSchedule, ok bool, err error) {
	var row scheduleRow
	err = tx.get(ctx, &row, `SELECT team_id, iso_day, minute, minutes, updated_at FROM meeting_schedules WHERE team_id = ?`, teamID)
	switch {
	case errors.Is(err, teambot.ErrNotFound):
		return s, false, nil
	case err != nil:
		return s, false, fmt.Errorf("meeting schedule of team %d: %w", teamID, err)
	}
	return row.schedule(), true, nil
}

// scheduleRow is a row of meeting_schedules.
type scheduleRow struct {
	TeamID  int64     `db:"team_id"`
	Day     int       `db:"iso_day"`
	Minute  int       `db:"minute"`
	Minutes int       `db:"minutes"` // the length
	Since   time.Time `db:"updated_at"`
}

func (r scheduleRow) schedule() teambot.MeetingSchedule {
	return teambot.MeetingSchedule{Weekday: teambot.WeekdayOfISO(r.Day), Hour: r.Minute / 60, Minute: r.Minute % 60,
		Length: time.Duration(r.Minutes) * time.Minute, Since: r.Since.UTC()}
}

// SetMeetingSchedule sets (or replaces) a team's weekly meeting time.
func (tx *Tx) SetMeetingSchedule(ctx context.Context, teamID int64, s teambot.MeetingSchedule, at time.Time) error {
	if !s.Valid() {
		return fmt.Errorf("set meeting schedule of team %d: invalid schedule %+v", teamID, s)
	}
	_, err := tx.exec(ctx, `INSERT INTO meeting_schedules (team_id, iso_day, minute, minutes, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (team_id) DO UPDATE SET iso_day = excluded.iso_day, minute = excluded.minute, minutes = excluded.minutes,
		updated_at = excluded.updated_at`,
		teamID, s.ISODay(), s.Hour*60+s.Minute, int(s.Duration()/time.Minute), utc(at))
	if err != nil {
		return fmt.Errorf("set meeting schedule of team %d: %w", teamID, err)
	}
	return nil
}

// ClearMeetingSchedule removes a team's weekly meeting time; meetings
// already created stay as they are.
func (tx *Tx) ClearMeetingSchedule(ctx context.Context, teamID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM meeting_schedules WHERE team_id = ?`, teamID); err != nil {
		return fmt.Errorf("clear meeting schedule of team %d: %w", teamID, err)
	}
	return nil
}

type meetingRow struct {
	ID        int64        `db:"id"`
	TeamID    int64        `db:"team_id"`
	StartsAt  time.Time    `db:"starts_at"`
	Minutes   int          `db:"minutes"`
	Agenda    string       `db:"agenda"`
	Weekly    bool         `db:"weekly"`
	Status    string       `db:"status"`
	Note      string       `db:"note"`
	CreatedBy string       `db:"created_by"`
	CreatedAt time.Time    `db:"created_at"`
	ClosedBy  string       `db:"closed_by"`
	ClosedAt  sql.NullTime `db:"closed_at"`
}

func (r meetingRow) meeting() teambot.Meeting {
	m := teambot.Meeting{ID: r.ID, TeamID: r.TeamID, StartsAt: r.StartsAt.UTC(), Duration: time.Duration(r.Minutes) * time.Minute,
		Agenda: r.Agenda, Weekly: r.Weekly, Status: r.Status, Note: r.Note, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), ClosedBy: r.ClosedBy}
	if r.ClosedAt.Valid {
		m.ClosedAt = r.ClosedAt.Time.UTC()
	}
	return m
}

const meetingSelect = `SELECT id, team_id, starts_at, minutes, agenda, weekly, status, note, created_by, created_at, closed_by, closed_at FROM meetings`

// CreateMeeting stores a new scheduled meeting and sets m.ID and m.Status;
// a zero Duration is teambot.DefaultMeetingDuration. A meeting of the team
// that starts at the same moment is teambot.ErrDuplicate.
func (tx *Tx) CreateMeeting(ctx context.Context, m *teambot.Meeting) error {
	if m.Duration <= 0 {
		m.Duration = teambot.DefaultMeetingDuration
	}
	m.StartsAt, m.CreatedAt = utc(m.StartsAt), utc(m.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO meetings (team_id, starts_at, minutes, agenda, weekly, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, 'scheduled', ?, ?)`,
		m.TeamID, m.StartsAt, int(m.Duration/time.Minute), m.Agenda, m.Weekly, m.CreatedBy, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("create meeting of team %d at %s: %w", m.TeamID, m.StartsAt, err)
	}
	m.ID, m.Status, m.Note, m.ClosedBy, m.ClosedAt = id, teambot.MeetingScheduled, "", "", time.Time{}
	return nil
}

// MeetingByID finds one meeting of a team; another team's is
// teambot.ErrNotFound.
func (tx *Tx) MeetingByID(ctx context.Context, teamID, id int64) (teambot.Meeting, error) {
	var r meetingRow
	if err := tx.get(ctx, &r, meetingSelect+` WHERE team_id = ? AND id = ?`, teamID, id); err != nil {
		return teambot.Meeting{}, fmt.Errorf("meeting %d of team %d: %w", id, teamID, err)
	}
	return r.meeting(), nil
}

// Meetings lists a team's meetings that start in from…to (a zero end is
// open), by start.
func (tx *Tx) Meetings(ctx context.Context, teamID int64, from, to time.Time) ([]teambot.Meeting, error) {
	where, args := []string{"team_id = ?"}, []any{teamID}
	if !from.IsZero() {
		where, args = append(where, "starts_at >= ?"), append(args, utc(from))
	}
	if !to.IsZero() {
		where, args = append(where, "starts_at <= ?"), append(args, utc(to))
	}
	var rows []meetingRow
	if err := tx.selectRows(ctx, &rows, meetingSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY starts_at, id`, args...); err != nil {
		return nil, fmt.Errorf("meetings of team %d from %s to %s: %w", teamID, from, to, err)
	}
	out := make([]teambot.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.meeting()
	}
	return out, nil
}

// SetMeetingAgenda changes a scheduled meeting's agenda; a meeting that is
// no longer scheduled wraps teambot.ErrMeetingStatus.
func (tx *Tx) SetMeetingAgenda(ctx context.Context, teamID, id int64, agenda string) error {
	return tx.transition(ctx, "set agenda of meeting", "meetings", teamID, id, []string{teambot.MeetingScheduled},
		teambot.ErrMeetingStatus, `agenda = ?`, agenda)
}

// CloseMeeting moves a scheduled meeting to teambot.MeetingHeld or
// teambot.MeetingCancelled (note: why); one that is no longer scheduled
// wraps teambot.ErrMeetingStatus.
func (tx *Tx) CloseMeeting(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error {
	if status != teambot.MeetingHeld && status != teambot.MeetingCancelled {
		return fmt.Errorf("close meeting %d: status %q is not an end", id, status)
	}
	return tx.transition(ctx, "close meeting", "meetings", teamID, id, []string{teambot.MeetingScheduled}, teambot.ErrMeetingStatus,
		`status = ?, closed_by = ?, note = ?, closed_at = ?`, status, by, note, utc(at))
}

// ReopenMeeting makes a cancelled meeting scheduled again, as if it had
// never been cancelled; one in another status wraps
// teambot.ErrMeetingStatus.
func (tx *Tx) ReopenMeeting(ctx context.Context, teamID, id int64) error {
	return tx.transition(ctx, "reopen meeting", "meetings", teamID, id, []string{teambot.MeetingCancelled}, teambot.ErrMeetingStatus,
		`status = ?, closed_by = '', note = '', closed_at = NULL`, teambot.MeetingScheduled)
}

type attendanceRow struct {
	MeetingID int64     `db:"meeting_id"`
	MemberID  int64     `db:"member_id"`
	UserID    string    `db:"user_id"`
	Name      string    `db:"name"`
	StartsAt  time.Time `db:"starts_at"`
	Status    string    `db:"status"`
	At        time.Time `db:"recorded_at"`
	By        string    `db:"by_user"`
}

const attendanceSelect = `SELECT a.meeting_id, a.member_id, m.user_id, m.name, g.starts_at, a.status, a.recorded_at, a.by_user
	FROM meeting_attendance a JOIN members m ON m.id = a.member_id JOIN meetings g ON g.id = a.meeting_id`

func attendances(rows []attendanceRow) []teambot.Attendance {
	out := make([]teambot.Attendance, len(rows))
	for i, r := range rows {
		out[i] = teambot.Attendance{MeetingID: r.MeetingID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
			StartsAt: r.StartsAt.UTC(), Status: r.Status, At: r.At.UTC(), By: r.By}
	}
	return out
}

// RecordAttendance stores a member's record of a meeting; a second record
// of the same member and meeting is teambot.ErrDuplicate.
func (tx *Tx) RecordAttendance(ctx context.Context, teamID int64, a teambot.Attendance) error {
	_, err := tx.exec(ctx, `INSERT INTO meeting_attendance (team_id, meeting_id, member_id, status, recorded_at, by_user)
		VALUES (?, ?, ?, ?, ?, ?)`, teamID, a.MeetingID, a.MemberID, a.Status, utc(a.At), a.By)
	if err != nil {
		return fmt.Errorf("record %s of member %d at meeting %d: %w", a.Status, a.MemberID, a.MeetingID, err)
	}
	return nil
}

// ExcuseAbsence turns a member's absence from a meeting into an excused
// one; a record that is not an absence wraps teambot.ErrMeetingStatus.
func (tx *Tx) ExcuseAbsence(ctx context.Context, teamID, meetingID, memberID int64, by string, at time.Time) error {
	n, err := tx.exec(ctx, `UPDATE meeting_attendance SET status = 'excused', recorded_at = ?, by_user = ?
		WHERE team_id = ? AND meeting_id = ? AND member_id = ? AND status = 'absent'`, utc(at), by, teamID, meetingID, memberID)
	if err != nil {
		return fmt.Errorf("excuse member %d at meeting %d: %w", memberID, meetingID, err)
	}
	if n == 0 {
		return fmt.Errorf("excuse member %d at meeting %d: no absence: %w", memberID, meetingID, teambot.ErrMeetingStatus)
	}
	return nil
}

// CorrectAttendance records a member the supervisor says attended a held
// meeting as present, replacing an absence or an excuse; a member already
// recorded present or late wraps teambot.ErrMeetingStatus.
func (tx *Tx) CorrectAttendance(ctx context.Context, teamID, meetingID, memberID int64, by string, at time.Time) error {
	n, err := tx.exec(ctx, `UPDATE meeting_attendance SET status = 'present', recorded_at = ?, by_user = ?
		WHERE team_id = ? AND meeting_id = ? AND member_id = ? AND status IN ('absent', 'excused')`, utc(at), by, teamID, meetingID, memberID)
	if err != nil {
		return fmt.Errorf("correct member %d at meeting %d: %w", memberID, meetingID, err)
	}
	if n == 0 {
		return fmt.Errorf("correct member %d at meeting %d: not absent: %w", memberID, meetingID, teambot.ErrMeetingStatus)
	}
	return nil
}

// MeetingAttendance lists a meeting's records, by name.
func (tx *Tx) MeetingAttendance(ctx context.Context, teamID, meetingID int64) ([]teambot.Attendance, error) {
	var rows []attendanceRow
	if err := tx.selectRows(ctx, &rows, attendanceSelect+` WHERE a.team_id = ? AND a.meeting_id = ? ORDER BY a.recorded_at, m.name`, teamID, meetingID); err != nil {
		return nil, fmt.Errorf("attendance of meeting %d: %w", meetingID, err)
	}
	return attendances(rows), nil
}

// MemberAttendance lists a member's records of held meetings, newest
// first, at most limit of them. Cancelled meetings never count, and
// meetings still scheduled are not settled yet.
func (tx *Tx) MemberAttendance(ctx context.Context, teamID, memberID int64, limit int) ([]teambot.Attendance, error) {
	var rows []attendanceRow
	if err := tx.selectRows(ctx, &rows, attendanceSelect+` WHERE a.team_id = ? AND a.member_id = ? AND g.status = 'held'
		ORDER BY g.starts_at DESC LIMIT ?`, teamID, memberID, limit); err != nil {
		return nil, fmt.Errorf("attendance of member %d: %w", memberID, err)
	}
	return attendances(rows), nil
}

type proposalRow struct {
	ID        int64        `db:"id"`
	TeamID    int64        `db:"team_id"`
	MemberID  int64        `db:"member_id"`
	UserID    string       `db:"user_id"`
	Name      string       `db:"name"`
	First     int64        `db:"first_meeting_id"`
	Second    int64        `db:"second_meeting_id"`
	FirstAt   time.Time    `db:"first_at"`
	SecondAt  time.Time    `db:"second_at"`
	Status    string       `db:"status"`
	CreatedAt time.Time    `db:"created_at"`
	DecidedBy string       `db:"decided_by"`
	DecidedAt sql.NullTime `db:"decided_at"`
}

const proposalSelect = `SELECT p.id, p.team_id, p.member_id, m.user_id, m.name, p.first_meeting_id, p.second_meeting_id,
	f.starts_at AS first_at, s.starts_at AS second_at, p.status, p.created_at, p.decided_by, p.decided_at
	FROM meeting_proposals p JOIN members m ON m.id = p.member_id
	JOIN meetings f ON f.id = p.first_meeting_id JOIN meetings s ON s.id = p.second_meeting_id`

// CreateMeetingProposal stores a proposal to warn a member for two
// absences in a row, unless one for the same member and second absence
// exists: created says whether this call stored it (and set p.ID).
func (tx *Tx) CreateMeetingProposal(ctx context.Context, p *teambot.MeetingProposal) (created bool, err error) {
	var ids []int64
	err = tx.selectRows(ctx, &ids, `INSERT INTO meeting_proposals (team_id, member_id, first_meeting_id, second_meeting_id, status, created_at)
		VALUES (?, ?, ?, ?, 'proposed', ?) ON CONFLICT (member_id, second_meeting_id) DO NOTHING RETURNING id`,
		p.TeamID, p.MemberID, p.FirstMeetingID, p.SecondMeetingID, utc(p.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("propose warning for member %d after meeting %d: %w", p.MemberID, p.SecondMeetingID, err)
	}
	if len(ids) == 0 {
		return false, nil
	}
	p.ID, p.Status = ids[0], teambot.ProposalProposed
	return true, nil
}

// MeetingProposals lists a team's proposals in the given statuses (all
// when none), oldest first.
func (tx *Tx) MeetingProposals(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingProposal, error) {
	where, args := "p.team_id = ?", []any{teamID}
	if len(statuses) > 0 {
		where += " AND p.status IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ") + ")"
		for _, s := range statuses {
			args = append(args, s)
		}
	}
	var rows []proposalRow
	if err := tx.selectRows(ctx, &rows, proposalSelect+` WHERE `+where+` ORDER BY p.id`, args...); err != nil {
		return nil, fmt.Errorf("meeting proposals of team %d: %w", teamID, err)
	}
	out := make([]teambot.MeetingProposal, len(rows))
	for i, r := range rows {
		out[i] = teambot.MeetingProposal{ID: r.ID, TeamID: r.TeamID, MemberID: r.MemberID, UserID: r.UserID, Name: r.Name,
			FirstMeetingID: r.First, SecondMeetingID: r.Second, FirstAt: r.FirstAt.UTC(), SecondAt: r.SecondAt.UTC(),
			Status: r.Status, CreatedAt: r.CreatedAt.UTC(), DecidedBy: r.DecidedBy}
		if r.DecidedAt.Valid {
			out[i].DecidedAt = r.DecidedAt.Time.UTC()
		}
	}
	return out, nil
}

// DismissMeetingProposals dismisses a member's open proposals that rest on
// their absence from meetingID, and says how many there were.
func (tx *Tx) DismissMeetingProposals(ctx context.Context, teamID, memberID, meetingID int64, by string, at time.Time) (int64, error) {
	n, err := tx.exec(ctx, `UPDATE meeting_proposals SET status = 'dismissed', decided_by = ?, decided_at = ?
		WHERE team_id = ? AND member_id = ? AND status = 'proposed' AND (first_meeting_id = ? OR second_meeting_id = ?)`,
		by, utc(at), teamID, memberID, meetingID, meetingID)
	if err != nil {
		return 0, fmt.Errorf("dismiss proposals of member %d on meeting %d: %w", memberID, meetingID, err)
	}
	return n, nil
}

type disputeRow struct {
	ID           int64        `db:"id"`
	TeamID       int64        `db:"team_id"`
	MeetingID    int64        `db:"meeting_id"`
	MemberID     int64        `db:"member_id"`
	UserID       string       `db:"user_id"`
	Name         string       `db:"name"`
	StartsAt     time.Time    `db:"starts_at"`
	Reason       string       `db:"reason"`
	Status       string       `db:"status"`
	CreatedAt    time.Time    `db:"created_at"`
	DecidedBy    string       `db:"decided_by"`
	DecisionNote string       `db:"decision_note"`
	DecidedAt    sql.NullTime `db:"decided_at"`
}

func (r disputeRow) dispute() teambot.MeetingDispute {
	d := teambot.MeetingDispute{ID: r.ID, TeamID: r.TeamID, MeetingID: r.MeetingID, MemberID: r.MemberID, UserID: r.UserID,
		Name: r.Name, StartsAt: r.StartsAt.UTC(), Reason: r.Reason, Status: r.Status, CreatedAt: r.CreatedAt.UTC(),
		DecidedBy: r.DecidedBy, DecisionNote: r.DecisionNote}
	if r.DecidedAt.Valid {
		d.DecidedAt = r.DecidedAt.Time.UTC()
	}
	return d
}

const disputeSelect = `SELECT d.id, d.team_id, d.meeting_id, d.member_id, m.user_id, m.name, g.starts_at, d.reason, d.status,
	d.created_at, d.decided_by, d.decision_note, d.decided_at
	FROM meeting_disputes d JOIN members m ON m.id = d.member_id JOIN meetings g ON g.id = d.meeting_id`

// CreateMeetingDispute stores a pending dispute and sets d.ID and
// d.Status; a second one of the same member and meeting is
// teambot.ErrDuplicate.
func (tx *Tx) CreateMeetingDispute(ctx context.Context, d *teambot.MeetingDispute) error {
	id, err := tx.insert(ctx, `INSERT INTO meeting_disputes (team_id, meeting_id, member_id, reason, status, created_at)
		VALUES (?, ?, ?, ?, 'pending', ?)`, d.TeamID, d.MeetingID, d.MemberID, d.Reason, utc(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("dispute absence of member %d at meeting %d: %w", d.MemberID, d.MeetingID, err)
	}
	d.ID, d.Status, d.CreatedAt = id, teambot.DisputePending, utc(d.CreatedAt)
	return nil
}

// MeetingDisputeByID finds one dispute of a team.
func (tx *Tx) MeetingDisputeByID(ctx context.Context, teamID, id int64) (teambot.MeetingDispute, error) {
	var r disputeRow
	if err := tx.get(ctx, &r, disputeSelect+` WHERE d.team_id = ? AND d.id = ?`, teamID, id); err != nil {
		return teambot.MeetingDispute{}, fmt.Errorf("dispute %d of team %d: %w", id, teamID, err)
	}
	return r.dispute(), nil
}

// MeetingDisputes lists a team's disputes in the given statuses (all when
// none), oldest first.
func (tx *Tx) MeetingDisputes(ctx context.Context, teamID int64, statuses ...string) ([]teambot.MeetingDispute, error) {
	where, args := "d.team_id = ?", []any{teamID}
	if len(statuses) > 0 {
		where += " AND d.status IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ") + ")"
		for _, s := range statuses {
			args = append(args, s)
		}
	}
	var rows []disputeRow
	if err := tx.selectRows(ctx, &rows, disputeSelect+` WHERE `+where+` ORDER BY d.id`, args...); err != nil {
		return nil, fmt.Errorf("disputes of team %d: %w", teamID, err)
	}
	out := make([]teambot.MeetingDispute, len(rows))
	for i, r := range rows {
		out[i] = r.dispute()
	}
	return out, nil
}

// DecideMeetingDispute approves or rejects a pending dispute; one decided
// already wraps teambot.ErrMeetingStatus.
func (tx *Tx) DecideMeetingDispute(ctx context.Context, teamID, id int64, status, by, note string, at time.Time) error {
	if status != teambot.DisputeApproved && status != teambot.DisputeRejected {
		return fmt.Errorf("decide dispute %d: status %q is not a decision", id, status)
	}
	return tx.transition(ctx, "decide dispute", "meeting_disputes", teamID, id, []string{teambot.DisputePending}, teambot.ErrMeetingStatus,
		`status = ?, decided_by = ?, decision_note = ?, decided_at = ?`, status, by, note, utc(at))
}
