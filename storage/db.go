// Package storage keeps teambot's records in SQLite (embedded, pure Go) or
// PostgreSQL through sqlx. Open picks the driver from the URL and applies the
// embedded migrations; every change runs in one transaction (DB.Update), and
// the repository methods live on Tx so they always run inside one.
//
// Nothing here reads the clock: callers pass times in, and they are stored as
// UTC truncated to microseconds, the precision both databases keep.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"modernc.org/sqlite" // registers "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// maxOpenPostgres is how many PostgreSQL connections a process opens at
// most, and maxIdlePostgres how many idle ones the pool keeps: all of them.
// A connection over the idle limit is closed when it is put back and a new
// one opened the next moment, and each new one is a server process
// forked: when the outbox's senders and the reminders' workers are busy
// together (a Monday at 09:00), that churn took much of the CPU. Idle
// connections still close after five minutes.
const (
	maxOpenPostgres = 16
	maxIdlePostgres = maxOpenPostgres
)

// DB is an open database with its schema up to date.
type DB struct {
	db      *sqlx.DB
	dialect Dialect
	epoch   *schemaEpoch // nil on SQLite
}

// Open connects to the database named by rawURL — sqlite://PATH or
// postgres://… (postgresql:// too) — and applies pending migrations.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	db, err := Connect(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, explainSQLite(err)
	}
	return db, nil
}

// Connect opens the database without migrating it.
func Connect(ctx context.Context, rawURL string) (*DB, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var x *sqlx.DB
	var epoch *schemaEpoch // PostgreSQL's: see preparingConn
	if dialect == Postgres {
		connector, err := pq.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s database: %w", dialect, err)
		}
		epoch = &schemaEpoch{}
		x = sqlx.NewDb(sql.OpenDB(ctxConnector{connector, epoch}), string(dialect))
	} else if x, err = sqlx.Open(string(dialect), dsn); err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	switch dialect {
	case SQLite:
		// One connection: SQLite has a single writer, and serializing in Go
		// avoids SQLITE_BUSY between our own goroutines. busy_timeout covers
		// other processes on the same file.
		x.SetMaxOpenConns(1)
		x.SetConnMaxIdleTime(0)
	case Postgres:
		x.SetMaxOpenConns(maxOpenPostgres)
		x.SetMaxIdleConns(maxIdlePostgres)
		x.SetConnMaxIdleTime(5 * time.Minute)
	}
	db := &DB{db: x, dialect: dialect, epoch: epoch}
	if err := db.Ping(ctx); err != nil {
		x.Close()
		return nil, explainSQLite(err)
	}
	return db, nil
}

// ctxConnector gives up opening a connection when the caller's context
// ends. lib/pq watches the context while dialling but not during the
// start-up exchange after it, so a server that accepts and never answers (a
// stalled host) would hold the caller — a command, /readyz — for ever. The
// abandoned attempt finishes, or fails, on its own; a connection it opens
// late is closed. Every connection keeps its statements prepared
// (preparingConn).
type ctxConnector struct {
	driver.Connector
	epoch *schemaEpoch
}

func (c ctxConnector) Connect(ctx context.Context) (driver.Conn, error) {
	type opened struct {
		conn driver.Conn
		err  error
	}
	done := make(chan opened, 1)
	go func() {
		conn, err := c.Connector.Connect(context.WithoutCancel(ctx))
		done <- opened{conn, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return nil, o.err
		}
		return newPreparingConn(o.conn, c.epoch), nil
	case <-ctx.Done():
		go func() {
			if o := <-done; o.err == nil {
				o.conn.Close()
			}
		}()
		return nil, fmt.Errorf("connect: %w", ctx.Err())
	}
}

// explainSQLite adds the likely cause to SQLite's terse errors about its
// file ("disk I/O error (778)"), which are what an operator sees at start
// when the disk is full or the file or its directory is read-only.
func explainSQLite(err error) error {
	var liteErr *sqlite.Error
	if !errors.As(err, &liteErr) {
		return err
	}
	var hint string
	switch liteErr.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_FULL:
		hint = "the disk is full"
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		hint = "the file or its directory is read-only, or not writable by this user"
	case sqlite3.SQLITE_CANTOPEN:
		hint = "cannot open the file: does its directory exist, and may this user write to it (SQLite needs the -wal and -shm files beside it)?"
	case sqlite3.SQLITE_IOERR:
		hint = "cannot read or write the file: is the disk full, or the file or its directory read-only?"
	default:
		return err
	}
	return fmt.Errorf("%w: %s", err, hint)
}

// ParseURL turns a TEAMBOT_DATABASE_URL into a driver name and its DSN.
func ParseURL(rawURL string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if path == "" || strings.ContainsAny(path, "?#") {
			return "", "", fmt.Errorf("database URL %q: want sqlite://PATH with a file path and no query", rawURL)
		}
		// The plain-path form lets the driver read these keys and hands
		// SQLite only the path. _txlock=immediate takes the write lock at
		// BEGIN, so a transaction never fails halfway on a lock upgrade.
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(5000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_time_format", "sqlite")
		q.Set("_timezone", "UTC")
		q.Set("_txlock", "immediate")
		return SQLite, path + "?" + q.Encode(), nil
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		u, err := url.Parse(rawURL)
		if err != nil {
			// url.Parse quotes the input, password and all: say less.
			return "", "", errors.New("database URL: not a valid postgres:// URL")
		}
		// lib/pq sends a statement with parameters in two round trips
		// (parse and describe, then bind and execute) unless it may send
		// them in binary: then in one. A command's dozen statements take
		// half the waits (unless the URL says otherwise).
		q := u.Query()
		if !q.Has("binary_parameters") {
			q.Set("binary_parameters", "yes")
		}
		// JIT compiling pays off only for long analytic queries. For a
		// bot's short statements it is a stall of a hundred milliseconds
		// and more whenever a plan's cost is misestimated (a table just
		// filled and not analyzed yet): the reminders of 100 000 teams
		// read ahead their members in 192 ms a chunk with it, 2 ms without.
		// lib/pq passes the setting to the server (unless the URL says
		// otherwise).
		if !q.Has("jit") {
			q.Set("jit", "off")
		}
		// Transactions begin at their first write (DB.try), which keeps
		// their meaning at READ COMMITTED, PostgreSQL's default: the
		// sessions run at it whatever the server's or the URL's default.
		q.Set("default_transaction_isolation", "read committed")
		u.RawQuery = q.Encode()
		return Postgres, u.String(), nil
	}
	return "", "", fmt.Errorf("database URL %s: want sqlite://PATH or postgres://USER@HOST/DB", Redact(rawURL))
}

// Redact hides the password of a database URL for printing.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparseable database URL, redacted)"
	}
	if u.User == nil {
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	return u.String()
}

// Dialect is the kind of database behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", db.dialect, err)
	}
	return nil
}

// Update runs fn in one read-write transaction. It commits when fn returns
// nil and rolls back when fn returns an error or panics (the panic goes on).
// The commit's own error is returned, never swallowed. An error that comes
// from the database being unreachable, full or read-only wraps
// teambot.ErrUnavailable.
//
// A pooled connection that turns out broken at BEGIN or at the first
// statement — nothing has taken effect yet — costs one more try on a fresh
// connection before the error is returned: after a database restart every
// idle connection is dead, and the first caller to find out should not be
// the one who loses.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) (err error) {
	return db.transact(ctx, false, fn)
}

// View runs fn in one read-only transaction.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.transact(ctx, true, fn)
}

func (db *DB) transact(ctx context.Context, readOnly bool, fn func(*Tx) error) error {
	again, err := db.try(ctx, readOnly, fn)
	if again && ctx.Err() == nil {
		db.dropIdle()
		_, err = db.try(ctx, readOnly, fn)
	}
	return err
}

// dropIdle closes the pool's idle connections, so that the next
// transaction dials a fresh one: when one pooled connection was found
// broken, the others opened before the same restart are too.
func (db *DB) dropIdle() {
	if db.dialect == Postgres {
		db.db.SetMaxIdleConns(0)
		db.db.SetMaxIdleConns(maxIdlePostgres)
	}
}

// try runs fn in one transaction; again reports that it failed on a broken
// connection before anything took effect, so it may be tried once more.
//
// On PostgreSQL the transaction begins at its first statement that writes
// or locks (beginsTransaction); the reads before it run on the same
// connection, each on its own. At READ COMMITTED — the isolation teambot
// runs at, see ParseURL — every statement of a transaction sees what was
// committed when it started, so those reads see what they would have seen
// inside it; and a function that only reads sends no BEGIN and no COMMIT
// at all (a callback of a read command: one round trip instead of three
// more). SQLite's statements cost no round trip: it begins at once.
func (db *DB) try(ctx context.Context, readOnly bool, fn func(*Tx) error) (again bool, err error) {
	tx := &Tx{dialect: db.dialect, ctx: ctx}
	tx.opts.ReadOnly = readOnly && db.dialect == Postgres
	if db.dialect == Postgres {
		if tx.conn, err = db.db.Connx(ctx); err != nil {
			return isBrokenConn(err), fmt.Errorf("begin transaction: %w", markUnavailable(err))
		}
		defer tx.conn.Close()
		tx.ext = connExt{tx.conn}
	} else if err = tx.begin(db.db); err != nil {
		return tx.brokenFirst, err
	}
	defer func() {
		if p := recover(); p != nil {
			if tx.sqlTx != nil {
				_ = tx.sqlTx.Rollback()
			}
			panic(p)
		}
		if tx.sqlTx == nil { // nothing was written: nothing to end
			if err != nil {
				again = tx.brokenFirst
			}
			return
		}
		if err != nil {
			again = tx.brokenFirst
			if rbErr := tx.sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, errTxDone) && !isBrokenConn(rbErr) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
			return
		}
		if cErr := tx.sqlTx.Commit(); cErr != nil {
			err = fmt.Errorf("commit: %w", markUnavailable(mapErr(cErr)))
		}
	}()
	return false, fn(tx)
}

// connExt runs a transaction's statements before it has begun, on its
// connection (*sqlx.Conn lacks DriverName and BindNamed of
// sqlx.ExtContext). Only PostgreSQL's transactions begin late.
type connExt struct{ *sqlx.Conn }

func (connExt) DriverName() string { return string(Postgres) }

func (connExt) BindNamed(query string, arg any) (string, []any, error) {
	return sqlx.BindNamed(sqlx.DOLLAR, query, arg)
}

// beginner is where a transaction begins: the pool (SQLite) or the
// connection its reads ran on (PostgreSQL).
type beginner interface {
	BeginTxx(ctx context.Context, opts *sql.TxOptions) (*sqlx.Tx, error)
}

// begin sends BEGIN; later statements run in the transaction, which lives
// as long as the context Update was given (not a statement's, which may be
// shorter). BEGIN failing on a broken connection before any statement ran
// may be tried again on a fresh one, as a first statement may.
func (tx *Tx) begin(on beginner) error {
	sqlTx, err := on.BeginTxx(tx.ctx, &tx.opts)
	if err != nil {
		tx.brokenFirst = tx.statements == 0 && isBrokenConn(err)
		return fmt.Errorf("begin transaction: %w", markUnavailable(err))
	}
	tx.sqlTx, tx.ext = sqlTx, sqlTx
	return nil
}

// Tx is a transaction; the repository methods hang off it.
type Tx struct {
	ext     sqlx.ExtContext // where statements run: the transaction once begun, else the connection
	dialect Dialect
	ctx     context.Context // Update's: the transaction's, once begun
	opts    sqlTxOptions
	conn    *sqlx.Conn // PostgreSQL: the connection held for the transaction
	sqlTx   *sqlx.Tx   // nil until the transaction has begun

	statements int // run so far, failed ones included
	writes     int // statements run so far that may write (anything but a SELECT)
	// brokenFirst: the first statement found the connection broken, or
	// its prepared statement planned against a schema since changed; a
	// fresh connection may succeed.
	brokenFirst bool
	// savepoint is the name of a savepoint marked and not yet sent: it
	// goes to the database before the next statement that may write.
	savepoint string
}

// done notes a statement's outcome and marks an error the database's fault
// as teambot.ErrUnavailable. Every statement of a Tx goes through it.
func (tx *Tx) done(err error) error {
	tx.statements++
	if err == nil {
		return nil
	}
	if tx.statements == 1 && (isBrokenConn(err) || isStalePlan(err)) {
		tx.brokenFirst = true
	}
	return markUnavailable(err)
}

// Dialect is the kind of database the transaction runs on.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// prepare is called before every statement: one that may write sends the
// savepoint marked before it, if any.
func (tx *Tx) prepare(ctx context.Context, query string) error {
	if tx.sqlTx == nil && beginsTransaction(query) {
		if err := tx.begin(tx.conn); err != nil {
			return err
		}
	}
	if reads(query) {
		return nil
	}
	tx.writes++
	if tx.savepoint == "" {
		return nil
	}
	return tx.sendSavepoint(ctx)
}

// sendSavepoint sends the savepoint marked and not yet sent, beginning
// the transaction first if it has not begun (a savepoint lives in one).
func (tx *Tx) sendSavepoint(ctx context.Context) error {
	if tx.sqlTx == nil {
		if err := tx.begin(tx.conn); err != nil {
			return err
		}
	}
	name := tx.savepoint
	tx.savepoint = ""
	_, err := tx.ext.ExecContext(ctx, "SAVEPOINT "+name)
	return tx.done(err)
}

// reads reports whether a statement only reads: a SELECT (one that locks
// rows included; a lock taken before the savepoint is held to the end of
// the transaction, as it would be anyway after a commit).
func reads(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// Wrote reports whether the transaction has run a statement that may
// write (anything but a SELECT), whether or not it was undone since.
func (tx *Tx) Wrote() bool { return tx.writes > 0 }

// beginsTransaction reports whether a statement must run inside the
// transaction: all but a SELECT that takes no lock and sets nothing. A row
// lock (FOR UPDATE and its kin), an advisory lock (pg_advisory_…,
// pg_try_advisory_…), a local setting or a notification taken outside a
// transaction would end with the statement. Texts are few and fixed, so
// each is looked at once.
func beginsTransaction(query string) bool {
	if v, ok := beginsCache.Load(query); ok {
		return v.(bool)
	}
	begins := !reads(query) || locksOrSets.MatchString(query)
	if beginsKept.Load() < maxBeginsKept && beginsKept.Add(1) <= maxBeginsKept {
		beginsCache.Store(query, begins)
	}
	return begins
}

var (
	beginsCache sync.Map     // query text → beginsTransaction
	beginsKept  atomic.Int32 // entries of beginsCache, at most maxBeginsKept
	locksOrSets = regexp.MustCompile(`(?i)\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|advisory|set_config|nextval|setval|pg_notify`)
)

// maxBeginsKept bounds beginsCache: texts are fixed but for lists of ids
// written out (one text per length), and a text beyond it is looked at
// each time.
const maxBeginsKept = 4096

// exec runs a statement written with ? placeholders.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := tx.prepare(ctx, query); err != nil {
		return 0, err
	}
	res, err := tx.ext.ExecContext(ctx, tx.ext.Rebind(query), args...)
	if err != nil {
		return 0, tx.done(mapErr(err))
	}
	tx.done(nil)
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, nil
}

// get scans one row into dest; no row is teambot.ErrNotFound.
func (tx *Tx) get(ctx context.Context, dest any, query string, args ...any) error {
	if err := tx.prepare(ctx, query); err != nil {
		return err
	}
	return tx.done(mapErr(sqlx.GetContext(ctx, tx.ext, dest, tx.ext.Rebind(query), args...)))
}

// selectRows scans all rows into dest, a pointer to a slice.
func (tx *Tx) selectRows(ctx context.Context, dest any, query string, args ...any) error {
	if err := tx.prepare(ctx, query); err != nil {
		return err
	}
	return tx.done(mapErr(sqlx.SelectContext(ctx, tx.ext, dest, tx.ext.Rebind(query), args...)))
}

// insert runs an INSERT written with ? placeholders and returns the new id.
// Both databases support RETURNING (SQLite since 3.35).
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	if err := tx.prepare(ctx, query); err != nil {
		return 0, err
	}
	var id int64
	err := sqlx.GetContext(ctx, tx.ext, &id, tx.ext.Rebind(query+" RETURNING id"), args...)
	return id, tx.done(mapErr(err))
}

// savepointName guards the identifiers Savepoint accepts: they are SQL text.
var savepointName = regexp.MustCompile(`^[a-z_]{1,32}$`)

// Savepoint marks a point of the transaction that RollbackTo can return to,
// undoing what came after while keeping what came before. The SAVEPOINT
// itself is sent with the next statement that may write (anything but a
// SELECT): until then there is nothing to undo, and a command that only
// reads pays no round trip for it. Reads in between that fail with a
// database error (not a missing row) leave PostgreSQL's transaction
// unusable, as they would without the savepoint: the caller ends it.
func (tx *Tx) Savepoint(ctx context.Context, name string) error {
	if !savepointName.MatchString(name) {
		return fmt.Errorf("savepoint name %q: want lower-case letters", name)
	}
	// An earlier one still unsent goes now, so that RollbackTo it
	// still finds it after this one is used.
	if tx.savepoint != "" && tx.savepoint != name {
		if err := tx.sendSavepoint(ctx); err != nil {
			return err
		}
	}
	tx.savepoint = name
	return nil
}

// RollbackTo undoes everything since the savepoint name; the transaction
// goes on (on PostgreSQL also after a failed statement). A savepoint not
// yet sent has nothing after it to undo.
func (tx *Tx) RollbackTo(ctx context.Context, name string) error {
	if !savepointName.MatchString(name) {
		return fmt.Errorf("savepoint name %q: want lower-case letters", name)
	}
	if name == tx.savepoint {
		return nil
	}
	tx.savepoint = "" // a later one, unsent, is gone with the rest
	_, err := tx.ext.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name)
	return tx.done(err)
}

// Release ends the savepoint name: what came after it is kept with the
// transaction, and a later write no longer sends it. One already sent is
// left for the commit to release, which costs no round trip.
func (tx *Tx) Release(name string) {
	if name == tx.savepoint {
		tx.savepoint = ""
	}
}

// utc is how times go into the database: UTC, to the microsecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}
