package scheduler

import (
	"context"
	"fmt"
	"time"
)

// Stepper is a job that can say when it next has work due, so that Play
// ticks at those instants instead of every few seconds.
type Stepper interface {
	// NextDue is the earliest instant in (after, until] at which the job
	// has work due; ok is false when it has none in that span.
	NextDue(ctx context.Context, after, until time.Time) (at time.Time, ok bool, err error)
}

// Play replays the span (from, to] as serve would have lived it: at each
// instant at which a job that is a Stepper has work due, in order, set
// moves the clock (s.Now) there and every job ticks once, the outbox
// included, so each firing is sent at its own time and none is ever
// "missed while the bot was down". before, when not nil, is called with
// each instant just before its tick. Jobs that are no Stepper (the outbox,
// pruning) tick only at those instants. Play does not tick at to itself.
func (s *Scheduler) Play(ctx context.Context, from, to time.Time, set func(time.Time), before func(time.Time)) error {
	for cur := from; ctx.Err() == nil; {
		next, ok, err := s.nextDue(ctx, cur, to)
		if err != nil || !ok {
			return err
		}
		set(next)
		if before != nil {
			before(next)
		}
		s.Tick(ctx)
		cur = next
	}
	return ctx.Err()
}

// nextDue is the earliest instant in (after, until] at which one of the
// jobs has work due. Each job is asked only up to the earliest found so
// far: the reminders, first in the list, bound the search of the others.
func (s *Scheduler) nextDue(ctx context.Context, after, until time.Time) (time.Time, bool, error) {
	found := false
	for _, j := range s.Jobs {
		st, ok := j.(Stepper)
		if !ok {
			continue
		}
		at, ok, err := st.NextDue(ctx, after, until)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s: next due: %w", j.Name(), err)
		}
		if !ok {
			continue
		}
		if !at.After(after) || at.After(until) {
			return time.Time{}, false, fmt.Errorf("%s: next due %s is outside (%s, %s]", j.Name(),
				at.Format(time.RFC3339), after.Format(time.RFC3339), until.Format(time.RFC3339))
		}
		until, found = at, true
	}
	return until, found, nil
}

// FuncNext makes a Job from a name, a function and the NextDue of its
// work, so that Play ticks it at its instants.
func FuncNext(name string, run func(ctx context.Context, now time.Time) error,
	next func(ctx context.Context, after, until time.Time) (time.Time, bool, error)) Job {
	return stepFunc{funcJob{name, run}, next}
}

type stepFunc struct {
	funcJob
	next func(ctx context.Context, after, until time.Time) (time.Time, bool, error)
}

func (f stepFunc) NextDue(ctx context.Context, after, until time.Time) (time.Time, bool, error) {
	return f.next(ctx, after, until)
}
