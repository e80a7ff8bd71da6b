package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one embedded SQL file, NNNN_name.sql.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrationLockKey is the PostgreSQL advisory lock that serializes replicas
// migrating one database at the same time ("teambot" in ASCII).
const migrationLockKey = 0x7465616d626f74

// Migrate applies the pending migrations of db's dialect in version order,
// forward only, all in one transaction, and records each one. It returns
// the versions it applied. A database that already has a version this
// binary does not know is refused: it was migrated by a newer teambot.
//
// Its statements are not prepared, and once it has changed the schema
// every connection opened before closes when it is next put back, with
// the statements it prepared (see preparingConn).
func (db *DB) Migrate(ctx context.Context) (applied []int, err error) {
	all, err := loadMigrations(db.dialect)
	if err != nil {
		return nil, err
	}
	ctx = unprepared(ctx)
	defer func() {
		if len(applied) > 0 && db.epoch != nil {
			db.epoch.n.Add(1)
		}
	}()
	err = db.Update(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLockKey); err != nil {
				return fmt.Errorf("lock for migration: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
		)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var done []int
		if err := tx.selectRows(ctx, &done, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		known := make(map[int]bool, len(all))
		for _, m := range all {
			known[m.Version] = true
		}
		have := make(map[int]bool, len(done))
		for _, v := range done {
			if !known[v] {
				return fmt.Errorf("database has migration %04d that this teambot does not know: it was migrated by a newer version; upgrade teambot", v)
			}
			have[v] = true
		}
		for _, m := range all {
			if have[m.Version] {
				continue
			}
			if _, err := tx.ext.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("record migration %04d: %w", m.Version, err)
			}
			applied = append(applied, m.Version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return applied, nil
}

// loadMigrations reads the embedded migrations of one dialect in order.
func loadMigrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}
