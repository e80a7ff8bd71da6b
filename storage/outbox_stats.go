package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
)

// OutboxStats is what /metrics tells about the outbox.
type OutboxStats struct {
	Pending int // waiting for their first or next attempt
	Sending int // leased by a sender (or by one that died, until the lease runs out)
	Failed  int // given up on
	// OldestWaiting is when the oldest pending or sending message was
	// enqueued; zero when none waits.
	OldestWaiting time.Time
}

// OutboxStats counts the messages not yet sent and finds the oldest of
// them. Sent rows are not counted: they only grow.
func (tx *Tx) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var rows []struct {
		Status teambot.OutboxStatus `db:"status"`
		N      int                  `db:"n"`
	}
	if err := tx.selectRows(ctx, &rows, `SELECT status, COUNT(*) AS n FROM outbox WHERE status <> ? GROUP BY status`, teambot.OutboxSent); err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	var s OutboxStats
	for _, r := range rows {
		switch r.Status {
		case teambot.OutboxPending:
			s.Pending = r.N
		case teambot.OutboxSending:
			s.Sending = r.N
		case teambot.OutboxFailed:
			s.Failed = r.N
		}
	}
	if s.Pending+s.Sending == 0 {
		return s, nil
	}
	// A plain column keeps its declared type (an aggregate would lose it on
	// SQLite), so both drivers scan a time.
	err := tx.get(ctx, &s.OldestWaiting, `SELECT created_at FROM outbox WHERE status IN (?, ?)
		ORDER BY created_at LIMIT 1`, teambot.OutboxPending, teambot.OutboxSending)
	if errors.Is(err, teambot.ErrNotFound) { // sent between the two reads
		return s, nil
	}
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: oldest waiting message: %w", err)
	}
	return s, nil
}
