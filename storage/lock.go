package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// ErrLocked means another process holds the lock LockFile asked for.
var ErrLocked = errors.New("database file locked by another process")

// lockedError says which file is taken and what to do instead.
type lockedError struct{ path string }

func (e lockedError) Error() string {
	return "another teambot serve is already using " + e.path +
		" (SQLite allows one process; use PostgreSQL for several replicas)"
}

func (e lockedError) Is(target error) bool { return target == ErrLocked }

// LockFile takes an exclusive lock on path+".lock" (flock(2), so Linux,
// macOS and the BSDs) until release is called or the process ends. SQLite
// has one writer, so one serve owns a database file; a second one is
// refused with an error that is ErrLocked and says why. The kernel drops
// the lock when the process dies, SIGKILL included: a crash leaves nothing
// to clean up, and the lock file itself stays, empty.
func LockFile(path string) (release func(), err error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, lockedError{path}
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// SQLitePath is the file of a sqlite:// database URL; false for any other
// database.
func SQLitePath(rawURL string) (string, bool) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil || dialect != SQLite {
		return "", false
	}
	path, _, _ := strings.Cut(dsn, "?")
	return path, true
}
