package storage_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// A conversation takes 30 long-connection messages a minute and 1000 an
// hour, counted across every sender (docs/wecom-longconn.md §7).
func TestConversationSlotsHoldAcrossSenders(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		take := func(chat string, at time.Time) (ok bool, next time.Time) {
			t.Helper()
			err := db.Update(ctx, func(tx *storage.Tx) (err error) {
				ok, next, err = tx.TakeConversationSlots(ctx, chat, 1, at)
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
				for i := range 20 {
					if ok, _ := take("group-a", t0.Add(time.Duration(w*20+i)*time.Second/2)); ok {
						granted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if got := granted.Load(); got != storage.ConversationPerMinute {
			t.Errorf("granted %d sends in 30 s, want %d", got, storage.ConversationPerMinute)
		}
		if ok, _ := take("group-b", t0.Add(40*time.Second)); !ok {
			t.Error("another conversation was refused")
		}
		// The hour: 1000 sends spread so that no minute is full.
		at := t0.Add(2 * time.Minute)
		n := 0
		for ; n < 1100; n++ {
			ok, next := take("single-c", at)
			if !ok {
				if next.Before(at) || next.After(at.Add(time.Hour)) {
					t.Errorf("refused at %v, room at %v", at, next)
				}
				break
			}
			at = at.Add(3 * time.Second)
		}
		if n != storage.ConversationPerHour {
			t.Errorf("granted %d sends in an hour, want %d", n, storage.ConversationPerHour)
		}
	})
}

func TestLongConnChats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			if ok, err := tx.LongConnChat(ctx, "wrgroup", storage.LongConnGroup); err != nil || ok {
				t.Errorf("unknown chat: %v %v", ok, err)
			}
			if err := tx.NoteLongConnChat(ctx, "wrgroup", storage.LongConnGroup, t0); err != nil {
				return err
			}
			if err := tx.NoteLongConnChat(ctx, "wrgroup", storage.LongConnGroup, t0.Add(time.Hour)); err != nil {
				return err
			}
			if ok, err := tx.LongConnChat(ctx, "wrgroup", storage.LongConnGroup); err != nil || !ok {
				t.Errorf("noted group: %v %v", ok, err)
			}
			if ok, err := tx.LongConnChat(ctx, "wrgroup", storage.LongConnSingle); err != nil || ok {
				t.Errorf("a group is not a single chat: %v %v", ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// One session holds a named lock; another gets it once it is released.
func TestSessionLock(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		first, err := db.TryLock(ctx, "longconn test")
		if err != nil || first == nil {
			t.Fatalf("first TryLock: %v %v", first, err)
		}
		second, err := db.TryLock(ctx, "longconn test")
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == storage.Postgres {
			if second != nil {
				t.Fatal("a second session took a held lock")
			}
			first.Release()
			if second, err = db.TryLock(ctx, "longconn test"); err != nil || second == nil {
				t.Fatalf("TryLock after release: %v %v", second, err)
			}
		}
		second.Release()
		select {
		case <-second.Lost():
			t.Error("a released lock reports itself lost")
		default:
		}
	})
}
