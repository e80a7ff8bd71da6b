//go:build integration && linux

package integration

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SQLite has one writer: a second serve on the same file is refused with
// a message that says why and what to use instead, while the first one
// keeps running; once the first is killed (SIGKILL, no cleanup), the
// kernel has dropped its lock and a new serve starts on the file.
func TestSQLiteRefusesASecondServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teambot.db")
	env := []string{"TEAMBOT_DATABASE_URL=sqlite://" + path, "TEAMBOT_LISTEN=127.0.0.1:0"}

	first := startServe(t, "first", env...)
	first.waitListening(t, 90*time.Second)

	second := startServe(t, "second", env...)
	select {
	case <-second.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("a second serve on %s is still running", path)
	}
	want := "another teambot serve is already using " + path + " (SQLite allows one process; use PostgreSQL for several replicas)"
	if second.err == nil || !strings.Contains(second.stderr.String(), want) {
		t.Errorf("second serve: exit %v, output:\n%s\nwant a failure saying %q", second.err, second.stderr.String(), want)
	}
	select {
	case <-first.exited:
		t.Fatalf("the first serve stopped: %v", first.err)
	default:
	}

	first.kill()
	third := startServe(t, "third", env...)
	third.waitListening(t, 90*time.Second)
}
