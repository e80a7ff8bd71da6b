package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"teambot"
)

// Oneoffs sends firings that no cron spec describes, such as the reminders
// before each meeting: Due says which are due now, and each is claimed
// exactly once by (team, job, subject) — the subject being, say, the
// meeting's start — in the same transaction that enqueues its messages, so
// any number of replicas may tick at the same instants.
type Oneoffs struct {
	// Label names these firings in logs and metrics, e.g.
	// "meeting-reminders"; default "oneoffs".
	Label string
	Store Store
	// Due lists the firings whose time has come and that still matter at
	// now, each with its Subject set; those claimed already are skipped.
	Due func(ctx context.Context, now time.Time) ([]teambot.Firing, error)
	// Compose builds a firing's messages; none means nothing to say.
	Compose func(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error)
	// Act, when set, replaces Compose for firings that change records, such
	// as a meeting closing itself at its end: it runs in the transaction
	// that claims the firing, after the claim, so the change, the claim and
	// the messages it returns commit together, once across replicas.
	Act func(ctx context.Context, tx Tx, f teambot.Firing) ([]teambot.Outgoing, error)
	// Split cuts an over-long text into parts, as for Reminders. nil: no
	// splitting.
	Split func(text string) []string
	// Window is how long at least every firing Due lists stays listed after
	// its time (a meeting's 30-minute reminder: until the meeting starts).
	// NextDue looks at Due this often; 0: NextDue finds nothing.
	Window time.Duration
	Log    *slog.Logger
	// Metrics, when set, counts the firings this process claims.
	Metrics *Metrics
}

// NextDue is the earliest time in (after, until] of a firing Due lists.
// Due only lists what is due at a given instant, so NextDue asks it at
// steps of Window from after: a firing due within a step is still listed at
// its end.
func (o *Oneoffs) NextDue(ctx context.Context, after, until time.Time) (time.Time, bool, error) {
	if o.Window <= 0 {
		return time.Time{}, false, nil
	}
	for t := after; t.Before(until); {
		if t = t.Add(o.Window); t.After(until) {
			t = until
		}
		due, err := o.Due(ctx, t)
		if err != nil {
			return time.Time{}, false, err
		}
		var first time.Time
		for _, f := range due {
			if f.At.After(after) && !f.At.After(t) && (first.IsZero() || f.At.Before(first)) {
				first = f.At
			}
		}
		if !first.IsZero() {
			return first, true, nil
		}
	}
	return time.Time{}, false, nil
}

func (o *Oneoffs) Name() string {
	if o.Label != "" {
		return o.Label
	}
	return "oneoffs"
}

// Run is one tick at now.
func (o *Oneoffs) Run(ctx context.Context, now time.Time) error {
	due, err := o.Due(ctx, now)
	if err != nil || len(due) == 0 {
		return err
	}
	var done map[teambot.FiringKey]bool
	err = o.Store.Update(ctx, func(tx Tx) (err error) {
		done, err = tx.FiringsOfTeams(ctx, teamsOf(due), earliest(due))
		return err
	})
	if err != nil {
		return err
	}
	// In a fixed order (by time, team, job), whatever order Due found them
	// in: a replay prints the firings of one minute the same way each time.
	slices.SortStableFunc(due, func(a, b teambot.Firing) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.TeamID, b.TeamID), cmp.Compare(a.Job, b.Job), a.Subject.Compare(b.Subject))
	})
	var errs []error
	for _, f := range due {
		key := teambot.FiringKey{TeamID: f.TeamID, Job: f.Job, Nominal: f.Subject.UTC()}
		if done[key] {
			continue
		}
		if err := o.fire(ctx, key, f, now); err != nil {
			errs = append(errs, fmt.Errorf("%s of team %d at %s: %w", f.Job, f.TeamID, key.Nominal.Format(time.RFC3339), err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("oneoffs: %d firings failed, first: %w", len(errs), errs[0])
	}
	return nil
}

// teamsOf lists the teams of the firings, each once.
func teamsOf(fs []teambot.Firing) []int64 {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.TeamID
	}
	return distinct(ids)
}

// distinct is ids without repeats, in the order first seen.
func distinct(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// earliest is the earliest subject of the firings.
func earliest(fs []teambot.Firing) time.Time {
	min := fs[0].Subject
	for _, f := range fs[1:] {
		if f.Subject.Before(min) {
			min = f.Subject
		}
	}
	return min
}

// fire composes the firing's messages (reading in their own transaction),
// then claims it and enqueues them in one transaction: if another replica
// claimed it first, nothing is enqueued.
func (o *Oneoffs) fire(ctx context.Context, key teambot.FiringKey, f teambot.Firing, now time.Time) error {
	var msgs []teambot.Outgoing
	outcome := teambot.FiringSent
	if o.Act == nil {
		var err error
		if msgs, err = o.Compose(ctx, f); err != nil {
			return err
		}
		if len(msgs) == 0 {
			outcome = teambot.FiringNothing
		}
	}
	var claimed bool
	err := o.Store.Update(ctx, func(tx Tx) (err error) {
		claimed, err = tx.ClaimFiring(ctx, key, f.At, outcome, now)
		if err != nil || !claimed {
			return err
		}
		if o.Log != nil {
			o.Log.Debug("one-off firing claimed", "team", f.TeamID, "job", f.Job, "subject", key.Nominal.Format(time.RFC3339))
		}
		if o.Act != nil {
			if msgs, err = o.Act(ctx, tx, f); err != nil {
				return err
			}
		}
		return tx.Enqueue(ctx, o.prepare(msgs, key, f), now)
	})
	switch {
	case err != nil:
	case !claimed:
		o.Metrics.lost(f.Job)
	default:
		o.Metrics.firing(f.Job, string(outcome), f.At, now)
	}
	return err
}

// prepare splits over-long texts and names the firing each message came
// from.
func (o *Oneoffs) prepare(msgs []teambot.Outgoing, key teambot.FiringKey, f teambot.Firing) []teambot.Outgoing {
	msgs = (&Reminders{Split: o.Split}).split(msgs)
	for i := range msgs {
		msgs[i].Origin = f.Job + " " + key.Nominal.Format("2006-01-02T15:04Z")
	}
	return msgs
}
