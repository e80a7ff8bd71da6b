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

	// Slots, when set, takes the sends of the rate-limited robots a leased
	// batch goes through in the lease's transaction: one lock, one read and
	// one insert for the batch, where taking them at each send was a
	// transaction per message. Such a message is delivered with a context
	// marked teambot.WithSlotsTaken; one whose robot has no room is
	// deferred until it has, and its team's later messages wait for it.
	Slots *Slots

	Lease       time.Duration // how long a leased row is ours; default 2 min
	Batch       int           // rows leased at a time; default 128
	Budget      time.Duration // how long one tick may keep sending; default 10 s
	Workers     int           // senders at once, each team's messages with one; default 16
	Every       time.Duration // how often Scheduler.Run ticks the outbox; 0: the scheduler's rhythm
	MaxAttempts int           // attempts before giving up on transient errors; default 12
}

// Slots is how the outbox takes the sends of rate-limited robots.
type Slots struct {
	// Robot names the robot a message goes through, by a digest of its
	// key, and how many sends it takes; ok is false for a message that
	// goes through none, or whose robot is worked out only when it is
	// sent (it then takes its sends itself).
	Robot  func(team teambot.Team, msg teambot.Outgoing) (robot string, n int, ok bool)
	Limit  int           // sends per robot within Window
	Window time.Duration // e.g. a minute
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
	// Each batch is leased after the last one's ids (LeaseOutboxAfter), so
	// a flood's leases do not walk again past what the tick settled.
	var after int64
	for o.since(started) < o.budget() {
		at := now.Add(o.since(started))
		b := leased{token: newToken(), at: at}
		err := o.Store.Update(ctx, func(tx Tx) (err error) {
			b.msgs, b.attempts, err = tx.LeaseOutboxAfter(ctx, at, lease, batch, b.token, after)
			if err != nil || len(b.msgs) == 0 {
				return err
			}
			// The batch's teams in one statement, not one per message.
			ids := make([]int64, 0, len(b.msgs))
			for _, m := range b.msgs {
				if m.TeamID != 0 {
					ids = append(ids, m.TeamID)
				}
			}
			if b.teams, err = tx.TeamsByIDs(ctx, distinct(ids)); err != nil {
				return err
			}
			return o.takeSlots(ctx, tx, &b, at)
		})
		switch {
		case err != nil:
			return err
		case len(b.msgs) == 0 && after == 0:
			return nil
		case len(b.msgs) == 0:
			// Past the last: once more from the first, for what became
			// due behind (a team's next message once its first went).
			after = 0
			continue
		}
		for _, m := range b.msgs {
			after = max(after, m.ID)
		}
		for range b.deferred {
			o.Metrics.delivery("deferred")
		}
		o.sendBatch(ctx, b, now, started, lease)
		if ctx.Err() != nil {
			return nil
		}
		// Again: a team's next group message becomes due once this one is
		// settled.
	}
	return nil
}

// leased is a batch of messages leased together.
type leased struct {
	token    string
	at       time.Time // when it was leased, on the tick's clock
	msgs     []teambot.Outgoing
	attempts []int
	teams    map[int64]teambot.Team
	held     []bool // the message's robot sends were taken with the lease
	skip     []bool // settled with the lease (deferred): not sent now
	deferred int    // how many were deferred for their robot's limit
}

// takeSlots takes, in the lease's transaction, the sends of each message
// of the batch that goes through a rate-limited robot. A message whose
// robot is full is deferred until its window has room, and its team's
// later messages of the batch are put back behind it, in order.
func (o *Outbox) takeSlots(ctx context.Context, tx Tx, b *leased, now time.Time) error {
	b.held, b.skip, b.deferred = make([]bool, len(b.msgs)), make([]bool, len(b.msgs)), 0
	if o.Slots == nil {
		return nil
	}
	var reqs []teambot.RobotSlots
	var of []int // the message of each request
	for i, m := range b.msgs {
		if robot, n, ok := o.Slots.Robot(b.teams[m.TeamID], m); ok && n <= o.Slots.Limit {
			reqs, of = append(reqs, teambot.RobotSlots{Robot: robot, N: n}), append(of, i)
		}
	}
	// Each send is counted from the lease, and a send that would start
	// more than slotMargin later is not made (sendBatch): a window longer
	// by that margin keeps the robot's sends a whole Window apart as
	// WeCom receives them.
	if err := tx.TakeRobotSlotsBatch(ctx, reqs, now, o.Slots.Limit, o.Slots.Window+slotMargin); err != nil {
		return err
	}
	held := map[int]teambot.RobotSlots{}
	for k, r := range reqs {
		held[of[k]] = r
	}
	waiting := map[int64]bool{} // teams with a message deferred
	for i, m := range b.msgs {
		r, asked := held[i]
		switch {
		case waiting[m.TeamID] && m.TeamID != 0:
			b.skip[i] = true
			if err := tx.RetryLater(ctx, m.ID, b.token, now, "an earlier message of its team was not sent", true); err != nil {
				return err
			}
		case asked && !r.OK:
			b.skip[i], waiting[m.TeamID] = true, true
			b.deferred++
			if err := tx.RetryLater(ctx, m.ID, b.token, r.Next, errRobotFull.Error(), true); err != nil {
				return err
			}
		case asked:
			b.held[i] = true
		}
	}
	return nil
}

// slotMargin bounds how long after its lease a message whose robot's
// send was taken with the lease may still be sent.
const slotMargin = 5 * time.Second

var errRobotFull = errors.New("the group robot has sent its limit within the window; deferred until it has room")

// sendBatch delivers one leased batch, the teams spread over the workers,
// and records what was sent: a recorder takes the sends as they finish
// and marks as many as are ready at a time in one transaction, so the
// senders share commits instead of waiting for one each.
func (o *Outbox) sendBatch(ctx context.Context, b leased, now, started time.Time, lease time.Duration) {
	msgs, token := b.msgs, b.token
	var order []int64
	byTeam := map[int64][]int{}
	for i, m := range msgs {
		if b.skip[i] {
			continue
		}
		if _, ok := byTeam[m.TeamID]; !ok {
			order = append(order, m.TeamID)
		}
		byTeam[m.TeamID] = append(byTeam[m.TeamID], i)
	}
	sent := make(chan int64, len(msgs))
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		o.recordSent(ctx, sent, token, now, started, lease)
	}()
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
					send := ctx
					if b.held[i] {
						if now.Add(elapsed).Sub(b.at) > slotMargin {
							// Its robot's send was counted at the lease; sent
							// now it could be the 21st within WeCom's minute.
							o.putBack(ctx, msgs, idx[k:], token, now.Add(elapsed), "its robot's send was taken too long ago")
							break
						}
						send = teambot.WithSlotsTaken(ctx)
					}
					ok, err := o.deliver(send, msgs[i], b.teams[msgs[i].TeamID], token, b.attempts[i], now.Add(elapsed), lease/2-elapsed)
					if err != nil {
						o.Log.Error("outbox message not settled", "id", msgs[i].ID, "err", err)
					}
					if ok {
						sent <- msgs[i].ID
						continue
					}
					if k+1 < len(idx) {
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
	close(sent)
	<-recorded
}

// recordSent marks the messages sent as they arrive, each time as many as
// have arrived in one transaction, until sent is closed.
func (o *Outbox) recordSent(ctx context.Context, sent <-chan int64, token string, now, started time.Time, lease time.Duration) {
	for id := range sent {
		ids := []int64{id}
	more:
		for {
			select {
			case id, ok := <-sent:
				if !ok {
					break more
				}
				ids = append(ids, id)
			default:
				break more
			}
		}
		settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
		_ = o.markSent(settle, ids, token, now.Add(o.since(started)), lease)
		cancel()
	}
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

// workers is how many senders work at once: a send mostly waits for
// WeCom, and what is sent is recorded for many senders in one commit.
func (o *Outbox) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return 16
}

func (o *Outbox) limits() (lease time.Duration, batch, maxAttempts int) {
	lease, batch, maxAttempts = o.Lease, o.Batch, o.MaxAttempts
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	if batch <= 0 {
		batch = 128
	}
	if maxAttempts <= 0 {
		maxAttempts = 12
	}
	return lease, batch, maxAttempts
}

// newToken identifies one lease.
func newToken() string { return teambot.RandomHex(12) }

// deliver sends one leased message and, when it was not taken, records the
// outcome under the same lease; a message taken is recorded by the batch's
// recorder (sendBatch). The batch starts a send only within the first half
// of its lease and the send is cut off after within (what is left of that
// half), so the lease is still ours when the outcome is recorded without
// renewing it first: a renewal would be another commit per message, each
// waiting for the disk. A lease that was taken over all the same (a clock
// jump) makes the outcome a no-op, never another's row overwritten.
func (o *Outbox) deliver(ctx context.Context, m teambot.Outgoing, team teambot.Team, token string, before int, now time.Time,
	within time.Duration) (sent bool, err error) {
	_, _, maxAttempts := o.limits()
	send, cancel := context.WithTimeout(ctx, max(within, time.Second))
	defer cancel()
	sendErr := o.Deliverer.Deliver(send, team, m)
	if sendErr == nil {
		return true, nil
	}
	if ctx.Err() == nil && send.Err() != nil {
		sendErr = fmt.Errorf("the send took longer than half the lease: %w", sendErr)
	}
	// What happened is recorded even when the sender is stopping.
	settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
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

// markSent records that WeCom took the messages. They are out, so failing
// to record it would send them again when the lease runs out: a database
// that drops for a moment is waited for, with short pauses, for as long as
// half the lease.
func (o *Outbox) markSent(ctx context.Context, ids []int64, token string, now time.Time, lease time.Duration) error {
	start, pause := o.now(), 250*time.Millisecond
	for {
		err := o.Store.Update(ctx, func(tx Tx) error { return tx.MarkSentMany(ctx, ids, token, now) })
		if err == nil {
			for range ids {
				o.Metrics.delivery("sent")
			}
			return nil
		}
		if o.since(start)+pause > lease/2 {
			o.Log.Error("outgoing messages sent but not recorded as sent: they may be sent again when their lease runs out",
				"ids", ids, "err", err)
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
