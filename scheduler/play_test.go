package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// timeline is a Deliverer that writes each message under the clock's time.
type timeline struct {
	now  func() time.Time
	sent []string
}

func (l *timeline) Deliver(_ context.Context, _ teambot.Team, m teambot.Outgoing) error {
	l.sent = append(l.sent, l.now().In(shanghai).Format("01-02 Mon 15:04")+" "+m.Text)
	return nil
}

// Play ticks at each due instant in order, each with the clock set to it:
// the weekly reminder at its nominal time, or moved off National Day 2026
// to Thursday; the one-off firings (a meeting's 30-minute reminder, due
// until the meeting starts) at their own time; the outbox sends each at
// that time. Nothing is recorded missed, and nothing is due between the
// instants it stops at.
func TestPlayTicksAtEachDueInstant(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 27, 12, 0))
		var logged strings.Builder
		h.r.Log = slog.New(slog.NewTextHandler(&logged, nil))
		var clock time.Time
		now := func() time.Time { return clock }
		meetings := []time.Time{at(shanghai, 2026, 9, 29, 10, 0), at(shanghai, 2026, 10, 9, 14, 15)}
		oneoffs := &scheduler.Oneoffs{Label: "meeting-reminders", Store: scheduler.StoreOf(db.Update), Window: 30 * time.Minute,
			Due: func(_ context.Context, now time.Time) (due []teambot.Firing, _ error) {
				for _, m := range meetings {
					soon := m.Add(-30 * time.Minute)
					if !now.Before(soon) && now.Before(m) {
						due = append(due, teambot.Firing{TeamID: h.team.ID, ChatID: h.team.ChatID, Job: "meeting_soon", At: soon.UTC(), Subject: m.UTC()})
					}
				}
				return due, nil
			},
			Compose: func(_ context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
				return []teambot.Outgoing{{TeamID: f.TeamID, Channel: teambot.ToGroup, Text: "会前提醒 " + f.Subject.In(shanghai).Format("15:04")}}, nil
			},
		}
		line := &timeline{now: now}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		s := &scheduler.Scheduler{Now: now, Log: log, Jobs: []scheduler.Job{h.r, oneoffs,
			&scheduler.Outbox{Store: scheduler.StoreOf(db.Update), Deliverer: line, Log: log, Workers: 1}}}
		var ticks []string
		err := s.Play(ctx, at(shanghai, 2026, 9, 27, 12, 0), at(shanghai, 2026, 10, 13, 12, 0),
			func(t time.Time) { clock = t },
			func(t time.Time) { ticks = append(ticks, t.In(shanghai).Format("01-02 15:04")) })
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(ticks, ", "), "09-28 09:00, 09-29 09:30, 10-08 09:00, 10-09 13:45, 10-12 09:00"; got != want {
			t.Errorf("ticked at %s, want %s", got, want)
		}
		want := []string{
			"09-28 Mon 09:00 周报提醒 2026-09-28 Mon 09:00",
			"09-29 Tue 09:30 会前提醒 10:00",
			"10-08 Thu 09:00 周报提醒 2026-10-08 Thu 09:00", // Mon 10-05 to Wed 10-07 are National Day
			"10-09 Fri 13:45 会前提醒 14:15",
			"10-12 Mon 09:00 周报提醒 2026-10-12 Mon 09:00",
		}
		if got := strings.Join(line.sent, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("sent:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
		}
		if strings.Contains(logged.String(), "missed") {
			t.Errorf("a firing was recorded missed:\n%s", logged.String())
		}
	})
}

// Backward, or with nothing due, Play does not tick.
func TestPlayNothingDue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 9, 1, 12, 0))
		s := &scheduler.Scheduler{Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Jobs: []scheduler.Job{h.r}}
		ticked := 0
		for _, span := range [][2]time.Time{
			{at(shanghai, 2026, 9, 28, 9, 1), at(shanghai, 2026, 10, 5, 8, 59)}, // Monday 09:01 to the next Monday 08:59
			{at(shanghai, 2026, 10, 20, 0, 0), at(shanghai, 2026, 10, 1, 0, 0)}, // backward
		} {
			if err := s.Play(ctx, span[0], span[1], func(time.Time) {}, func(time.Time) { ticked++ }); err != nil {
				t.Fatal(err)
			}
		}
		if ticked != 0 {
			t.Errorf("ticked %d times, want none", ticked)
		}
	})
}
