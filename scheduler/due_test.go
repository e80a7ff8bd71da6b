package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/scheduler"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// watchedStore counts what the reminder engine asks of the database: the
// transactions, the jobs it leased, and the chunks it read firings for.
type watchedStore struct {
	inner  scheduler.Store
	txs    int
	leased int
	chunks int
}

func (s *watchedStore) Update(ctx context.Context, fn func(scheduler.Tx) error) error {
	s.txs++
	return s.inner.Update(ctx, func(tx scheduler.Tx) error { return fn(watchedTx{tx, s}) })
}

type watchedTx struct {
	scheduler.Tx
	s *watchedStore
}

func (tx watchedTx) LeaseDueJobs(ctx context.Context, now, until time.Time, limit int, after teambot.DueKey) ([]teambot.Job, teambot.DueKey, error) {
	jobs, last, err := tx.Tx.LeaseDueJobs(ctx, now, until, limit, after)
	tx.s.leased += len(jobs)
	return jobs, last, err
}

func (tx watchedTx) FiringsOfTeams(ctx context.Context, teamIDs []int64, since time.Time) (map[teambot.FiringKey]bool, error) {
	tx.s.chunks++
	return tx.Tx.FiringsOfTeams(ctx, teamIDs, since)
}

// A tick with nothing due reads only what is due: with forty teams, the
// tick after Monday's reminders leases no job and reads no firing, in two
// transactions (new teams' jobs, the due jobs) — the same as with one
// team. The Monday tick itself leased each team's job once.
func TestIdleTickReadsOnlyWhatIsDue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		for i := range 39 {
			team := teambot.Team{ChatID: fmt.Sprintf("chat-%d", i), TimeZone: "Asia/Shanghai", CreatedAt: at(shanghai, 2026, 11, 25, 12, 0)}
			if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateTeam(ctx, &team) }); err != nil {
				t.Fatal(err)
			}
		}
		w := &watchedStore{inner: h.r.Store}
		h.r.Store = w
		h.tick(at(shanghai, 2026, 11, 25, 12, 1)) // the new teams get their jobs, worked out once
		if w.leased != 39 {
			t.Errorf("the new teams' first tick leased %d jobs, want 39", w.leased)
		}
		*w = watchedStore{inner: w.inner}
		h.tick(at(shanghai, 2026, 11, 30, 9, 0))
		if w.leased != 40 {
			t.Errorf("Monday 09:00 leased %d jobs, want 40", w.leased)
		}
		if got := len(h.queued()); got != 40 {
			t.Errorf("Monday 09:00 queued %d reminders, want 40", got)
		}
		for _, now := range []time.Time{at(shanghai, 2026, 11, 30, 9, 1), at(shanghai, 2026, 12, 3, 17, 0), at(shanghai, 2026, 12, 7, 8, 59)} {
			*w = watchedStore{inner: w.inner}
			h.tick(now)
			if w.leased != 0 || w.chunks != 0 || w.txs != 2 {
				t.Errorf("idle tick at %v: leased %d jobs, read firings for %d chunks in %d transactions; want 0, 0 in 2",
					now.Format("01-02 15:04"), w.leased, w.chunks, w.txs)
			}
		}
		h.tick(at(shanghai, 2026, 12, 7, 9, 0))
		if got := len(h.queued()); got != 40 {
			t.Errorf("the next Monday queued %d reminders, want 40", got)
		}
	})
}

// A team that takes back its own day off on that morning gets its
// reminder that day, though the job's stored due time had moved on to
// Tuesday: changing a team's days makes its jobs be worked out again.
func TestTakingBackADayOffBringsTheReminderBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		monday := teambot.Date{Year: 2026, Month: 11, Day: 30}
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetTeamDay(ctx, h.team.ID, teambot.DayOverride{Date: monday, Off: true, Note: "团建"})
		}); err != nil {
			t.Fatal(err)
		}
		h.tick(at(shanghai, 2026, 11, 30, 9, 0)) // moved: due Tuesday 09:00 now
		h.expectQueued()
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.RemoveTeamDay(ctx, h.team.ID, monday) }); err != nil {
			t.Fatal(err)
		}
		h.tick(at(shanghai, 2026, 11, 30, 9, 31))
		h.expectQueued("周报提醒 2026-11-30 Mon 09:00")
		h.tick(at(shanghai, 2026, 12, 1, 9, 0))
		h.expectQueued()
	})
}

// Jobs leased by a replica that died before it was done are taken up by
// another once the lease has passed, and their reminders sent once.
func TestJobsOfADeadReplicaAreTakenUpAfterTheLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, "Asia/Shanghai", at(shanghai, 2026, 11, 25, 12, 0))
		monday := at(shanghai, 2026, 11, 30, 9, 0)
		err := db.Update(ctx, func(tx *storage.Tx) error {
			jobs, _, err := tx.LeaseDueJobs(ctx, monday, monday.Add(2*time.Minute), 100, teambot.DueKey{})
			if len(jobs) != 1 {
				t.Errorf("the dying replica leased %d jobs, want 1", len(jobs))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h.tick(monday.Add(time.Minute))
		h.expectQueued()
		h.tick(monday.Add(2 * time.Minute))
		h.tick(monday.Add(3 * time.Minute))
		h.expectQueued("周报提醒 2026-11-30 Mon 09:00")
	})
}
