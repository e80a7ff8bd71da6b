package storage_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A database that cannot be written right now — read-only, full, its
// connection cut in the middle of a transaction — fails the transaction
// with teambot.ErrUnavailable, and nothing of it is kept; a refusal by the
// records themselves (a duplicate, bad SQL) is not unavailability.
func TestUnavailableIsTheDatabasesFault(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		mark := func(tx *storage.Tx, id string) error {
			_, err := tx.RecordHandled(ctx, "test", id, t0, teambot.KeptReply{})
			return err
		}
		readOnly := map[storage.Dialect]string{
			storage.SQLite:   `PRAGMA query_only = 1`,     // SQLITE_READONLY, as a read-only file
			storage.Postgres: `SET TRANSACTION READ ONLY`, // 25006, as a standby
		}[db.Dialect()]
		err := db.Update(ctx, func(tx *storage.Tx) error {
			if _, err := tx.Exec(ctx, readOnly); err != nil {
				return err
			}
			err := mark(tx, "read-only")
			if db.Dialect() == storage.SQLite { // the connection is reused: writable again before it goes back
				if _, err := tx.Exec(ctx, `PRAGMA query_only = 0`); err != nil {
					t.Fatal(err)
				}
			}
			return err
		})
		if !errors.Is(err, teambot.ErrUnavailable) {
			t.Errorf("a write to a read-only database: %v, want ErrUnavailable", err)
		}

		if db.Dialect() == storage.SQLite {
			// A full disk: the file may not grow by a page (SQLITE_FULL).
			err = db.Update(ctx, func(tx *storage.Tx) error {
				if _, err := tx.Exec(ctx, `PRAGMA max_page_count = 1`); err != nil { // clamps to the pages in use
					return err
				}
				for i := range 200 {
					if err := mark(tx, strings.Repeat("满", 500)+string(rune('a'+i%26))+strings.Repeat("x", i)); err != nil {
						return err
					}
				}
				return nil
			})
			update(t, db, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, `PRAGMA max_page_count = 1073741823`); return err })
			if !errors.Is(err, teambot.ErrUnavailable) {
				t.Errorf("a write to a full disk: %v, want ErrUnavailable", err)
			}
		} else {
			// The connection dies after the first statement took effect in
			// the transaction: no second try (it would not be the same
			// transaction), nothing kept.
			calls := 0
			err = db.Update(ctx, func(tx *storage.Tx) error {
				calls++
				if err := mark(tx, "cut"); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
				return err
			})
			if !errors.Is(err, teambot.ErrUnavailable) || calls != 1 {
				t.Errorf("a connection cut in the middle: %v after %d calls, want ErrUnavailable after 1", err, calls)
			}
		}
		for _, id := range []string{"read-only", "cut"} {
			update(t, db, func(tx *storage.Tx) error {
				if first, err := tx.RecordHandled(ctx, "test", id, t0, teambot.KeptReply{}); err != nil || !first {
					t.Errorf("%s: kept although the transaction failed (%v)", id, err)
				}
				return nil
			})
		}

		// The records' own refusals are not the database's fault.
		update(t, db, func(tx *storage.Tx) error { return mark(tx, "twice") })
		dup := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO processed_messages (source, msg_id, received_at) VALUES ('test', 'twice', ?)`, t0)
			return err
		})
		bad := db.Update(ctx, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, `SELEC 1`); return err })
		for what, err := range map[string]error{"a duplicate": dup, "bad SQL": bad} {
			if err == nil || errors.Is(err, teambot.ErrUnavailable) {
				t.Errorf("%s: %v, want an error that is not ErrUnavailable", what, err)
			}
		}
	})
}

// pooledPostgres opens a PostgreSQL database whose connections carry their
// own application_name, and a function that terminates them all, as a
// restart of the server does, and returns once they are gone.
func pooledPostgres(t *testing.T) (*storage.DB, func()) {
	t.Helper()
	db, name, raw := postgresNamed(t, nil)
	kill := func() {
		t.Helper()
		if _, err := raw.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, name); err != nil {
			t.Fatal(err)
		}
		for range 1000 { // the backends exit within milliseconds of the signal
			var n int
			if err := raw.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
		t.Fatal("terminated backends still listed")
	}
	return db, kill
}

// The pool's idle connections were all terminated (a restart of
// PostgreSQL): the next transaction finds its connection dead at BEGIN —
// sent with its first write, the first statement here — and runs once more
// on a fresh one instead of failing.
func TestUpdateRetriesABrokenConnectionAtBegin(t *testing.T) {
	db, kill := pooledPostgres(t)
	var wg sync.WaitGroup
	for range 4 { // several idle connections in the pool
		wg.Go(func() { update(t, db, func(tx *storage.Tx) error { return tx.Savepoint(ctx, "warm") }) })
	}
	wg.Wait()
	kill()
	if calls, err := markTried(t, db, "after-restart", func(int) {}); err != nil || calls != 2 {
		t.Fatalf("the first transaction after a restart: %v after %d calls, want success after 2", err, calls)
	}
}

// The connection breaks after BEGIN, at the first statement: nothing took
// effect, so the transaction runs once more on a fresh connection, and its
// change is kept once.
func TestUpdateRetriesABrokenConnectionAtTheFirstStatement(t *testing.T) {
	db, kill := pooledPostgres(t)
	calls, err := markTried(t, db, "first-statement", func(call int) {
		if call == 1 {
			kill()
		}
	})
	if err != nil || calls != 2 {
		t.Fatalf("a connection broken at the first statement: %v after %d calls, want success after 2", err, calls)
	}
}

// markTried marks message id processed in one Update, calling before at the
// start of every try, and checks that a success was kept. It returns the
// number of tries and Update's error.
func markTried(t *testing.T, db *storage.DB, id string, before func(call int)) (int, error) {
	t.Helper()
	calls := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		calls++
		before(calls)
		_, err := tx.RecordHandled(ctx, "test", id, t0, teambot.KeptReply{})
		return err
	})
	if err == nil {
		update(t, db, func(tx *storage.Tx) error {
			if first, _ := tx.RecordHandled(ctx, "test", id, t0, teambot.KeptReply{}); first {
				t.Errorf("%s: the transaction that succeeded was not kept", id)
			}
			return nil
		})
	}
	return calls, err
}

// CheckWritable, behind /readyz, fails on a database that answers pings
// but cannot be written.
func TestCheckWritable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		for i := range 2 { // the first check writes the row, the next rewrites it
			if err := db.CheckWritable(ctx, t0.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatalf("check %d of a writable database: %v", i, err)
			}
		}
		// SQLite as a read-only file (the pool's one connection stays
		// query_only), PostgreSQL as a full disk (53100 from a trigger).
		for _, stmt := range map[storage.Dialect][]string{
			storage.SQLite:   {`PRAGMA query_only = 1`},
			storage.Postgres: storagetest.FullDisk("health"),
		}[db.Dialect()] {
			update(t, db, func(tx *storage.Tx) error { _, err := tx.Exec(ctx, stmt); return err })
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if err := db.CheckWritable(ctx, t0.Add(2*time.Second)); !errors.Is(err, teambot.ErrUnavailable) {
			t.Errorf("a database that cannot be written: %v, want ErrUnavailable", err)
		}
	})
}
