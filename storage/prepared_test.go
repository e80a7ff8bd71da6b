package storage_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// preparedOf reads, on the transaction's connection, how many statements
// PostgreSQL keeps prepared with the text query, and how many times they
// ran.
func preparedOf(t *testing.T, tx *storage.Tx, query string) (prepared, runs int) {
	t.Helper()
	var row struct {
		N    int `db:"n"`
		Runs int `db:"runs"`
	}
	if err := tx.Get(ctx, &row, `SELECT count(*) AS n, coalesce(sum(generic_plans + custom_plans), 0) AS runs
		FROM pg_prepared_statements WHERE statement = ?`, query); err != nil {
		t.Fatal(err)
	}
	return row.N, row.Runs
}

// A statement with parameters runs unnamed the first time on a
// connection, is prepared the second time, and from then on runs
// prepared: parsed once, never again.
func TestStatementsArePreparedOncePerConnection(t *testing.T) {
	db := storagetest.Postgres(t)
	const query = `SELECT id FROM teams WHERE chat_id = ?`
	const onServer = `SELECT id FROM teams WHERE chat_id = $1`
	err := db.Update(ctx, func(tx *storage.Tx) error {
		for i := 1; i <= 7; i++ {
			if _, err := tx.Exec(ctx, query, fmt.Sprint("chat-", i)); err != nil {
				return err
			}
			n, runs := preparedOf(t, tx, onServer)
			switch {
			case i == 1 && n != 0:
				t.Errorf("after the first run: %d prepared, want none", n)
			case i > 1 && (n != 1 || runs != i-1):
				t.Errorf("after run %d: %d prepared with %d runs, want 1 with %d", i, n, runs, i-1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The next transaction (the same connection, the pool's only one
	// used) finds it prepared.
	err = db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, query, "chat-8"); err != nil {
			return err
		}
		if n, runs := preparedOf(t, tx, onServer); n != 1 || runs != 7 {
			t.Errorf("in the next transaction: %d prepared with %d runs, want 1 with 7", n, runs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Statements whose text varies (IN lists of every length) do not pile
// up: a connection keeps the most recently used ones, and closes the rest.
func TestPreparedStatementsPerConnectionAreBounded(t *testing.T) {
	db := storagetest.Postgres(t)
	err := db.Update(ctx, func(tx *storage.Tx) error {
		for i := 1; i <= storage.PreparedPerConn+20; i++ {
			query := `SELECT id FROM teams WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?, ", i), ", ") + `)`
			args := make([]any, i)
			for j := range args {
				args[j] = j
			}
			for range 2 {
				if _, err := tx.Exec(ctx, query, args...); err != nil {
					return err
				}
			}
		}
		var n int
		if err := tx.Get(ctx, &n, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE ?`, "SELECT id FROM teams WHERE id IN (%"); err != nil {
			return err
		}
		if n != storage.PreparedPerConn {
			t.Errorf("%d statements prepared, want the last %d", n, storage.PreparedPerConn)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Another replica's migration can change what a statement prepared here
// returns; PostgreSQL then refuses to run it ("cached plan must not change
// result type"). As the first statement of a transaction it is run again
// on a fresh connection, unnoticed; later in a transaction it fails that
// transaction, nothing of which is kept, and the next one works.
func TestPreparedStatementsOutliveASchemaChange(t *testing.T) {
	url := storagetest.PostgresURL(t)
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	other := storagetest.Raw(t, url) // the other replica
	if _, err := other.Exec(`CREATE TABLE probe (id integer PRIMARY KEY, v integer NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`INSERT INTO probe VALUES (1, 10)`); err != nil {
		t.Fatal(err)
	}
	const query = `SELECT * FROM probe WHERE id = ?`
	type probe struct {
		ID int            `db:"id"`
		V  int64          `db:"v"`
		W  sql.NullString `db:"w"` // the column added
	}
	read := func(tx *storage.Tx) (p probe, err error) {
		return p, tx.Get(ctx, &p, query, 1)
	}
	for range 3 { // prepared on the second run
		if err := db.Update(ctx, func(tx *storage.Tx) error { _, err := read(tx); return err }); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := other.Exec(`ALTER TABLE probe ADD COLUMN w text NOT NULL DEFAULT 'new'`); err != nil {
		t.Fatal(err)
	}
	var got probe
	err = db.Update(ctx, func(tx *storage.Tx) (err error) {
		got, err = read(tx)
		return err
	})
	if err != nil {
		t.Fatalf("first statement after the schema change: %v", err)
	}
	if got != (probe{1, 10, sql.NullString{String: "new", Valid: true}}) {
		t.Errorf("read %+v after the schema change, want the new column w", got)
	}
	for range 2 { // prepared again on the new connection
		if err := db.Update(ctx, func(tx *storage.Tx) error { _, err := read(tx); return err }); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := other.Exec(`ALTER TABLE probe ALTER COLUMN v TYPE bigint`); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.RecordHandled(ctx, "test", "before-the-read", t0, teambot.KeptReply{}); err != nil {
			return err
		}
		_, err := read(tx)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "cached plan must not change result type") {
		t.Fatalf("a later statement after the schema change: %v, want PostgreSQL's refusal", err)
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		first, err := tx.RecordHandled(ctx, "test", "before-the-read", t0, teambot.KeptReply{})
		if err != nil {
			return err
		}
		if !first {
			t.Error("the failed transaction's message id was kept")
		}
		got, err = read(tx)
		return err
	})
	if err != nil {
		t.Fatalf("the next transaction: %v", err)
	}
	if got != (probe{1, 10, sql.NullString{String: "new", Valid: true}}) {
		t.Errorf("read %+v, want %+v", got, probe{1, 10, sql.NullString{String: "new", Valid: true}})
	}
}
