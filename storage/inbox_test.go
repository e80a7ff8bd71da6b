package storage_test

import (
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// An inbox record is its owner's until its lease runs out: only the owner's
// token finishes it, and only once; a record whose owner died is leased
// again (once, to one taker) and its attempts counted; a finished or
// given-up record is pruned with the message ids.
func TestInboxLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		lease := time.Minute
		update(t, db, func(tx *storage.Tx) error {
			for _, id := range []string{"m-1", "m-2", "m-3"} {
				if err := tx.KeepInbox(ctx, "robot", id, "v1:sealed-"+id, "owner", t0, t0.Add(lease)); err != nil {
					return err
				}
			}
			// The same message recorded again (a retry on another replica)
			// keeps the first record and its owner.
			return tx.KeepInbox(ctx, "robot", "m-1", "v1:other", "other", t0, t0.Add(lease))
		})
		finish := func(id, token string, answers []teambot.Outgoing) bool {
			var ok bool
			update(t, db, func(tx *storage.Tx) (err error) { ok, err = tx.FinishInbox(ctx, "robot", id, token, t0); return err })
			return ok
		}
		if finish("m-1", "other", nil) {
			t.Error("a token that does not hold the record finished it")
		}
		if !finish("m-1", "owner", nil) || finish("m-1", "owner", nil) {
			t.Error("the owner finished m-1 not exactly once")
		}
		leaseAt := func(at time.Time, token string) []storage.InboxRecord {
			var got []storage.InboxRecord
			update(t, db, func(tx *storage.Tx) (err error) { got, err = tx.LeaseInbox(ctx, at, lease, 10, token); return err })
			return got
		}
		if got := leaseAt(t0.Add(lease-time.Second), "taker"); len(got) != 0 {
			t.Errorf("leased %+v while the owner's lease holds", got)
		}
		got := leaseAt(t0.Add(lease), "taker")
		if len(got) != 2 || got[0].MsgID != "m-2" || got[0].Payload != "v1:sealed-m-2" || got[0].Attempts != 1 {
			t.Fatalf("leased %+v, want m-2 and m-3 on their first retake", got)
		}
		if again := leaseAt(t0.Add(lease), "second"); len(again) != 0 {
			t.Errorf("leased again at once: %+v", again)
		}
		if finish("m-2", "owner", nil) {
			t.Error("the dead owner finished a record taken over")
		}
		if !finish("m-2", "taker", nil) {
			t.Error("the taker could not finish m-2")
		}
		update(t, db, func(tx *storage.Tx) error { return tx.FailInbox(ctx, "robot", "m-3", "taker") })
		if got := leaseAt(t0.Add(10*lease), "late"); len(got) != 0 {
			t.Errorf("finished or given-up records leased again: %+v", got)
		}
		var pruned int64
		update(t, db, func(tx *storage.Tx) (err error) { pruned, err = tx.PruneInbox(ctx, t0.Add(time.Second)); return err })
		if pruned != 3 {
			t.Errorf("pruned %d records, want 3", pruned)
		}
	})
}
