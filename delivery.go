package teambot

import (
	"context"
	"fmt"
	"time"
)

// RetryAfterError tells the outbox to try a message again after Wait, for
// instance when WeCom's rate limit (45009) asks for a minute's pause.
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string { return fmt.Sprintf("retry after %v: %v", e.Wait, e.Err) }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError tells the outbox to give a message up: trying again cannot
// help. BrokenWebhook says the team's group robot is gone (93000/93004/93008).
type PermanentError struct {
	Err           error
	BrokenWebhook bool
}

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// OutboxStatus is where an outgoing message stands, as the outbox table
// stores it (the stored values must not change).
type OutboxStatus string

// The statuses of an outgoing message: pending → sending → sent, or back to
// pending for another attempt, or failed once given up.
const (
	OutboxPending OutboxStatus = "pending" // waiting for its first or next attempt
	OutboxSending OutboxStatus = "sending" // leased by a sender
	OutboxSent    OutboxStatus = "sent"    // WeCom took it
	OutboxFailed  OutboxStatus = "failed"  // given up on
)

// RobotSlots asks for N sends of one rate-limited group robot (WeCom takes
// 20 a minute per robot, from every replica together). Robot names the
// robot by a digest of its key, never the key. OK and Next are the answer:
// the sends were taken, or when the oldest send in the window leaves it.
type RobotSlots struct {
	Robot string
	N     int
	OK    bool
	Next  time.Time
}

type slotsTakenKey struct{}

// WithSlotsTaken marks ctx for the send of a message whose robot's sends
// were already taken (the outbox takes a batch's in one transaction).
func WithSlotsTaken(ctx context.Context) context.Context {
	return context.WithValue(ctx, slotsTakenKey{}, true)
}

// SlotsTaken reports whether ctx was marked by WithSlotsTaken.
func SlotsTaken(ctx context.Context) bool {
	taken, _ := ctx.Value(slotsTakenKey{}).(bool)
	return taken
}
