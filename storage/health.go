package storage

import (
	"context"
	"fmt"
	"time"
)

// CheckWritable proves that the database takes a write: it rewrites the one
// row of the health table in a transaction of its own and commits it. A
// database that answers pings but is full, read-only or a standby fails,
// with an error that wraps teambot.ErrUnavailable.
func (db *DB) CheckWritable(ctx context.Context, now time.Time) error {
	err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO health (id, checked_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, utc(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("write to the %s database: %w", db.dialect, explainSQLite(err))
	}
	return nil
}
