package wecom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

func TestWebhookRateLimit(t *testing.T) {
	srv, c, clk := newFake(t)
	ctx := context.Background()
	send := func(key string, i int) {
		t.Helper()
		if err := c.SendText(ctx, key, fmt.Sprintf("message %d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	send(testKey, 1) // at 0 s
	clk.Advance(30 * time.Second)
	for i := 2; i <= 20; i++ { // at 30 s
		send(testKey, i)
	}
	for i := 1; i <= 5; i++ { // another robot has its own limit
		send("another-key", i)
	}
	sleepsEqual(t, clk)

	send(testKey, 21) // must wait until the first leaves the window, at 60 s
	sleepsEqual(t, clk, 30*time.Second)
	callCount(t, srv, wecomtest.WebhookPath, 26)

	send(testKey, 22) // the 19 sends of 30 s are in the window until 90 s
	sleepsEqual(t, clk, 30*time.Second, 30*time.Second)
}
