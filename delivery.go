package teambot

import (
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
