package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /readyz proves the database takes a write — it rewrites the health row —
// and does so at most once a second however often it is probed; a database
// that answers but takes no write makes it 503.
func TestReadyzWritesAtMostOnceASecond(t *testing.T) {
	for name, newURL := range map[string]func(testing.TB) string{"sqlite": storagetest.SQLiteURL, "postgres": storagetest.PostgresURL} {
		t.Run(name, func(t *testing.T) { testReadyz(t, newURL(t)) })
	}
}

func testReadyz(t *testing.T, rawURL string) {
	db, err := storage.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := storagetest.Raw(t, rawURL)
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	a := &app{db: db, log: slog.New(slog.DiscardHandler), ready: &readiness{db: db, now: func() time.Time { return at }}}
	{
		probe := func(want int) {
			t.Helper()
			rec := httptest.NewRecorder()
			a.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if rec.Code != want {
				t.Errorf("/readyz at %v = %d %q, want %d", at, rec.Code, rec.Body.String(), want)
			}
		}
		written := func() time.Time {
			t.Helper()
			var got time.Time
			if err := raw.QueryRow(`SELECT checked_at FROM health WHERE id = 1`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			return got.UTC()
		}
		probe(http.StatusOK)
		first := written()
		at = at.Add(900 * time.Millisecond)
		for range 50 {
			probe(http.StatusOK)
		}
		if got := written(); !got.Equal(first) {
			t.Errorf("50 probes within the second wrote %v, want only the first write (%v)", got, first)
		}
		at = at.Add(100 * time.Millisecond)
		probe(http.StatusOK)
		if got := written(); !got.Equal(at) {
			t.Errorf("a probe a second later wrote %v, want %v", got, at)
		}

		// The database still answers, but takes no write: SQLite's file
		// is locked by another process past the probe's two seconds,
		// PostgreSQL's disk is full (53100).
		if db.Dialect() == storage.SQLite {
			conn, err := raw.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
				t.Fatal(err)
			}
			defer conn.ExecContext(context.Background(), `ROLLBACK`)
		} else {
			for _, stmt := range storagetest.FullDisk("health") {
				if _, err := raw.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		probe(http.StatusOK) // within the second: the last answer
		at = at.Add(time.Second)
		probe(http.StatusServiceUnavailable)
	}
}
