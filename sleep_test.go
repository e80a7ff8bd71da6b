package teambot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"teambot"
)

func TestSleep(t *testing.T) {
	if err := teambot.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A cancelled context ends the wait at once: an hour here would time
	// the test out.
	if err := teambot.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep with a cancelled context = %v, want context.Canceled", err)
	}
}
