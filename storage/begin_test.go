package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// postgresNamed opens a PostgreSQL database whose sessions carry their own
// application_name, with extra URL parameters, and a raw connection to the
// same server for looking at them.
func postgresNamed(t *testing.T, params url.Values) (db *storage.DB, name string, raw *sql.DB) {
	t.Helper()
	base := storagetest.PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	name = "teambot_" + q.Get("search_path")
	q.Set("application_name", name)
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	if db, err = storage.Open(ctx, u.String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, name, storagetest.Raw(t, base)
}

// queryString is the one value a query returns, or its error as text.
func queryString(raw *sql.DB, query string, args ...any) string {
	var s string
	if err := raw.QueryRow(query, args...).Scan(&s); err != nil {
		return "error: " + err.Error()
	}
	return s
}

// A PostgreSQL transaction begins at its first statement that writes or
// locks: until then its reads run on their own and nothing is open on the
// server, so a function that only reads sends no BEGIN and no COMMIT. A row
// lock taken by a read begins it, and holds to its end.
func TestTransactionsBeginAtTheFirstWriteOrLock(t *testing.T) {
	db, name, conn := postgresNamed(t, nil)
	raw := func(query string, args ...any) string { return queryString(conn, query, args...) }
	state := func() string {
		return raw(`SELECT string_agg(state, ',') FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, name)
	}
	team := mustTeam(t, db, "chat-1")
	update(t, db, func(tx *storage.Tx) error {
		if _, err := tx.TeamByChat(ctx, "chat-1"); err != nil {
			return err
		}
		if got := state(); strings.Contains(got, "in transaction") {
			t.Errorf("after a read: %q, want no transaction open", got)
		}
		if _, err := tx.LockTeam(ctx, team.ID); err != nil {
			return err
		}
		if got := state(); got != "idle in transaction" {
			t.Errorf("after a locking read: %q, want a transaction open", got)
		}
		// Another session cannot take the lock while this one holds it.
		if got := raw(`SELECT id::text FROM teams WHERE id = $1 FOR NO KEY UPDATE NOWAIT`, team.ID); !strings.Contains(got, "could not obtain lock") {
			t.Errorf("the team locked by the transaction, another session's lock: %q, want refused", got)
		}
		return nil
	})
	if got := raw(`SELECT id::text FROM teams WHERE id = $1 FOR NO KEY UPDATE NOWAIT`, team.ID); got == "" || strings.HasPrefix(got, "error") {
		t.Errorf("after the commit, another session's lock: %q", got)
	}
	// A write begins it too; what is written before an error is undone.
	err := db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.RecordHandled(ctx, "test", "undone", t0, teambot.KeptReply{}); err != nil {
			return err
		}
		if got := state(); got != "idle in transaction" {
			t.Errorf("after a write: %q, want a transaction open", got)
		}
		return errUndo
	})
	if !errors.Is(err, errUndo) {
		t.Fatalf("Update = %v, want the function's error", err)
	}
	update(t, db, func(tx *storage.Tx) error {
		if _, seen, err := tx.HandledBefore(ctx, "test", "undone"); err != nil || seen {
			t.Errorf("a write of a failed transaction was kept (%v, %v)", seen, err)
		}
		return nil
	})
	// A read-only transaction refuses a write when it comes.
	err = db.View(ctx, func(tx *storage.Tx) error {
		_, err := tx.RecordHandled(ctx, "test", "in-a-view", t0, teambot.KeptReply{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a write in View: %v, want refused as read-only", err)
	}
}

var errUndo = errors.New("undo")

// What begins a transaction: a write, or a read that locks, sets or
// notifies; a plain read does not.
func TestWhatBeginsATransaction(t *testing.T) {
	for query, want := range map[string]bool{
		"SELECT id FROM teams WHERE chat_id = ?":                      false,
		"  select count(*) from outbox":                               false,
		"SELECT id FROM members WHERE id = ? FOR UPDATE":              true,
		"SELECT * FROM teams WHERE id = ? FOR NO KEY UPDATE":          true,
		"SELECT id FROM inbox LIMIT 5 for update skip locked":         true,
		"SELECT 1 FROM teams FOR SHARE":                               true,
		"SELECT pg_advisory_xact_lock(?)":                             true,
		"SELECT pg_try_advisory_xact_lock(hashtext(?))":               true,
		"SELECT set_config('enable_sort', 'off', true)":               true,
		"SELECT pg_notify('teambot', 'x')":                            true,
		"INSERT INTO processed_messages (source) VALUES (?)":          true,
		"UPDATE jobs SET due_at = ? WHERE id = ?":                     true,
		"WITH gone AS (DELETE FROM outbox RETURNING id) SELECT 1":     true,
		"DELETE FROM card_reasons WHERE user_id = ? RETURNING 1":      true,
		"SELECT reply FROM processed_messages WHERE source = ? AND 1": false,
	} {
		if got := storage.BeginsTransaction(query); got != want {
			t.Errorf("%q begins a transaction: %v, want %v", query, got, want)
		}
	}
}

// The transaction lives as long as Update's context: a first write run
// under a shorter one (a statement's own deadline) does not take the
// transaction with it when that ends.
func TestATransactionOutlivesItsFirstStatementsContext(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		update(t, db, func(tx *storage.Tx) error {
			short, cancel := context.WithCancel(ctx)
			_, err := tx.RecordHandled(short, "test", "first", t0, teambot.KeptReply{})
			cancel()
			if err != nil {
				return err
			}
			_, err = tx.RecordHandled(ctx, "test", "second", t0, teambot.KeptReply{})
			return err
		})
		update(t, db, func(tx *storage.Tx) error {
			for _, id := range []string{"first", "second"} {
				if _, seen, err := tx.HandledBefore(ctx, "test", id); err != nil || !seen {
					t.Errorf("%s not kept (%v)", id, err)
				}
			}
			return nil
		})
	})
}

// A savepoint lives in a transaction: one that must be sent before any
// write (a second savepoint marked after it) begins the transaction.
func TestASavepointSentBeforeAnyWriteBeginsTheTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		update(t, db, func(tx *storage.Tx) error {
			if err := tx.Savepoint(ctx, "mark_a"); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, "mark_b"); err != nil { // sends mark_a
				return err
			}
			if _, err := tx.RecordHandled(ctx, "test", "after-outer", t0, teambot.KeptReply{}); err != nil {
				return err
			}
			return tx.RollbackTo(ctx, "mark_a")
		})
		update(t, db, func(tx *storage.Tx) error {
			if _, seen, err := tx.HandledBefore(ctx, "test", "after-outer"); err != nil || seen {
				t.Errorf("a write after the savepoint rolled back to was kept (%v, %v)", seen, err)
			}
			return nil
		})
	})
}

// Beginning late keeps a transaction's meaning only at READ COMMITTED:
// teambot's sessions run at it whatever the URL or the server say.
func TestPostgresSessionsRunAtReadCommitted(t *testing.T) {
	db, _, _ := postgresNamed(t, url.Values{"default_transaction_isolation": {"serializable"}})
	update(t, db, func(tx *storage.Tx) error {
		if _, err := tx.RecordHandled(ctx, "test", "isolation", t0, teambot.KeptReply{}); err != nil {
			return err
		}
		got, err := tx.CurrentSetting(ctx, "transaction_isolation")
		if err == nil && got != "read committed" {
			t.Errorf("transaction_isolation = %q, want read committed", got)
		}
		return err
	})
}
