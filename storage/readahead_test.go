package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A read-ahead answers exactly what the plain reads answer, for every team
// it read and every week and leave span around now it covers; anything
// else, and everything once the transaction wrote, goes to the database.
func TestReadAheadAnswersAsTheDatabase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)) // Monday of W49
		var teams []teambot.Team
		for i := range 3 {
			team := mustTeam(t, db, fmt.Sprintf("ahead-%d", i))
			teams = append(teams, team)
			a := mustMember(t, db, team.ID, "a", "甲", teambot.RoleCopywriter, teambot.RoleDesigner)
			b := mustMember(t, db, team.ID, "b", "乙")
			if i == 2 {
				continue // a team without reports, leave, days or closures
			}
			update(t, db, func(tx *storage.Tx) error {
				for _, r := range []teambot.Report{
					{TeamID: team.ID, MemberID: a.ID, Week: w48, Text: "上周", SubmittedAt: t0},
					{TeamID: team.ID, MemberID: a.ID, Week: w48, Text: "上周改", SubmittedAt: t0.Add(time.Hour)}, // supersedes
					{TeamID: team.ID, MemberID: b.ID, Week: w49, Text: "本周", SubmittedAt: t0},
					{TeamID: team.ID, MemberID: b.ID, Week: w47, Text: "前周", SubmittedAt: t0},
				} {
					if err := tx.SubmitReport(ctx, &r); err != nil {
						return err
					}
				}
				if err := tx.CloseWeek(ctx, teambot.WeekClosure{TeamID: team.ID, Week: w48, ClosedAt: t0, ClosedBy: "a"}); err != nil {
					return err
				}
				if err := tx.SetTeamDay(ctx, team.ID, teambot.DayOverride{Date: teambot.Date{Year: 2026, Month: 12, Day: 2}, Off: true, Note: "团建"}); err != nil {
					return err
				}
				for _, l := range []teambot.Leave{
					{TeamID: team.ID, MemberID: a.ID, From: day(11, 23), To: day(11, 27)}, // last week
					{TeamID: team.ID, MemberID: b.ID, From: day(11, 27), To: day(12, 1)},  // across
					{TeamID: team.ID, MemberID: a.ID, From: day(11, 30), To: day(11, 30), Half: teambot.HalfMorning},
					{TeamID: team.ID, MemberID: b.ID, From: day(12, 20), To: day(12, 21)}, // beyond the span
					{TeamID: team.ID, MemberID: a.ID, From: day(12, 3), To: day(12, 3)},   // left pending
				} {
					if err := tx.CreateLeave(ctx, &l); err != nil {
						return err
					}
					if l.From != day(12, 3) {
						if err := tx.DecideLeave(ctx, team.ID, l.ID, teambot.LeaveApproved, "a", "", t0); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
		ids := []int64{teams[0].ID, teams[1].ID, teams[2].ID}

		// What a reminder may ask, for each team; the last week and leave
		// span lie outside what a read-ahead covers.
		type answers struct {
			Team     teambot.Team
			Deadline teambot.WeeklyDeadline
			Days     []teambot.DayOverride
			Members  []teambot.Member
			Leaves   [][]teambot.Leave
			Closed   []bool
			Reports  [][]teambot.Report
		}
		spans := [][2]teambot.Date{{day(11, 30), day(12, 6)}, {day(11, 23), day(11, 29)},
			{day(11, 30), day(11, 30)}, {day(12, 14), day(12, 31)}}
		weeks := []teambot.Week{w49, w48, w47}
		read := func(tx reader, team teambot.Team) (a answers, err error) {
			if a.Team, err = tx.TeamByChat(ctx, team.ChatID); err != nil {
				return a, err
			}
			if a.Deadline, err = tx.ReportDeadline(ctx, team.ID); err != nil {
				return a, err
			}
			if a.Days, err = tx.TeamDays(ctx, team.ID); err != nil {
				return a, err
			}
			if a.Members, err = tx.ActiveMembers(ctx, team.ID); err != nil {
				return a, err
			}
			for _, s := range spans {
				ls, err := tx.Leaves(ctx, teambot.LeaveFilter{TeamID: team.ID, From: s[0], To: s[1], Statuses: []string{teambot.LeaveApproved}})
				if err != nil {
					return a, err
				}
				a.Leaves = append(a.Leaves, ls)
			}
			for _, w := range weeks {
				_, closed, err := tx.WeekClosed(ctx, team.ID, w)
				if err != nil {
					return a, err
				}
				rs, err := tx.CurrentReports(ctx, team.ID, w)
				if err != nil {
					return a, err
				}
				a.Closed, a.Reports = append(a.Closed, closed), append(a.Reports, rs)
			}
			return a, nil
		}
		update(t, db, func(tx *storage.Tx) error {
			ahead, err := tx.ReadAhead(ctx, ids, now)
			if err != nil {
				return err
			}
			atx := ahead.With(tx)
			// What a week's reminders ask, within the span, is answered
			// without a statement.
			before := tx.Statements()
			if _, err := read(atx, teams[0]); err != nil {
				return err
			}
			if n := tx.Statements() - before; n != 1 {
				t.Errorf("the read-ahead sent %d statements for one team's questions, want 1 (the leave span outside what it read)", n)
			}
			for _, team := range teams {
				want, err := read(tx, team)
				if err != nil {
					return err
				}
				got, err := read(atx, team)
				if err != nil {
					return err
				}
				// Printed, as an empty list and none are the same to a caller.
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Errorf("team %s read ahead:\n%+v\nfrom the database:\n%+v", team.ChatID, got, want)
				}
			}
			if first, err := read(atx, teams[0]); err != nil || len(first.Reports[0]) != 1 || len(first.Leaves[0]) != 2 {
				t.Fatalf("the fixture is not what the test expects: %+v, %v", first, err)
			}
			// A write: from then on the database answers, with the write.
			b, err := tx.ActiveMembers(ctx, teams[0].ID)
			if err != nil {
				return err
			}
			r := teambot.Report{TeamID: teams[0].ID, MemberID: b[0].ID, Week: w49, Text: "刚交", SubmittedAt: t0}
			if err := atx.SubmitReport(ctx, &r); err != nil {
				return err
			}
			got, err := atx.CurrentReports(ctx, teams[0].ID, w49)
			if err != nil {
				return err
			}
			if len(got) != 2 {
				t.Errorf("after a write the read-ahead answered %d reports of this week, want 2 (the database's)", len(got))
			}
			return nil
		})
	})
}

// reader is what a reminder may ask of a transaction.
type reader interface {
	TeamByChat(ctx context.Context, chatID string) (teambot.Team, error)
	ReportDeadline(ctx context.Context, teamID int64) (teambot.WeeklyDeadline, error)
	TeamDays(ctx context.Context, teamID int64) ([]teambot.DayOverride, error)
	ActiveMembers(ctx context.Context, teamID int64) ([]teambot.Member, error)
	Leaves(ctx context.Context, f teambot.LeaveFilter) ([]teambot.Leave, error)
	WeekClosed(ctx context.Context, teamID int64, week teambot.Week) (teambot.WeekClosure, bool, error)
	CurrentReports(ctx context.Context, teamID int64, week teambot.Week) ([]teambot.Report, error)
}

// teambot's PostgreSQL sessions run without JIT compiling (storage.ParseURL):
// a misestimated plan of a short statement would stall on compiling.
func TestPostgresSessionsRunWithoutJIT(t *testing.T) {
	db := storagetest.Postgres(t)
	var jit string
	err := db.Update(ctx, func(tx *storage.Tx) (err error) { jit, err = tx.CurrentSetting(ctx, "jit"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("jit = %q in teambot's session, want off", jit)
	}
}
