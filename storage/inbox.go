package storage

import (
	"context"
	"fmt"
	"time"
)

// InboxRecord is a callback recorded before its empty 200, as leased for
// finishing: the sealed payload and how often it was taken over, this
// time included.
type InboxRecord struct {
	Source   string `db:"source"`
	MsgID    string `db:"msg_id"`
	Payload  string `db:"payload"`
	Attempts int    `db:"attempts"`
}

// KeepInbox records a callback, leased to token until until. A message
// already recorded keeps its record and owner.
func (tx *Tx) KeepInbox(ctx context.Context, source, msgID, payload, token string, now, until time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO inbox (source, msg_id, payload, lease_token, lease_until, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, msg_id) DO NOTHING`, source, msgID, payload, token, utc(until), utc(now))
	if err != nil {
		return fmt.Errorf("record message %s/%s in the inbox: %w", source, msgID, err)
	}
	return nil
}

// FinishInbox marks a record done if token still holds it, and reports
// whether it did: the caller enqueues the answer in the same transaction
// only then, so one message is answered once.
func (tx *Tx) FinishInbox(ctx context.Context, source, msgID, token string, now time.Time) (bool, error) {
	n, err := tx.exec(ctx, `UPDATE inbox SET status = 'done', done_at = ?, payload = ''
		WHERE source = ? AND msg_id = ? AND lease_token = ? AND status = 'pending'`, utc(now), source, msgID, token)
	if err != nil {
		return false, fmt.Errorf("finish inbox message %s/%s: %w", source, msgID, err)
	}
	return n == 1, nil
}

// FailInbox gives a record up for good, if token still holds it.
func (tx *Tx) FailInbox(ctx context.Context, source, msgID, token string) error {
	_, err := tx.exec(ctx, `UPDATE inbox SET status = 'failed', payload = ''
		WHERE source = ? AND msg_id = ? AND lease_token = ? AND status = 'pending'`, source, msgID, token)
	if err != nil {
		return fmt.Errorf("give up inbox message %s/%s: %w", source, msgID, err)
	}
	return nil
}

// LeaseInbox takes up to limit records whose owner's lease ran out (the
// owner died, or its command could not run), leasing each to token until
// now+lease; on PostgreSQL concurrent takers skip each other's rows.
func (tx *Tx) LeaseInbox(ctx context.Context, now time.Time, lease time.Duration, limit int, token string) ([]InboxRecord, error) {
	lock := ""
	if tx.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var recs []InboxRecord
	err := tx.selectRows(ctx, &recs, `SELECT source, msg_id, payload, attempts FROM inbox
		WHERE status = 'pending' AND lease_until <= ? ORDER BY received_at, source, msg_id LIMIT ?`+lock, utc(now), limit)
	if err != nil {
		return nil, fmt.Errorf("lease inbox: %w", err)
	}
	for i, r := range recs {
		if _, err := tx.exec(ctx, `UPDATE inbox SET lease_token = ?, lease_until = ?, attempts = attempts + 1
			WHERE source = ? AND msg_id = ?`, token, utc(now.Add(lease)), r.Source, r.MsgID); err != nil {
			return nil, fmt.Errorf("lease inbox message %s/%s: %w", r.Source, r.MsgID, err)
		}
		recs[i].Attempts = r.Attempts + 1
	}
	return recs, nil
}

// PruneInbox forgets finished and given-up records received before cutoff
// and reports how many.
func (tx *Tx) PruneInbox(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := tx.exec(ctx, `DELETE FROM inbox WHERE status <> 'pending' AND received_at < ?`, utc(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune inbox: %w", err)
	}
	return n, nil
}
