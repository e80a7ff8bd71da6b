package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	// Metrics, when set, counts how each send attempt was settled.
	Metrics *Metrics
	// Now is the clock a tick's time is measured on (its Budget, half the
	// lease, the times written with each outcome); time.Now when nil. Run's
	// now is the tick's time on the same clock.
	Now func() time.Time

	Lease       time.Duration // how long a leased row is ours; default 2 min
	Batch       int           // rows leased at a time; default 64
	Budget      time.Duration // how long one tick may keep sending; default 10 s
	Workers     int           // senders at once, each team's messages with one; default 8
	Every       time.Duration // how often Scheduler.Run ticks the outbox; 0: the scheduler's rhythm
	MaxAttempts int           // attempts before giving up on transient errors; default 12
}

func (o *Outbox) Name() string { return "outbox" }

// Interval is how often Scheduler.Run ticks the outbox: more often than
// the reminders, so what a command or a reminder enqueued leaves soon.
func (o *Outbox) Interval() time.Duration { return o.Every }

// Run delivers the messages due at now: batch after batch, until none is
// due or the tick has spent its Budget. A batch's messages go out from
// Workers senders at once, each team's in order by one sender (the parts
// of a long message stay in order). A batch stops starting sends once half
// the lease has passed (on the Now clock), and each send is cut off by the
// end of that half: a row is settled while its lease is ours, and one
// whose lease ran out all the same is left to whoever holds it.
func (o *Outbox) Run(ctx context.Context, now time.Time) error {
	lease, batch, _ := o.limits()
	started := o.now()
	for o.since(started) < o.budget() {
		token := newToken()
		var msgs []teambot.Outgoing
		var attempts []int
		err := o.Store.Update(ctx, func(tx Tx) (err error) {
			msgs, attempts, err = tx.LeaseOutbox(ctx, now.Add(o.since(started)), lease, batch, token)
			return err
		})
		if err != nil || len(msgs) == 0 {
			return err
		}
		o.sendBatch(ctx, msgs, attempts, token, now, started, lease)
		if ctx.Err() != nil {
			return nil
		}
		// Again: a team's next group message becomes due once this one is
		// settled.
	}
	return nil
}

// sendBatch delivers one leased batch, the teams spread over the workers.
func (o *Outbox) sendBatch(ctx context.Context, msgs []teambot.Outgoing, attempts []int, token string, now, started time.Time, lease time.Duration) {
	var order []int64
	byTeam := map[int64][]int{}
	for i, m := range msgs {
		if _, ok := byTeam[m.TeamID]; !ok {
			order = append(order, m.TeamID)
		}
		byTeam[m.TeamID] = append(byTeam[m.TeamID], i)
	}
	// The teams of the batch in one transaction, not one per message.
	known := map[int64]teambot.Team{}
	err := o.Store.Update(ctx, func(tx Tx) error {
		for _, id := range order {
			if id == 0 {
				continue
			}
			team, err := tx.TeamByID(ctx, id)
			if err != nil {
				return err
			}
			known[id] = team
		}
		return nil
	})
	if err != nil {
		o.Log.Error("outbox batch not sent: its teams could not be read", "err", err)
		o.retryAll(ctx, msgs, attempts, token, now.Add(o.since(started)), err)
		return
	}
	teams := make(chan []int)
	var wg sync.WaitGroup
	for range min(o.workers(), len(order)) {
		wg.Go(func() {
			for idx := range teams {
				for k, i := range idx {
					elapsed := o.since(started)
					if elapsed > lease/2 {
						o.Log.Warn("outbox message left at half its lease; it is sent on a later tick", "id", msgs[i].ID)
						break // leased again once the lease runs out, still in order
					}
					if ctx.Err() != nil {
						o.putBack(ctx, msgs, idx[k:], token, now.Add(elapsed), "the sender is stopping")
						break
					}
					sent, err := o.deliver(ctx, msgs[i], known[msgs[i].TeamID], token, attempts[i], now.Add(elapsed), lease/2-elapsed)
					if err != nil {
						o.Log.Error("outbox message not settled", "id", msgs[i].ID, "err", err)
					}
					if !sent && k+1 < len(idx) {
						// A team's messages go out in order: the rest wait for this one.
						o.putBack(ctx, msgs, idx[k+1:], token, now.Add(elapsed), "an earlier message of its team was not sent")
						break
					}
				}
			}
		})
	}
	for _, team := range order {
		teams <- byTeam[team]
	}
	close(teams)
	wg.Wait()
}

// putBack returns leased messages unsent, due again at once (not counted
// as an attempt), so that the next lease takes them in order.
func (o *Outbox) putBack(ctx context.Context, msgs []teambot.Outgoing, idx []int, token string, now time.Time, why string) {
	if len(idx) == 0 {
		return
	}
	settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err := o.Store.Update(settle, func(tx Tx) error {
		for _, i := range idx {
			if err := tx.RetryLater(settle, msgs[i].ID, token, now, why, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		o.Log.Error("outbox messages not put back; they are leased again when the lease runs out", "count", len(idx), "err", err)
	}
}

// retryAll puts a batch back for another attempt after the usual backoff:
// something before any send failed (the database).
func (o *Outbox) retryAll(ctx context.Context, msgs []teambot.Outgoing, attempts []int, token string, now time.Time, cause error) {
	settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err := o.Store.Update(settle, func(tx Tx) error {
		for i, m := range msgs {
			if err := tx.RetryLater(settle, m.ID, token, now.Add(backoff(attempts[i])), cause.Error(), false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		o.Log.Error("outbox batch not put back; it is leased again when the lease runs out", "count", len(msgs), "err", err)
	}
	for range msgs {
		o.Metrics.delivery("error")
	}
}

// settleTimeout bounds recording a send's outcome, which goes on when the
// sender is stopping: a message WeCom took must be recorded as sent.
const settleTimeout = 10 * time.Second

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// since is the time passed since start on the Now clock.
func (o *Outbox) since(start time.Time) time.Duration { return o.now().Sub(start) }

// budget is how long one tick may spend sending.
func (o *Outbox) budget() time.Duration {
	if o.Budget > 0 {
		return o.Budget
	}
	return 10 * time.Second
}

// workers is how many senders work at once. Each send commits twice
// (the robot's slot, the row marked sent) and a commit waits for the
// disk: many senders at once share each flush (PostgreSQL's group
// commit) where a few wait in line for it.
func (o *Outbox) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return 8
}

func (o *Outbox) limits() (lease time.Duration, batch, maxAttempts int) {
	lease, batch, maxAttempts = o.Lease, o.Batch, o.MaxAttempts
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	if batch <= 0 {
		batch = 64
	}
	if maxAttempts <= 0 {
		maxAttempts = 12
	}
	return lease, batch, maxAttempts
}

// newToken identifies one lease.
func newToken() string { return teambot.RandomHex(12) }

// deliver sends one leased message and records the outcome under the same
// lease. The batch starts a send only within the first half of its lease
// and the send is cut off after within (what is left of that half), so the
// lease is still ours when the outcome is recorded without renewing it
// first: a renewal would be a third commit per message, each waiting for
// the disk. A lease that was taken over all the same (a clock jump) makes
// the outcome a no-op, never another's row overwritten.
func (o *Outbox) deliver(ctx context.Context, m teambot.Outgoing, team teambot.Team, token string, before int, now time.Time,
	within time.Duration) (sent bool, err error) {
	lease, _, maxAttempts := o.limits()
	send, cancel := context.WithTimeout(ctx, max(within, time.Second))
	defer cancel()
	sendErr := o.Deliverer.Deliver(send, team, m)
	if sendErr != nil && ctx.Err() == nil && send.Err() != nil {
		sendErr = fmt.Errorf("the send took longer than half the lease: %w", sendErr)
	}
	// What happened is recorded even when the sender is stopping.
	settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if sendErr == nil {
		err := o.markSent(settle, m, token, now, lease)
		return err == nil, err
	}
	var retry *teambot.RetryAfterError
	var permanent *teambot.PermanentError
	err = o.Store.Update(settle, func(tx Tx) error {
		switch {
		case errors.As(sendErr, &permanent):
			o.Metrics.delivery("failed")
			o.Log.Error("outgoing message given up", "id", m.ID, "origin", m.Origin, "err", sendErr)
			return tx.MarkFailed(settle, m.ID, token, sendErr.Error())
		case errors.As(sendErr, &retry):
			o.Metrics.delivery("deferred")
			return tx.RetryLater(settle, m.ID, token, now.Add(retry.Wait), sendErr.Error(), true)
		case before+1 >= maxAttempts:
			o.Metrics.delivery("failed")
			o.Log.Error("outgoing message given up after repeated failures", "id", m.ID, "origin", m.Origin, "attempts", before+1, "err", sendErr)
			return tx.MarkFailed(settle, m.ID, token, fmt.Sprintf("after %d attempts: %v", before+1, sendErr))
		}
		o.Metrics.delivery("retry")
		wait := backoff(before)
		o.Log.Warn("outgoing message will be retried", "id", m.ID, "origin", m.Origin, "wait", wait, "err", sendErr)
		return tx.RetryLater(settle, m.ID, token, now.Add(wait), sendErr.Error(), false)
	})
	if err == nil && permanent != nil && permanent.BrokenWebhook && o.Broken != nil && team.ChatID != "" {
		o.Broken(settle, team.ChatID) // after the commit: it writes in its own transaction
	}
	return false, err
}

// markSent records that WeCom took m. The message is out, so failing to
// record it would send it again when the lease runs out: a database that
// drops for a moment is waited for, with short pauses, for as long as half
// the lease.
func (o *Outbox) markSent(ctx context.Context, m teambot.Outgoing, token string, now time.Time, lease time.Duration) error {
	start, pause := o.now(), 250*time.Millisecond
	for {
		err := o.Store.Update(ctx, func(tx Tx) error { return tx.MarkSent(ctx, m.ID, token, now) })
		if err == nil {
			o.Metrics.delivery("sent")
			return nil
		}
		if o.since(start)+pause > lease/2 {
			o.Log.Error("outgoing message sent but not recorded as sent: it may be sent again when its lease runs out",
				"id", m.ID, "origin", m.Origin, "err", err)
			return err
		}
		if teambot.Sleep(ctx, pause) != nil {
			return err
		}
		pause = min(2*pause, 4*time.Second)
	}
}

// backoff is the wait after the nth failed attempt (n from 0): 15 s doubling
// to at most 30 minutes.
func backoff(n int) time.Duration {
	d := 15 * time.Second << min(n, 7)
	return min(d, 30*time.Minute)
}
