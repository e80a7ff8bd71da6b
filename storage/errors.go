package storage

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"teambot"
)

var errTxDone = sql.ErrTxDone

type sqlTxOptions = sql.TxOptions

// mapErr turns driver errors that callers act on into the domain sentinels,
// by error code, never by message text.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", teambot.ErrNotFound, err)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %w", teambot.ErrDuplicate, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505" // unique_violation
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// markUnavailable wraps err in teambot.ErrUnavailable when the database,
// not the command, is why it failed: the caller may try the same thing
// again later and expect it to work.
func markUnavailable(err error) error {
	if err == nil || errors.Is(err, teambot.ErrUnavailable) || !isUnavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", teambot.ErrUnavailable, err)
}

// isUnavailable reports whether err says the database cannot be reached or
// written right now, by driver error code.
func isUnavailable(err error) bool {
	if isBrokenConn(err) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch {
		case pqErr.Code.Class() == "53": // insufficient resources: 53100 disk full, 53200 out of memory, 53300 too many connections
			return true
		case pqErr.Code == "25006": // read_only_sql_transaction: a standby, or default_transaction_read_only
			return true
		}
		return false
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff { // the primary result code covers every extended one
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM,
			sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB:
			return true
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			// Another process held the file past busy_timeout: a retry
			// may find it free.
			return true
		}
		// SQLITE_CORRUPT is not: the file needs an operator, and no retry
		// within WeCom's seconds can succeed. The user is told the command
		// did not run.
	}
	return false
}

// isBrokenConn reports whether err says the connection itself failed — the
// server went away, closed it or refused it — rather than the statement.
func isBrokenConn(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return pqErr.Code.Class() == "08" // connection exception
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
