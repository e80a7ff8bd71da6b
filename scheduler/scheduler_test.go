package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"teambot/scheduler"
)

func TestTickRunsEveryJobDespiteFailures(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var seen []time.Time
	s := &scheduler.Scheduler{
		Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler),
		Jobs: []scheduler.Job{
			scheduler.Func("panics", func(context.Context, time.Time) error { panic("bug") }),
			scheduler.Func("fails", func(context.Context, time.Time) error { return errors.New("db down") }),
			scheduler.Func("records", func(_ context.Context, at time.Time) error { seen = append(seen, at); return nil }),
		},
	}
	s.Tick(context.Background())
	if len(seen) != 1 || !seen[0].Equal(now) {
		t.Errorf("last job saw %v, want one run at %v after the others failed", seen, now)
	}
}

// Run ticks at start and then every interval, and stops with its context.
// synctest's fake clock advances instantly, so nothing here waits.
func TestRunTicksOnSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var ticks []time.Duration
		s := &scheduler.Scheduler{
			Every: 15 * time.Second,
			Now:   time.Now,
			Log:   slog.New(slog.DiscardHandler),
			Jobs: []scheduler.Job{scheduler.Func("count", func(_ context.Context, at time.Time) error {
				ticks = append(ticks, at.Sub(start))
				return nil
			})},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
		defer cancel()
		s.Run(ctx)
		want := []time.Duration{0, 15 * time.Second, 30 * time.Second, 45 * time.Second}
		if len(ticks) != len(want) {
			t.Fatalf("ticks at %v, want %v", ticks, want)
		}
		for i := range want {
			if ticks[i] != want[i] {
				t.Errorf("tick %d at %v, want %v", i, ticks[i], want[i])
			}
		}
	})
}
