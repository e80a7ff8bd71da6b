package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

var (
	w47 = teambot.Week{Year: 2026, Week: 47}
	w48 = teambot.Week{Year: 2026, Week: 48}
	w49 = teambot.Week{Year: 2026, Week: 49}
)

func submit(t *testing.T, db *storage.DB, r teambot.Report) teambot.Report {
	t.Helper()
	update(t, db, func(tx *storage.Tx) error { return tx.SubmitReport(ctx, &r) })
	return r
}

// summary prints reports compactly for comparison.
func summary(rs []teambot.Report) string {
	var s string
	for _, r := range rs {
		s += fmt.Sprintf("[%s %s v%d %q late=%v] ", r.Week, r.UserID, r.Version, r.Text, r.Late)
	}
	return s
}

// Every version is kept; the first decides whether the week's report is on
// time (R4), so a later version passed as late is stored on time.
func TestSubmitReportKeepsHistory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		li := mustMember(t, db, team.ID, "lisi", "李四")

		first := submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "第一版", SubmittedAt: t0})
		if first.ID == 0 || first.Version != 1 {
			t.Fatalf("first submission: %+v, want an id and version 1", first)
		}
		second := submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "第二版",
			SubmittedAt: t0.Add(time.Hour), Late: true})
		if second.Version != 2 || second.Late {
			t.Errorf("second submission has version %d, late=%v; want 2, on time like the first (R4)", second.Version, second.Late)
		}
		submit(t, db, teambot.Report{TeamID: team.ID, MemberID: li.ID, Week: w48, Text: "李四的", SubmittedAt: t0})
		submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w47, Text: "上周的", SubmittedAt: t0})

		var current, history, between []teambot.Report
		update(t, db, func(tx *storage.Tx) (err error) {
			if current, err = tx.CurrentReports(ctx, team.ID, w48); err != nil {
				return err
			}
			if between, err = tx.CurrentReportsBetween(ctx, team.ID, w47, w49); err != nil {
				return err
			}
			history, err = tx.ReportHistory(ctx, team.ID, zhang.ID, w47, w48)
			return err
		})
		if got, want := summary(current), `[2026-W48 zhangsan v2 "第二版" late=false] [2026-W48 lisi v1 "李四的" late=false] `; got != want {
			t.Errorf("CurrentReports:\n got %s\nwant %s", got, want)
		}
		if got, want := summary(between), `[2026-W47 zhangsan v1 "上周的" late=false] [2026-W48 zhangsan v2 "第二版" late=false] [2026-W48 lisi v1 "李四的" late=false] `; got != want {
			t.Errorf("CurrentReportsBetween:\n got %s\nwant %s", got, want)
		}
		if got, want := summary(history), `[2026-W47 zhangsan v1 "上周的" late=false] [2026-W48 zhangsan v1 "第一版" late=false] [2026-W48 zhangsan v2 "第二版" late=false] `; got != want {
			t.Errorf("ReportHistory:\n got %s\nwant %s", got, want)
		}
		r := current[0]
		if r.Name != "张三" || r.TeamID != team.ID || r.MemberID != zhang.ID || !r.SubmittedAt.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) || r.SubmittedAt.Location() != time.UTC {
			t.Errorf("current report = %+v", r)
		}
	})
}

// At most one current version per member and week, whatever the caller:
// the partial unique index refuses a second one.
func TestOneCurrentReportIsADatabaseConstraint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "v1", SubmittedAt: t0})
		err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO reports (team_id, member_id, week, version, text, submitted_at)
				VALUES (?, ?, ?, 2, 'sneaky', ?)`, team.ID, zhang.ID, w48, t0)
			return err
		})
		if !errors.Is(err, teambot.ErrDuplicate) {
			t.Fatalf("raw insert of a second current version: err = %v, want ErrDuplicate", err)
		}
		// A superseded row next to the current one is history, and allowed.
		update(t, db, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO reports (team_id, member_id, week, version, text, submitted_at, superseded_at)
				VALUES (?, ?, ?, 7, 'old', ?, ?)`, team.ID, zhang.ID, w48, t0, t0)
			return err
		})
		// A report for a member of another team is refused by the foreign key.
		other := mustTeam(t, db, "chat-2")
		err = db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SubmitReport(ctx, &teambot.Report{TeamID: other.ID, MemberID: zhang.ID, Week: w48, Text: "x", SubmittedAt: t0})
		})
		if err == nil {
			t.Error("report pointing at another team's member was accepted")
		}
		// A malformed week never reaches the table.
		err = db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO reports (team_id, member_id, week, version, text, submitted_at)
				VALUES (?, ?, '2026-48', 1, 'x', ?)`, team.ID, zhang.ID, t0)
			return err
		})
		if err == nil {
			t.Error("a report for week '2026-48' was accepted")
		}
	})
}

func TestCloseWeek(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		zhang := mustMember(t, db, team.ID, "zhangsan", "张三")
		var closed bool
		update(t, db, func(tx *storage.Tx) (err error) { _, closed, err = tx.WeekClosed(ctx, team.ID, w47); return err })
		if closed {
			t.Fatal("a week nobody closed is closed")
		}
		c := teambot.WeekClosure{TeamID: team.ID, Week: w47, ClosedAt: t0, ClosedBy: "wangfang"}
		update(t, db, func(tx *storage.Tx) error { return tx.CloseWeek(ctx, c) })
		var got teambot.WeekClosure
		update(t, db, func(tx *storage.Tx) (err error) { got, closed, err = tx.WeekClosed(ctx, team.ID, w47); return err })
		want := c
		want.ClosedAt = t0.UTC().Truncate(time.Microsecond)
		if !closed || got != want {
			t.Errorf("WeekClosed = %+v, %v; want %+v, true", got, closed, want)
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CloseWeek(ctx, c) }); !errors.Is(err, teambot.ErrDuplicate) {
			t.Errorf("closing twice: err = %v, want ErrDuplicate", err)
		}
		// The database refuses a report for a closed week; the next is open.
		err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SubmitReport(ctx, &teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w47, Text: "迟了", SubmittedAt: t0})
		})
		if err == nil {
			t.Error("a report for a closed week was stored")
		}
		submit(t, db, teambot.Report{TeamID: team.ID, MemberID: zhang.ID, Week: w48, Text: "本周", SubmittedAt: t0})
		// Closing is per team.
		other := mustTeam(t, db, "chat-2")
		update(t, db, func(tx *storage.Tx) (err error) { _, closed, err = tx.WeekClosed(ctx, other.ID, w47); return err })
		if closed {
			t.Error("closing a week in one team closed it in another")
		}
	})
}

func TestReportDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		team := mustTeam(t, db, "chat-1")
		var d teambot.WeeklyDeadline
		update(t, db, func(tx *storage.Tx) (err error) { d, err = tx.ReportDeadline(ctx, team.ID); return err })
		if d != teambot.DefaultReportDeadline {
			t.Errorf("a new team's deadline is %+v, want Friday 18:00", d)
		}
		for _, want := range []teambot.WeeklyDeadline{
			{Weekday: time.Sunday, Hour: 23, Minute: 59},
			{Weekday: time.Monday, Hour: 0, Minute: 0},
			{Weekday: time.Thursday, Hour: 9, Minute: 30},
		} {
			update(t, db, func(tx *storage.Tx) error { return tx.SetReportDeadline(ctx, team.ID, want) })
			update(t, db, func(tx *storage.Tx) (err error) { d, err = tx.ReportDeadline(ctx, team.ID); return err })
			if d != want {
				t.Errorf("deadline = %+v, want %+v", d, want)
			}
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetReportDeadline(ctx, team.ID, teambot.WeeklyDeadline{Weekday: time.Friday, Hour: 24})
		}); err == nil {
			t.Error("a deadline at 24:00 was accepted")
		}
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetReportDeadline(ctx, team.ID+100, teambot.DefaultReportDeadline)
		}); !errors.Is(err, teambot.ErrNotFound) {
			t.Errorf("SetReportDeadline(unknown team): err = %v, want ErrNotFound", err)
		}
		// The database itself refuses a day outside Monday 1 … Sunday 7.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE teams SET report_due_day = 0 WHERE id = ?`, team.ID)
			return err
		}); err == nil {
			t.Error("report_due_day 0 was accepted")
		}
	})
}
