package storage_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// WeCom's 20 messages a minute per robot hold across replicas: concurrent
// senders on one database get 20 slots in a window, no more, and learn
// when the next one frees.
func TestRobotSlotsAreSharedByEverySender(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		take := func(robot string, n int, at time.Time) (ok bool, next time.Time) {
			t.Helper()
			err := db.Update(ctx, func(tx *storage.Tx) (err error) {
				ok, next, err = tx.TakeRobotSlots(ctx, robot, n, at, 20, time.Minute)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ok, next
		}
		var granted atomic.Int32
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				for i := range 15 {
					at := t0.Add(time.Duration(w*15+i) * time.Second / 2)
					if ok, _ := take("robot-a", 1, at); ok {
						granted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := granted.Load(); n != 20 {
			t.Fatalf("%d sends granted in one minute, want 20", n)
		}
		// Another robot has its own limit; a batch larger than the room left is refused whole.
		if ok, _ := take("robot-b", 19, t0); !ok {
			t.Error("robot-b's first 19 refused")
		}
		if ok, next := take("robot-b", 2, t0.Add(time.Second)); ok || !next.Equal(t0.Add(time.Minute).UTC().Truncate(time.Microsecond)) {
			t.Errorf("robot-b's 20th and 21st: ok %v, next %v; want refused until %v", ok, next, t0.Add(time.Minute))
		}
		if ok, _ := take("robot-b", 1, t0.Add(time.Second)); !ok {
			t.Error("robot-b's 20th refused")
		}
		// A minute later the window has moved on.
		if ok, _ := take("robot-a", 1, t0.Add(time.Minute+30*time.Second)); !ok {
			t.Error("robot-a refused after its window moved on")
		}
		var pruned int64
		err := db.Update(ctx, func(tx *storage.Tx) (err error) {
			pruned, err = tx.PruneRobotSends(ctx, t0.Add(2*time.Minute))
			return err
		})
		if err != nil || pruned != 41 {
			t.Errorf("pruned %d, %v; want 41", pruned, err)
		}
	})
}
