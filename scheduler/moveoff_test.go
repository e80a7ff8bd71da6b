package scheduler_test

import (
	"context"
	"testing"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A job with MoveOff (周报催交, R4) whose Friday is National Day 2026 fires
// where MoveOff puts it, back on Wednesday 9月30日, and not again on the
// nominal Friday; a daily job still never fires ahead of time.
func TestMoveOffMovesAFiringBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 27, 12, 0))
		compose := func(name string) func(context.Context, teambot.Firing) ([]teambot.Outgoing, error) {
			return func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup,
					Text: name + " " + f.At.In(shanghai).Format("2006-01-02 Mon 15:04")}}, nil
			}
		}
		var asked []string
		h.r.Jobs = append(h.r.Jobs,
			scheduler.JobDef{Name: "report_nag", Spec: "0 15 * * FRI", Workdays: true, Compose: compose("催交"),
				MoveOff: func(_ context.Context, f teambot.Firing, cal *calendar.Calendar) (time.Time, bool, error) {
					asked = append(asked, f.At.In(shanghai).Format("01-02 15:04"))
					return at(shanghai, 2026, 9, 30, 15, 0), true, nil
				}},
			scheduler.JobDef{Name: "daily", Spec: "0 15 * * *", Workdays: true, Compose: compose("每天")},
		)
		// One job after another, in this order: the queue's order is
		// fixed and MoveOff is not called from two workers at once.
		h.r.Ordered = true
		h.tick(at(shanghai, 2026, 9, 27, 12, 0))
		h.tick(at(shanghai, 2026, 9, 30, 14, 59))
		h.expectQueued()
		h.tick(at(shanghai, 2026, 9, 30, 15, 0))
		h.expectQueued("催交 2026-09-30 Wed 15:00", "每天 2026-09-30 Wed 15:00")
		h.tick(at(shanghai, 2026, 10, 2, 15, 0))
		h.expectQueued()
		if len(asked) == 0 || asked[0] != "10-02 15:00" {
			t.Errorf("MoveOff asked about %v, want the nominal Friday 10-02 15:00", asked)
		}
		// Friday 10月9日 is a workday: MoveOff is not asked and it fires
		// on its day.
		asked = nil
		h.tick(at(shanghai, 2026, 10, 9, 15, 0))
		h.expectQueued("催交 2026-10-09 Fri 15:00", "每天 2026-10-09 Fri 15:00")
		if len(asked) != 0 {
			t.Errorf("MoveOff asked about %v for a workday", asked)
		}
	})
}

// A firing MoveOff puts at the very start of its week (Monday 00:00) is
// sent at that instant, not found only at its nominal time and recorded
// as missed.
func TestMoveOffToTheStartOfTheWeek(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 27, 12, 0))
		h.r.Ordered = true
		h.r.Jobs = append(h.r.Jobs, scheduler.JobDef{Name: "report_nag", Spec: "0 0 * * FRI", Workdays: true,
			Compose: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup,
					Text: "催交 " + f.At.In(shanghai).Format("2006-01-02 Mon 15:04")}}, nil
			},
			MoveOff: func(_ context.Context, f teambot.Firing, cal *calendar.Calendar) (time.Time, bool, error) {
				return at(shanghai, 2026, 9, 28, 0, 0), true, nil // Monday 00:00 of National Day's week
			}})
		h.tick(at(shanghai, 2026, 9, 27, 23, 59))
		h.expectQueued()
		h.tick(at(shanghai, 2026, 9, 28, 0, 0))
		h.expectQueued("催交 2026-09-28 Mon 00:00")
	})
}
