package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"teambot"
)

// Ahead is what the reminders of many teams read, each kind of record read
// once for all of them: a team's row, report deadline, own days, active
// members, approved leave around now, and the closure and current reports
// of the weeks around now. Composing one team's 周报提醒 alone reads seven
// statements; a chunk of two hundred teams read ahead takes seven in all.
//
// It answers only what it read: a question outside it (another week, a
// leave filter of another shape, a team not read) goes to the database.
// Maps are not changed after ReadAhead returns, so several transactions may
// share one Ahead.
type Ahead struct {
	teams     map[int64]teambot.Team
	byChat    map[string]int64
	deadlines map[int64]teambot.WeeklyDeadline
	days      map[int64][]teambot.DayOverride
	members   map[int64][]teambot.Member
	leaves    map[int64][]teambot.Leave // approved, overlapping leaveFrom…leaveTo
	closed    map[teamWeek]teambot.WeekClosure
	reports   map[teamWeek][]teambot.Report

	leaveFrom, leaveTo teambot.Date
	weekFrom, weekTo   teambot.Week
}

type teamWeek struct {
	team int64
	week teambot.Week
}

// aheadSpan is how far around now a read-ahead covers leave (a week and a
// day each way: last week for a digest, this week to its Sunday) and weeks
// (back; a day ahead), in any time zone.
const aheadSpan = 8 * 24 * time.Hour

// ReadAhead reads, for the teams, what their reminders due at now read.
func (tx *Tx) ReadAhead(ctx context.Context, teamIDs []int64, now time.Time) (*Ahead, error) {
	a := &Ahead{
		teams: map[int64]teambot.Team{}, byChat: map[string]int64{}, deadlines: map[int64]teambot.WeeklyDeadline{},
		members: map[int64][]teambot.Member{}, leaves: map[int64][]teambot.Leave{},
		closed: map[teamWeek]teambot.WeekClosure{}, reports: map[teamWeek][]teambot.Report{},
		leaveFrom: teambot.DateOf(now.UTC().Add(-aheadSpan - 24*time.Hour)),
		leaveTo:   teambot.DateOf(now.UTC().Add(aheadSpan)), // this week's Sunday, in any zone
		weekFrom:  teambot.WeekOf(now.UTC().Add(-aheadSpan)),
		weekTo:    teambot.WeekOf(now.UTC().Add(24 * time.Hour)),
	}
	if len(teamIDs) == 0 {
		return a, nil
	}
	if err := a.readTeams(ctx, tx, teamIDs); err != nil {
		return nil, err
	}
	var err error
	if a.days, err = tx.DaysOfTeams(ctx, teamIDs); err != nil {
		return nil, err
	}
	if err := a.readMembers(ctx, tx, teamIDs); err != nil {
		return nil, err
	}
	if err := a.readLeaves(ctx, tx, teamIDs); err != nil {
		return nil, err
	}
	if err := a.readWeeks(ctx, tx, teamIDs); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Ahead) readTeams(ctx context.Context, tx *Tx, ids []int64) error {
	var rows []struct {
		teamRow
		DueDay    int `db:"report_due_day"`
		DueMinute int `db:"report_due_minute"`
	}
	if err := tx.selectIn(ctx, &rows, `SELECT `+teamColumns+`, report_due_day, report_due_minute FROM teams WHERE id IN (?)`, ids); err != nil {
		return fmt.Errorf("read ahead teams: %w", err)
	}
	for _, r := range rows {
		t := r.team()
		a.teams[t.ID], a.byChat[t.ChatID] = t, t.ID
		a.deadlines[t.ID] = teambot.WeeklyDeadline{Weekday: teambot.WeekdayOfISO(r.DueDay), Hour: r.DueMinute / 60, Minute: r.DueMinute % 60}
	}
	return nil
}

func (a *Ahead) readMembers(ctx context.Context, tx *Tx, ids []int64) error {
	var rows []memberRolesRow
	if err := tx.selectIn(ctx, &rows, `SELECT `+memberColumns+`, `+memberRoles+` AS roles FROM members m
		WHERE team_id IN (?) AND status = 'active' ORDER BY team_id, joined_at, id`, ids); err != nil {
		return fmt.Errorf("read ahead members: %w", err)
	}
	for _, r := range rows {
		a.members[r.TeamID] = append(a.members[r.TeamID], r.member())
	}
	return nil
}

func (a *Ahead) readLeaves(ctx context.Context, tx *Tx, ids []int64) error {
	var rows []leaveRow
	if err := tx.selectIn(ctx, &rows, leaveSelect+` WHERE l.team_id IN (?) AND l.status = ? AND l.to_day >= ? AND l.from_day <= ?
		ORDER BY l.team_id, l.from_day, l.id`, ids, teambot.LeaveApproved, a.leaveFrom, a.leaveTo); err != nil {
		return fmt.Errorf("read ahead leave: %w", err)
	}
	for _, l := range leaves(rows) {
		a.leaves[l.TeamID] = append(a.leaves[l.TeamID], l)
	}
	return nil
}

func (a *Ahead) readWeeks(ctx context.Context, tx *Tx, ids []int64) error {
	var closed []struct {
		TeamID   int64        `db:"team_id"`
		Week     teambot.Week `db:"week"`
		ClosedAt time.Time    `db:"closed_at"`
		ClosedBy string       `db:"closed_by"`
	}
	if err := tx.selectIn(ctx, &closed, `SELECT team_id, week, closed_at, closed_by FROM closed_weeks WHERE team_id IN (?) AND week BETWEEN ? AND ?`,
		ids, a.weekFrom, a.weekTo); err != nil {
		return fmt.Errorf("read ahead closed weeks: %w", err)
	}
	for _, c := range closed {
		a.closed[teamWeek{c.TeamID, c.Week}] = teambot.WeekClosure{TeamID: c.TeamID, Week: c.Week, ClosedAt: c.ClosedAt.UTC(), ClosedBy: c.ClosedBy}
	}
	var rows []reportRow
	if err := tx.selectIn(ctx, &rows, reportSelect+` WHERE r.team_id IN (?) AND r.week BETWEEN ? AND ? AND r.superseded_at IS NULL
		ORDER BY r.team_id, r.week, m.joined_at, m.id`, ids, a.weekFrom, a.weekTo); err != nil {
		return fmt.Errorf("read ahead reports: %w", err)
	}
	for _, r := range reports(rows) {
		k := teamWeek{r.TeamID, r.Week}
		a.reports[k] = append(a.reports[k], r)
	}
	return nil
}

// AheadTx is a transaction that answers from an Ahead what it read, until
// the transaction writes anything: from then on every read goes to the
// database, which has the write. It has every method of Tx.
type AheadTx struct {
	*Tx
	ahead  *Ahead
	writes int // tx.writes when it was made
}

// With makes tx answer from a what a read ahead.
func (a *Ahead) With(tx *Tx) *AheadTx { return &AheadTx{Tx: tx, ahead: a, writes: tx.writes} }

// fresh reports whether nothing was written since the read-ahead was
// attached.
func (t *AheadTx) fresh() bool { return t.Tx.writes == t.writes }

func (t *AheadTx) TeamByChat(ctx context.Context, chatID string) (teambot.Team, error) {
	if id, ok := t.ahead.byChat[chatID]; ok && t.fresh() {
		return t.ahead.teams[id], nil
	}
	return t.Tx.TeamByChat(ctx, chatID)
}

func (t *AheadTx) TeamByID(ctx context.Context, id int64) (teambot.Team, error) {
	if team, ok := t.ahead.teams[id]; ok && t.fresh() {
		return team, nil
	}
	return t.Tx.TeamByID(ctx, id)
}

func (t *AheadTx) ReportDeadline(ctx context.Context, teamID int64) (teambot.WeeklyDeadline, error) {
	if d, ok := t.ahead.deadlines[teamID]; ok && t.fresh() {
		return d, nil
	}
	return t.Tx.ReportDeadline(ctx, teamID)
}

func (t *AheadTx) TeamDays(ctx context.Context, teamID int64) ([]teambot.DayOverride, error) {
	if _, ok := t.ahead.teams[teamID]; ok && t.fresh() {
		return slices.Clone(t.ahead.days[teamID]), nil
	}
	return t.Tx.TeamDays(ctx, teamID)
}

func (t *AheadTx) ActiveMembers(ctx context.Context, teamID int64) ([]teambot.Member, error) {
	if _, ok := t.ahead.teams[teamID]; ok && t.fresh() {
		return cloneMembers(t.ahead.members[teamID]), nil
	}
	return t.Tx.ActiveMembers(ctx, teamID)
}

// Leaves answers the one shape reminders ask — a team's approved leave
// with a day in From…To, both set, within what was read — and leaves
// every other filter to the database.
func (t *AheadTx) Leaves(ctx context.Context, f teambot.LeaveFilter) ([]teambot.Leave, error) {
	a := t.ahead
	_, known := a.teams[f.TeamID]
	if !known || !t.fresh() || f.MemberID != 0 || f.From.IsZero() || f.To.IsZero() ||
		len(f.Statuses) != 1 || f.Statuses[0] != teambot.LeaveApproved ||
		f.From.Before(a.leaveFrom) || a.leaveTo.Before(f.To) {
		return t.Tx.Leaves(ctx, f)
	}
	var out []teambot.Leave
	for _, l := range a.leaves[f.TeamID] {
		if !l.To.Before(f.From) && !f.To.Before(l.From) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (t *AheadTx) WeekClosed(ctx context.Context, teamID int64, week teambot.Week) (teambot.WeekClosure, bool, error) {
	if t.covers(teamID, week) {
		c, ok := t.ahead.closed[teamWeek{teamID, week}]
		return c, ok, nil
	}
	return t.Tx.WeekClosed(ctx, teamID, week)
}

func (t *AheadTx) CurrentReports(ctx context.Context, teamID int64, week teambot.Week) ([]teambot.Report, error) {
	if t.covers(teamID, week) {
		return slices.Clone(t.ahead.reports[teamWeek{teamID, week}]), nil
	}
	return t.Tx.CurrentReports(ctx, teamID, week)
}

// covers reports whether the read-ahead has the team's records of week.
func (t *AheadTx) covers(teamID int64, week teambot.Week) bool {
	_, ok := t.ahead.teams[teamID]
	return ok && t.fresh() && !week.Before(t.ahead.weekFrom) && !t.ahead.weekTo.Before(week)
}

// cloneMembers copies members and their roles: a caller may change what
// it was given.
func cloneMembers(ms []teambot.Member) []teambot.Member {
	out := slices.Clone(ms)
	for i := range out {
		out[i].Roles = slices.Clone(out[i].Roles)
	}
	return out
}
