// Package storagetest gives tests a fresh, migrated database: SQLite always,
// PostgreSQL when TEAMBOT_TEST_POSTGRES_URL is set. Each test gets its own
// SQLite file or its own PostgreSQL schema, dropped when the test ends.
package storagetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/lib/pq"

	"teambot"
	"teambot/storage"
)

// PostgresEnv names the variable that points the tests at a PostgreSQL server,
// e.g. postgres://postgres@127.0.0.1:5432/teambot_test?sslmode=disable.
const PostgresEnv = "TEAMBOT_TEST_POSTGRES_URL"

// Each runs fn as a subtest against every database available: "sqlite"
// always, "postgres" when PostgresEnv is set. The PostgreSQL half skips with a
// message when the variable is unset, except under CI (CI=true), where a
// missing PostgreSQL is a failure.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a migrated database in a new file under t.TempDir().
func SQLite(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, SQLiteURL(t))
}

// SQLiteURL is the URL of a new, empty SQLite file under t.TempDir().
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "teambot.db")
}

// Postgres opens a migrated database in a fresh schema of the server named by
// PostgresEnv, or skips (fails under CI) when it is unset.
func Postgres(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, PostgresURL(t))
}

// PostgresURL creates a fresh schema and returns a URL whose connections use
// it. The schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL half of the storage tests", PostgresEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", PostgresEnv)
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	schema := "test_" + teambot.RandomHex(8)
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: create schema: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Raw is a plain connection to the database at rawURL, for reading what
// the records hold table by table; it closes when the test ends.
func Raw(t testing.TB, rawURL string) *sql.DB {
	t.Helper()
	dialect, dsn, err := storage.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open(string(dialect), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func open(t testing.TB, rawURL string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", storage.Redact(rawURL), err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	return db
}

// FullDisk is the SQL that makes every insert into and update of table on
// PostgreSQL fail as a full disk does (SQLSTATE 53100, disk_full), in the
// schema of the connection that runs it; DROP TRIGGER full_disk ON table
// undoes it.
func FullDisk(table string) []string {
	return []string{
		`CREATE OR REPLACE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`,
		`CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION full_disk()`,
	}
}
