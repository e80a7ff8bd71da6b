package storage

import (
	"context"
	"fmt"
	"time"
)

// MarkProcessed records that a message id from a source (an endpoint) has
// been seen. It reports true the first time and false for a repeat, so a
// retried callback is handled once even across restarts.
func (tx *Tx) MarkProcessed(ctx context.Context, source, msgID string, at time.Time) (first bool, err error) {
	n, err := tx.exec(ctx, `INSERT INTO processed_messages (source, msg_id, received_at) VALUES (?, ?, ?)
		ON CONFLICT (source, msg_id) DO NOTHING`, source, msgID, utc(at))
	if err != nil {
		return false, fmt.Errorf("mark message %s/%s processed: %w", source, msgID, err)
	}
	return n == 1, nil
}

// PruneProcessed forgets message ids received before cutoff and reports how
// many it removed.
func (tx *Tx) PruneProcessed(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := tx.exec(ctx, `DELETE FROM processed_messages WHERE received_at < ?`, utc(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune processed messages: %w", err)
	}
	return n, nil
}
