package wecom

import (
	"context"
	"slices"
	"sync"
	"time"
)

// WeCom accepts at most WebhookLimit messages per group robot in any
// WebhookWindow (docs/wecom-protocol.md §6).
const (
	WebhookLimit  = 20
	WebhookWindow = time.Minute
)

// limiter is the Client's own pacing of one process's webhook sends, a
// pre-filter only: it knows nothing of other replicas, so it cannot enforce
// WeCom's limit. The limit is enforced where every replica's sends are
// counted together, in the database (bot.Pusher.Slots, which
// cmd/teambot's outbox wires to storage's TakeRobotSlots with the same
// WebhookLimit and WebhookWindow): the outbox reserves a message's sends
// there before it calls the Client, so in serve this window should never
// have to wait (at most for the moment between reserving and sending).
// It paces a Client used without the outbox, and keeps one process's
// burst from reaching WeCom should the two ever disagree.
//
// It keeps, per webhook key, the times of the sends in the last window,
// oldest first. A send that must wait reserves its future time at once, so
// concurrent senders queue up in order instead of racing for the same slot.
type limiter struct {
	mu    sync.Mutex
	sends map[string][]time.Time
	// pruneAt is the number of keys at which the map is next pruned:
	// twice what a prune left (at least pruneFloor), so that pruning, which
	// looks at every key, costs a constant per send however many robots
	// sent within the window.
	pruneAt int
	prunes  int // how many times it pruned, for tests
}

// pruneFloor is how many keys the map holds before it is first pruned.
const pruneFloor = 4096

// reserve takes the earliest time at or after now at which key may send
// again and returns it with how long to wait for it.
func (l *limiter) reserve(key string, now time.Time) (time.Time, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.sends[key]
	gone := 0
	for gone < len(times) && !times[gone].After(now.Add(-WebhookWindow)) {
		gone++
	}
	times = times[gone:]
	if len(times) == 0 {
		delete(l.sends, key) // idle robots do not accumulate
	}
	if len(l.sends) > max(l.pruneAt, pruneFloor) {
		l.prune(now)
	}
	slot := now
	if len(times) >= WebhookLimit {
		// the oldest of the last WebhookLimit sends must have left the window
		if free := times[len(times)-WebhookLimit].Add(WebhookWindow); free.After(slot) {
			slot = free
		}
	}
	l.sends[key] = append(times, slot)
	return slot, slot.Sub(now)
}

// prune forgets every key with no send in the window, so the map is bounded
// by the robots active in the last minute.
func (l *limiter) prune(now time.Time) {
	for k, times := range l.sends {
		if len(times) == 0 || !times[len(times)-1].After(now.Add(-WebhookWindow)) {
			delete(l.sends, k)
		}
	}
	l.pruneAt, l.prunes = 2*len(l.sends), l.prunes+1
}

// cancel gives back a slot that was reserved but not used.
func (l *limiter) cancel(key string, slot time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.sends[key]
	if i := slices.IndexFunc(times, slot.Equal); i >= 0 {
		l.sends[key] = slices.Delete(times, i, i+1)
	}
}

// waitTurn waits until the robot with key may send another message.
func (c *Client) waitTurn(ctx context.Context, key, target string) error {
	slot, wait := c.limits.reserve(key, c.cfg.Now())
	if wait <= 0 {
		return nil
	}
	c.log.InfoContext(ctx, "wecom webhook at 20 messages per minute: waiting", "target", target, "wait", wait)
	if err := c.cfg.Sleep(ctx, wait); err != nil {
		c.limits.cancel(key, slot)
		return err
	}
	return nil
}
