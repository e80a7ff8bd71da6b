package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
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

// KeepReply stores a message's answer with its id, in the transaction that
// ran the command, so a retry is answered the same (for as long as the id
// is kept; PruneProcessed forgets both).
func (tx *Tx) KeepReply(ctx context.Context, source, msgID string, r teambot.KeptReply) error {
	var text any
	if r.Kept {
		text = r.Text
	}
	_, err := tx.exec(ctx, `UPDATE processed_messages SET reply = ?, reply_sealed = ?, reply_private = ?, reply_mentions = ?
		WHERE source = ? AND msg_id = ?`, text, r.Sealed, r.Private, strings.Join(r.Mentions, ","), source, msgID)
	if err != nil {
		return fmt.Errorf("keep the answer of message %s/%s: %w", source, msgID, err)
	}
	return nil
}

// KeptReplyOf reads the answer kept with a message id; Kept is false when
// there is none (an unknown id included).
func (tx *Tx) KeptReplyOf(ctx context.Context, source, msgID string) (teambot.KeptReply, error) {
	var row struct {
		Reply    sql.NullString `db:"reply"`
		Sealed   bool           `db:"reply_sealed"`
		Private  bool           `db:"reply_private"`
		Mentions string         `db:"reply_mentions"`
	}
	err := tx.get(ctx, &row, `SELECT reply, reply_sealed, reply_private, reply_mentions FROM processed_messages
		WHERE source = ? AND msg_id = ?`, source, msgID)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.KeptReply{}, nil
	}
	if err != nil {
		return teambot.KeptReply{}, fmt.Errorf("the answer kept for message %s/%s: %w", source, msgID, err)
	}
	return teambot.KeptReply{Kept: row.Reply.Valid, Sealed: row.Sealed,
		Reply: teambot.Reply{Text: row.Reply.String, Private: row.Private, Mentions: splitList(row.Mentions)}}, nil
}
