package storage_test

import (
	"errors"
	"path/filepath"
	"testing"

	"teambot/storage"
)

// One lock per SQLite file: a second LockFile fails with the message serve
// prints, and succeeds once the first is released. flock locks belong to
// open files, so two locks in one process conflict as two processes' do.
func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teambot.db")
	release, err := storage.LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = storage.LockFile(path)
	want := "another teambot serve is already using " + path + " (SQLite allows one process; use PostgreSQL for several replicas)"
	if err == nil || err.Error() != want || !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("second lock: err = %v, want ErrLocked saying %q", err, want)
	}
	release()
	again, err := storage.LockFile(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}

func TestSQLitePath(t *testing.T) {
	for url, want := range map[string]string{
		"sqlite://teambot.db":          "teambot.db",
		"sqlite:///var/lib/teambot.db": "/var/lib/teambot.db",
		"postgres://u@h/db":            "",
	} {
		got, ok := storage.SQLitePath(url)
		if got != want || ok != (want != "") {
			t.Errorf("SQLitePath(%q) = %q, %v; want %q", url, got, ok, want)
		}
	}
}
