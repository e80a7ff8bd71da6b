package commands

import (
	"context"
	"time"

	"teambot"
)

// A message WeCom would refuse as too long goes out in parts. Every part is
// its own outbox row, queued in order, so a failure of one part never
// resends the parts that went out (the reminders are split the same way by
// the scheduler).

// splitStore hands handlers transactions that split what they enqueue.
type splitStore struct {
	Store
	split func(teambot.Outgoing) []string
}

func (s splitStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(splitTx{tx, s.split}) })
}

// splitTx is a transaction whose Enqueue writes one row per part.
type splitTx struct {
	Tx
	split func(teambot.Outgoing) []string
}

func (t splitTx) Enqueue(ctx context.Context, msgs []teambot.Outgoing, now time.Time) error {
	var out []teambot.Outgoing
	for _, m := range msgs {
		parts := t.split(m)
		if len(parts) <= 1 {
			out = append(out, m)
			continue
		}
		for i, p := range parts {
			part := m
			part.Text = p
			if i > 0 {
				part.Mentions = nil // @mentions go with the first part
				part.Card = nil     // and the card: its task id goes out once
			}
			out = append(out, part)
		}
	}
	return t.Tx.Enqueue(ctx, out, now)
}

// Unwrap is the transaction t splits the messages of (see TxAs).
func (t splitTx) Unwrap() Tx { return t.Tx }
