package storage

import "context"

// Exec runs raw SQL in a transaction, for tests that check what the database
// itself refuses.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return tx.exec(ctx, query, args...)
}

// LoadMigrations exposes the embedded migrations to tests.
var LoadMigrations = loadMigrations
