package storage

import "context"

// Exec runs raw SQL in a transaction, for tests that check what the database
// itself refuses.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return tx.exec(ctx, query, args...)
}

// LoadMigrations exposes the embedded migrations to tests.
var LoadMigrations = loadMigrations

// CurrentSetting reads a run-time setting of the session, for tests of how
// teambot's sessions are set up (PostgreSQL).
func (tx *Tx) CurrentSetting(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.get(ctx, &v, `SELECT current_setting(?)`, name)
	return v, err
}

// Get reads one row of raw SQL in a transaction, for tests that look at
// what the database keeps of a connection.
func (tx *Tx) Get(ctx context.Context, dest any, query string, args ...any) error {
	return tx.get(ctx, dest, query, args...)
}

// PreparedPerConn is how many statements a PostgreSQL connection keeps
// prepared at most.
const PreparedPerConn = preparedPerConn

// Statements is how many statements the transaction has run so far.
func (tx *Tx) Statements() int { return tx.statements }

// BeginsTransaction is beginsTransaction, for its table test.
var BeginsTransaction = beginsTransaction
