package storage_test

import (
	"fmt"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A tick leases due jobs chunk after chunk, each after the key of the last
// job the one before took, and the outbox batch after batch after the last
// id: each lease starts where the last stopped, and together they take
// every due job and message once.
func TestLeasesResumeAfterTheLast(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		for i := range 5 {
			mustTeam(t, db, fmt.Sprintf("cursor-%d", i))
		}
		defs := []teambot.Job{{Name: "a", Spec: "0 9 * * MON"}, {Name: "b", Spec: "0 9 * * MON"}}
		now := t0.Add(time.Hour)
		update(t, db, func(tx *storage.Tx) error { _, err := tx.EnsureJobs(ctx, defs, 0, t0); return err })

		seen := map[string]int{}
		var after teambot.DueKey
		chunks := 0
		for {
			var jobs []teambot.Job
			var last teambot.DueKey
			update(t, db, func(tx *storage.Tx) (err error) {
				jobs, last, err = tx.LeaseDueJobs(ctx, now, now.Add(2*time.Minute), 3, after)
				return err
			})
			if len(jobs) == 0 {
				if last != after {
					t.Errorf("an empty lease moved the key from %+v to %+v", after, last)
				}
				break
			}
			chunks++
			if !after.Before(last) {
				t.Errorf("lease %d ended at %+v, not after %+v", chunks, last, after)
			}
			for _, j := range jobs {
				seen[fmt.Sprint(j.TeamID, j.Name)]++
			}
			after = last
		}
		if len(seen) != 10 || chunks != 4 {
			t.Errorf("leased %d distinct jobs in %d chunks, want all 10 in 4 chunks of at most 3", len(seen), chunks)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("job %s leased %d times", k, n)
			}
		}

		team := mustTeam(t, db, "cursor-outbox")
		var msgs []teambot.Outgoing
		for i := range 5 {
			msgs = append(msgs, teambot.Outgoing{TeamID: team.ID, Channel: teambot.ToUsers, Users: []string{"u"}, Text: fmt.Sprint(i)})
		}
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msgs, t0) })
		var first, rest []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			if first, _, err = tx.LeaseOutboxAfter(ctx, now, time.Minute, 2, "a", 0); err != nil || len(first) != 2 {
				return fmt.Errorf("first batch: %d, %v", len(first), err)
			}
			rest, _, err = tx.LeaseOutboxAfter(ctx, now, time.Minute, 10, "b", first[1].ID)
			return err
		})
		if len(rest) != 3 || rest[0].ID <= first[1].ID {
			t.Errorf("after id %d the next lease took %v, want the other 3", first[1].ID, rest)
		}
	})
}
