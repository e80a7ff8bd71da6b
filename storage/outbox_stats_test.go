package storage_test

import (
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// OutboxStats counts pending, sending and failed rows (never sent ones) and
// finds when the oldest unsent message was enqueued.
func TestOutboxStats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		stats := func() storage.OutboxStats {
			t.Helper()
			var s storage.OutboxStats
			if err := db.View(ctx, func(tx *storage.Tx) (err error) {
				s, err = tx.OutboxStats(ctx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if s := stats(); s != (storage.OutboxStats{}) {
			t.Fatalf("empty outbox: %+v", s)
		}

		msg := func(text string) []teambot.Outgoing {
			return []teambot.Outgoing{{Channel: teambot.ToUsers, Users: []string{"boss"}, Text: text, Origin: "test"}}
		}
		first := t0
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg("sent"), first) })
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg("failed"), first.Add(time.Minute)) })
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg("leased"), first.Add(2*time.Minute)) })
		// Lease the three oldest, then settle two of them.
		var leased []teambot.Outgoing
		update(t, db, func(tx *storage.Tx) (err error) {
			leased, _, err = tx.LeaseOutbox(ctx, first.Add(3*time.Minute), time.Minute, 3, "tok")
			return err
		})
		if len(leased) != 3 {
			t.Fatalf("leased %d rows, want 3", len(leased))
		}
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.MarkSent(ctx, leased[0].ID, "tok", first.Add(3*time.Minute)); err != nil {
				return err
			}
			return tx.MarkFailed(ctx, leased[1].ID, "tok", "gone")
		})
		update(t, db, func(tx *storage.Tx) error { return tx.Enqueue(ctx, msg("new"), first.Add(4*time.Minute)) })

		s := stats()
		want := storage.OutboxStats{Pending: 1, Sending: 1, Failed: 1}
		if s.Pending != want.Pending || s.Sending != want.Sending || s.Failed != want.Failed {
			t.Errorf("counts %+v, want %+v", s, want)
		}
		// The oldest unsent row is the leased one, enqueued at +2 min (the
		// sent one at +0 and the failed one at +1 do not count).
		if !s.OldestWaiting.Equal(first.Add(2 * time.Minute).Truncate(time.Microsecond)) {
			t.Errorf("oldest waiting %v, want %v", s.OldestWaiting, first.Add(2*time.Minute))
		}
	})
}
