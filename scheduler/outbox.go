package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"teambot"
)

// Deliverer sends one outgoing message of a team. It returns a
// *teambot.RetryAfterError to be tried again after a wait, a
// *teambot.PermanentError to give up, and any other error to be retried
// with backoff.
type Deliverer interface {
	Deliver(ctx context.Context, team teambot.Team, msg teambot.Outgoing) error
}

// Outbox delivers the stored outgoing messages. Every message is a row
// before anything is sent; a sender leases rows before sending, so two
// replicas never send the same row, and a sender that dies mid-way leaves
// its rows to be leased again when the lease runs out.
//
// Exactly once, with one honest limit: WeCom's send API has no idempotency
// key, so a process killed after WeCom accepted a message but before the row
// was marked sent (a window of one database write) sends it again.
type Outbox struct {
	Store     Store
	Deliverer Deliverer
	// Broken is told when WeCom says a team's group robot is gone.
	Broken func(ctx context.Context, chatID string)
	Log    *slog.Logger

	Lease       time.Duration // how long a leased row is ours; default 2 min
	Batch       int           // rows per tick; default 20 (one robot's minute)
	MaxAttempts int           // attempts before giving up on transient errors; default 12
}

func (o *Outbox) Name() string { return "outbox" }

// Run delivers the messages due at now.
func (o *Outbox) Run(ctx context.Context, now time.Time) error {
	lease, batch, _ := o.limits()
	var msgs []teambot.Outgoing
	var attempts []int
	err := o.Store.Update(ctx, func(tx Tx) (err error) {
		msgs, attempts, err = tx.LeaseOutbox(ctx, now, lease, batch)
		return err
	})
	if err != nil {
		return err
	}
	for i, m := range msgs {
		if err := o.deliver(ctx, m, attempts[i], now); err != nil {
			return err
		}
	}
	return nil
}

func (o *Outbox) limits() (lease time.Duration, batch, maxAttempts int) {
	lease, batch, maxAttempts = o.Lease, o.Batch, o.MaxAttempts
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	if batch <= 0 {
		batch = 20
	}
	if maxAttempts <= 0 {
		maxAttempts = 12
	}
	return lease, batch, maxAttempts
}

// deliver sends one leased message and records the outcome.
func (o *Outbox) deliver(ctx context.Context, m teambot.Outgoing, before int, now time.Time) error {
	var team teambot.Team
	if m.TeamID != 0 {
		err := o.Store.Update(ctx, func(tx Tx) (err error) {
			team, err = tx.TeamByID(ctx, m.TeamID)
			return err
		})
		if err != nil {
			return err
		}
	}
	sendErr := o.Deliverer.Deliver(ctx, team, m)
	_, _, maxAttempts := o.limits()
	var retry *teambot.RetryAfterError
	var permanent *teambot.PermanentError
	err := o.Store.Update(ctx, func(tx Tx) error {
		switch {
		case sendErr == nil:
			return tx.MarkSent(ctx, m.ID, now)
		case errors.As(sendErr, &permanent):
			o.Log.Error("outgoing message given up", "id", m.ID, "origin", m.Origin, "err", sendErr)
			return tx.MarkFailed(ctx, m.ID, sendErr.Error())
		case errors.As(sendErr, &retry):
			return tx.RetryLater(ctx, m.ID, now.Add(retry.Wait), sendErr.Error())
		case before+1 >= maxAttempts:
			o.Log.Error("outgoing message given up after repeated failures", "id", m.ID, "origin", m.Origin, "attempts", before+1, "err", sendErr)
			return tx.MarkFailed(ctx, m.ID, fmt.Sprintf("after %d attempts: %v", before+1, sendErr))
		}
		wait := backoff(before)
		o.Log.Warn("outgoing message will be retried", "id", m.ID, "origin", m.Origin, "wait", wait, "err", sendErr)
		return tx.RetryLater(ctx, m.ID, now.Add(wait), sendErr.Error())
	})
	if err == nil && permanent != nil && permanent.BrokenWebhook && o.Broken != nil && team.ChatID != "" {
		o.Broken(ctx, team.ChatID) // after the commit: it writes in its own transaction
	}
	return err
}

// backoff is the wait after the nth failed attempt (n from 0): 15 s doubling
// to at most 30 minutes.
func backoff(n int) time.Duration {
	d := 15 * time.Second << min(n, 7)
	return min(d, 30*time.Minute)
}
