package storage

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// SessionLock is a lock held for as long as a database session lives: on
// PostgreSQL a session advisory lock on a connection of its own, so that
// it is released when the holder dies (its connection ends); on SQLite it
// is granted at once (one process per file, see LockFile).
type SessionLock struct {
	lost    chan struct{}
	release func()
	once    sync.Once
}

// Lost is closed when the lock is no longer held: its connection failed.
func (l *SessionLock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up.
func (l *SessionLock) Release() { l.once.Do(l.release) }

// checkEvery is how often a held lock's connection is checked.
const checkEvery = 5 * time.Second

// TryLock takes the lock named name if nobody holds it: nil, nil when
// another session does.
func (db *DB) TryLock(ctx context.Context, name string) (*SessionLock, error) {
	l := &SessionLock{lost: make(chan struct{})}
	if db.dialect != Postgres {
		l.release = func() {}
		return l, nil
	}
	conn, err := db.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var got bool
	if err := conn.GetContext(ctx, &got, `SELECT pg_try_advisory_lock(hashtext($1))`, name); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !got {
		conn.Close()
		return nil, nil
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				pctx, cancel := context.WithTimeout(context.Background(), checkEvery)
				err := conn.PingContext(pctx)
				cancel()
				if err != nil {
					close(l.lost)
					return
				}
			}
		}
	}()
	l.release = func() {
		close(stop)
		<-done
		uctx, cancel := context.WithTimeout(context.Background(), checkEvery)
		defer cancel()
		_, _ = conn.ExecContext(uctx, `SELECT pg_advisory_unlock(hashtext($1))`, name) // closing the connection releases it anyway
		conn.Close()
	}
	return l, nil
}
