package storage_test

import (
	"fmt"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// eachOldSchema runs fn on SQLite and on PostgreSQL with a database
// migrated only up to (not including) version, for tests that fill a
// database as an older teambot left it and then check what a migration
// makes of it. fn migrates the rest itself (db.Migrate).
func eachOldSchema(t *testing.T, version int, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, d := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storagetest.SQLiteURL}, {"postgres", storagetest.PostgresURL}} {
		t.Run(d.name, func(t *testing.T) {
			db, err := storage.Connect(ctx, d.url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			all, err := storage.LoadMigrations(db.Dialect())
			if err != nil {
				t.Fatal(err)
			}
			update(t, db, func(tx *storage.Tx) error {
				if _, err := tx.Exec(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
					applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
					return err
				}
				for _, m := range all {
					if m.Version >= version {
						break
					}
					if _, err := tx.Exec(ctx, m.SQL); err != nil {
						return fmt.Errorf("migration %d: %w", m.Version, err)
					}
					if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
						return err
					}
				}
				return nil
			})
			fn(t, db)
		})
	}
}
