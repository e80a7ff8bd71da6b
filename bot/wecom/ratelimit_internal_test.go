package wecom

import (
	"fmt"
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

// With many robots sending within one minute (a Monday's reminders to
// 100 000 teams) the limiter prunes its map now and then, not on every
// send: pruning looks at every robot, and doing it per send made the sends
// quadratic in the robots.
func TestLimiterPrunesRarelyWithManyRobots(t *testing.T) {
	l := limiter{sends: make(map[string][]time.Time)}
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	const robots = 50000
	for i := range robots {
		l.reserve(fmt.Sprint("robot-", i), now.Add(time.Duration(i)*time.Millisecond))
	}
	// Every key is in the window: each prune keeps all and the next comes
	// at twice as many. 4 096, 8 192, 16 384, 32 768: four.
	if l.prunes > 5 {
		t.Errorf("%d sends to as many robots within the window pruned %d times, want a handful", robots, l.prunes)
	}
	// Robots idle for a window are still forgotten, by the time the map
	// has doubled: memory stays within twice the robots of the last window.
	later := now.Add(time.Hour)
	for i := range robots / 2 {
		l.reserve(fmt.Sprint("late-", i), later)
	}
	if n := len(l.sends); n > robots/2 {
		t.Errorf("an hour later the limiter keeps %d robots, want at most the %d that sent since", n, robots/2)
	}
}
