// Package scheduler runs the bot's timed work: on every tick it asks each job
// what is due at the clock's current time and runs it. The clock and the
// tick are injected, so tests drive time instead of waiting for it.
package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is timed work. Run is called on every tick with the current time and
// decides for itself whether anything is due.
type Job interface {
	Name() string
	Run(ctx context.Context, now time.Time) error
}

// Scheduler ticks its jobs.
type Scheduler struct {
	Every time.Duration    // time between ticks, e.g. 15 s
	Now   func() time.Time // the clock
	Jobs  []Job
	Log   *slog.Logger
	// Metrics, when set, counts ticks and times each job.
	Metrics *Metrics
}

// Run ticks until ctx ends, once at start and then every s.Every (or the
// job's own Interval, when it has one). Each job ticks in its own loop, so a long pass of one (the reminders of thousands
// of teams) never holds another (the outbox sending what was claimed); a
// job never runs concurrently with itself, and a tick it is still busy
// for is dropped. A job's error or panic is logged and does not stop the
// others.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i, j := range s.Jobs {
		every := s.Every
		if own, ok := j.(interface{ Interval() time.Duration }); ok && own.Interval() > 0 {
			every = own.Interval()
		}
		wg.Go(func() {
			s.loop(ctx, every, func(now time.Time) {
				if i == 0 { // the tick metric follows the first job's loop: a stuck job stops it
					s.Metrics.tick(now)
				}
				s.runJob(ctx, j, now)
			})
		})
	}
	wg.Wait()
}

// loop calls fn with the clock's time now and then every interval until
// ctx ends.
func (s *Scheduler) loop(ctx context.Context, every time.Duration, fn func(now time.Time)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		fn(s.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick runs every job once at the clock's current time, one after another
// (tests drive time this way).
func (s *Scheduler) Tick(ctx context.Context) {
	now := s.Now()
	s.Metrics.tick(now)
	for _, j := range s.Jobs {
		s.runJob(ctx, j, now)
	}
}

func (s *Scheduler) runJob(ctx context.Context, j Job, now time.Time) {
	started, failed := time.Now(), true // the job's own time, on the wall clock
	defer func() {
		if p := recover(); p != nil {
			s.Log.Error("scheduled job panicked", "job", j.Name(), "panic", p)
		}
		s.Metrics.job(j.Name(), time.Since(started), failed)
	}()
	if err := j.Run(ctx, now); err != nil {
		s.Log.Error("scheduled job failed", "job", j.Name(), "err", err)
		return
	}
	failed = false
}

// Func makes a Job from a name and a function.
func Func(name string, run func(ctx context.Context, now time.Time) error) Job {
	return funcJob{name, run}
}

type funcJob struct {
	name string
	run  func(ctx context.Context, now time.Time) error
}

func (f funcJob) Name() string                                 { return f.name }
func (f funcJob) Run(ctx context.Context, now time.Time) error { return f.run(ctx, now) }
