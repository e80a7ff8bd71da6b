package wecom_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

// testKey is a webhook key in the shape WeCom issues.
const testKey = "693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"

const testSecret = "app-secret-value"

// fakeClock is Config.Now and Config.Sleep for tests: Sleep returns at once,
// records how long it was asked to wait and moves the clock on by as much.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// newClient returns a Client of the fake WeCom at base, with a fake clock,
// configured for the app; edit changes the Config before use.
func newClient(t *testing.T, base string, edit ...func(*wecom.Config)) (*wecom.Client, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	cfg := wecom.Config{
		APIBase:   base,
		CorpID:    "ww0123456789abcdef",
		AppSecret: testSecret,
		AgentID:   1000002,
		Timeout:   5 * time.Second,
		Now:       clk.Now,
		Sleep:     clk.Sleep,
		Log:       slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, e := range edit {
		e(&cfg)
	}
	return wecom.New(cfg), clk
}

// newFake starts a fake WeCom and a client of it.
func newFake(t *testing.T, edit ...func(*wecom.Config)) (*wecomtest.Server, *wecom.Client, *fakeClock) {
	t.Helper()
	srv := wecomtest.NewServer(t)
	c, clk := newClient(t, srv.URL, edit...)
	return srv, c, clk
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// webhookBody is a decoded webhook/send or response_url body.
type webhookBody struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content       string   `json:"content"`
		MentionedList []string `json:"mentioned_list"`
	} `json:"text"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

// appBody is a decoded message/send body.
type appBody struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	AgentID int64  `json:"agentid"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

func decode[T any](t *testing.T, c wecomtest.Call) T {
	t.Helper()
	var v T
	if err := c.JSON(&v); err != nil {
		t.Fatalf("body of %s %s is not JSON: %v\n%s", c.Method, c.Path, err, c.Body)
	}
	return v
}

func sleepsEqual(t *testing.T, clk *fakeClock, want ...time.Duration) {
	t.Helper()
	if got := clk.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func callCount(t *testing.T, srv *wecomtest.Server, path string, want int) {
	t.Helper()
	if got := len(srv.CallsTo(path)); got != want {
		t.Errorf("%d calls to %s, want %d", got, path, want)
	}
}
