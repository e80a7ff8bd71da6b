package wecom

import (
	"sync"
	"testing"
	"time"
)

func TestLimiterConcurrentReservations(t *testing.T) {
	l := limiter{sends: make(map[string][]time.Time)}
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	waits := make(chan time.Duration, 25)
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			_, wait := l.reserve("k", now)
			waits <- wait
		})
	}
	wg.Wait()
	close(waits)
	count := map[time.Duration]int{}
	for w := range waits {
		count[w]++
	}
	if count[0] != 20 || count[time.Minute] != 5 {
		t.Errorf("waits = %v, want 20 at once and 5 after a minute", count)
	}
}

func TestLimiterCancelGivesSlotBack(t *testing.T) {
	l := limiter{sends: make(map[string][]time.Time)}
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for range WebhookLimit {
		l.reserve("k", now)
	}
	slot, wait := l.reserve("k", now)
	if wait != time.Minute {
		t.Fatalf("21st send waits %v, want 1m", wait)
	}
	l.cancel("k", slot)
	if _, wait := l.reserve("k", now.Add(time.Minute)); wait != 0 {
		t.Errorf("after the window and a canceled slot, a send waits %v", wait)
	}
}
