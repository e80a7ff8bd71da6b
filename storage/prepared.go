package storage

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/lib/pq"
)

// PostgreSQL parses and plans an unnamed statement every time it runs; a
// command's statements are few and always the same, and planning the
// biggest of them (ArriveInGroup's) cost more than running it. So every
// PostgreSQL connection keeps the statements it runs with parameters
// prepared, by their text: parsed once per connection, and after five runs
// planned once (PostgreSQL's generic plan, when it is no worse than the
// custom ones).
//
// A text is prepared the second time the connection runs it: the first
// time it goes unnamed, in one round trip as before, so a text that never
// comes again (a one-off, an IN list of an unusual length) costs nothing
// more; preparing costs one extra round trip, once per text and
// connection. At most preparedPerConn texts stay prepared on a
// connection, the least recently used closed first. They live as long as
// the connection: closing it (idle, dropIdle, broken) frees them on the
// server with it.
//
// The cache is below database/sql, in the connection the connector hands
// out, so a statement in a transaction uses what its own connection has
// prepared and never waits for another connection from the pool.
const (
	preparedPerConn = 256
	seenPerConn     = 4 * preparedPerConn // texts run once, remembered
)

// unprepared marks a context whose statements must not be prepared:
// the migrations', which change the schema the prepared statements were
// planned against.
type unpreparedKey struct{}

func unprepared(ctx context.Context) context.Context {
	return context.WithValue(ctx, unpreparedKey{}, true)
}

// pqConn is what lib/pq's connection implements and preparingConn passes
// on.
type pqConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// preparedStmt is what lib/pq's prepared statement implements.
type preparedStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

// schemaEpoch counts the times a prepared statement of a connector's was
// found planned against a schema that has since changed (another replica
// migrated the database). A connection opened before the latest is closed
// when it goes back to the pool, and with it every statement it prepared.
type schemaEpoch struct{ n atomic.Uint64 }

// preparingConn is a lib/pq connection that prepares the statements it
// runs with parameters. database/sql uses a connection from one goroutine
// at a time, so it needs no lock of its own.
type preparingConn struct {
	pqConn
	epoch   *schemaEpoch
	openedN uint64 // epoch.n when the connection opened

	prepared map[string]*list.Element // of *cachedStmt, by text
	recent   list.List                // most recently used first
	seen     map[string]struct{}      // run once, not yet prepared
}

type cachedStmt struct {
	query string
	stmt  preparedStmt
}

// newPreparingConn wraps a connection the driver opened; one that lacks
// what the cache needs (not lib/pq's) is returned as it is.
func newPreparingConn(conn driver.Conn, epoch *schemaEpoch) driver.Conn {
	pc, ok := conn.(pqConn)
	if !ok {
		return conn
	}
	return &preparingConn{
		pqConn:   pc,
		epoch:    epoch,
		openedN:  epoch.n.Load(),
		prepared: make(map[string]*list.Element),
		seen:     make(map[string]struct{}),
	}
}

// statement returns the prepared statement for query, preparing it on its
// second run; nil means: run it unnamed.
func (c *preparingConn) statement(ctx context.Context, query string) (preparedStmt, error) {
	if e, ok := c.prepared[query]; ok {
		c.recent.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt, nil
	}
	if _, ok := c.seen[query]; !ok || ctx.Value(unpreparedKey{}) != nil {
		if !ok {
			if len(c.seen) >= seenPerConn {
				clear(c.seen)
			}
			c.seen[query] = struct{}{}
		}
		return nil, nil
	}
	s, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := s.(preparedStmt)
	if !ok { // not lib/pq's: run it as it is
		return nil, errors.Join(s.Close(), errors.New("prepared statement: not lib/pq's"))
	}
	delete(c.seen, query)
	if c.recent.Len() >= preparedPerConn {
		oldest := c.recent.Back()
		c.recent.Remove(oldest)
		old := oldest.Value.(*cachedStmt)
		delete(c.prepared, old.query)
		if err := old.stmt.Close(); err != nil {
			_ = st.Close()
			return nil, err
		}
	}
	c.prepared[query] = c.recent.PushFront(&cachedStmt{query: query, stmt: st})
	return st, nil
}

// QueryContext runs a query, prepared when it has parameters and ran on
// this connection before.
func (c *preparingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.pqConn.QueryContext(ctx, query, args)
	}
	st, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.pqConn.QueryContext(ctx, query, args)
	}
	rows, err := st.QueryContext(ctx, args)
	return rows, c.failed(query, err)
}

// ExecContext runs a statement as QueryContext runs a query.
func (c *preparingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.pqConn.ExecContext(ctx, query, args)
	}
	st, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.pqConn.ExecContext(ctx, query, args)
	}
	res, err := st.ExecContext(ctx, args)
	return res, c.failed(query, err)
}

// failed looks at a prepared statement's error: one that says its plan
// was made for a schema since changed (a column's type, a SELECT * that
// gained a column) makes this connection, and every other one opened
// before, close when it goes back to the pool; the next connection
// prepares against the schema as it is now. The statement's transaction
// has failed; the caller may run it again (see Tx.done).
func (c *preparingConn) failed(query string, err error) error {
	if err != nil && isStalePlan(err) {
		c.epoch.n.Add(1)
		if e, ok := c.prepared[query]; ok {
			c.recent.Remove(e)
			delete(c.prepared, query)
		}
	}
	return err
}

// isStalePlan reports whether err is PostgreSQL refusing a prepared
// statement whose result columns changed with the schema. Its code,
// feature_not_supported, covers much else, hence the message.
func isStalePlan(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "0A000" &&
		strings.HasPrefix(pqErr.Message, "cached plan must not change result type")
}

// usable is false for a connection whose prepared statements may be
// planned against an old schema.
func (c *preparingConn) usable() bool {
	return c.epoch.n.Load() == c.openedN
}

// ResetSession refuses a stale connection, so database/sql closes it
// instead of handing it out again.
func (c *preparingConn) ResetSession(ctx context.Context) error {
	if !c.usable() {
		return driver.ErrBadConn
	}
	return c.pqConn.ResetSession(ctx)
}

// IsValid is false for a stale connection, so database/sql closes it when
// it is put back.
func (c *preparingConn) IsValid() bool {
	return c.usable() && c.pqConn.IsValid()
}
