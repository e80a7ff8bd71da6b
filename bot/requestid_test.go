package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/bot"
	"teambot/bot/wecomtest"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage/storagetest"
)

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take returns what was logged so far and starts afresh.
func (l *lockedBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

// failingStore runs each command on the real database, waiting first until
// the test releases it, and then fails as a broken disk would: the command
// is internal error, its changes rolled back.
type failingStore struct {
	commands.Store
	release chan struct{}
}

func (s failingStore) Update(ctx context.Context, fn func(commands.Tx) error) error {
	<-s.release
	return s.Store.Update(ctx, func(tx commands.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errors.New("disk I/O error")
	})
}

var requestAttr = regexp.MustCompile(`\brequest=(\S+)`)

// requestIDs checks that every line logged carries a request id and returns
// them, one per line.
func requestIDs(t *testing.T, logs string) []string {
	t.Helper()
	var ids []string
	for line := range strings.Lines(logs) {
		m := requestAttr.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("log line without a request id: %s", line)
			continue
		}
		ids = append(ids, m[1])
	}
	return ids
}

// One callback whose command fails internally after the passive budget:
// the callback's note that it answers late, the engine's "command failed"
// and the enqueueing of the late answer all carry one request id, made of
// WeCom's message id and a suffix. A second message gets an id of its own.
func TestRequestIDFollowsACallbackToItsLateReply(t *testing.T) {
	logs := &lockedBuffer{}
	log := slog.New(bot.LogRequests(slog.NewTextHandler(logs, nil)))
	db := storagetest.SQLite(t)
	store := failingStore{Store: commands.StoreOf(db.Update), release: make(chan struct{})}
	engine, err := rulebook.New(commands.Config{Store: store, Now: time.Now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := bot.NewKeySealer(aesKey)
	if err != nil {
		t.Fatal(err)
	}
	inbox := newMemInbox()
	cb, err := bot.NewCallback(bot.Config{
		Mode: bot.ModeRobot, Token: "tok", AESKey: aesKey, Engine: engine, Inbox: inbox, Sealer: sealer,
		AnswerWithin: 50 * time.Millisecond, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(cb)
	defer srv.Close()
	client := &wecomtest.Callbacks{Mode: wecomtest.ModeRobot, Token: "tok", AESKey: aesKey}
	post := func(msgID string) {
		t.Helper()
		inner := client.TextMessage(wecomtest.Text{
			MsgID: msgID, ChatID: "group-1", UserID: "zhangsan", Name: "张三", Content: "@teambot /加入 张三",
			WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=GROUP-KEY",
		})
		resp, err := http.DefaultClient.Do(client.Post(srv.URL, inner))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("callback %s: HTTP %d", msgID, resp.StatusCode)
		}
	}

	post("MSG-LATE-1") // returns the empty 200 of a late answer
	close(store.release)
	cb.Wait()
	if got := len(inbox.answers()); got != 1 {
		t.Fatalf("%d late answers enqueued, want 1", got)
	}

	first := logs.take()
	for _, want := range []string{"will be delivered late", "command failed", "late answer enqueued"} {
		if !strings.Contains(first, want) {
			t.Errorf("no %q line logged", want)
		}
	}
	ids := requestIDs(t, first)
	if len(ids) < 3 {
		t.Fatalf("%d lines logged, want at least 3:\n%s", len(ids), first)
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Errorf("request ids differ within one callback: %q and %q", ids[0], id)
		}
	}
	if !regexp.MustCompile(`^MSG-LATE-1-[0-9a-f]{6}$`).MatchString(ids[0]) {
		t.Errorf("request id %q, want WeCom's message id and a 6-digit hex suffix", ids[0])
	}
	if strings.Contains(first, "张三") { // the command's argument, never logged
		t.Errorf("the message text was logged:\n%s", first)
	}

	post("MSG-2") // fails at once: answered passively, logged under its own id
	second := requestIDs(t, logs.take())
	if len(second) == 0 || !strings.HasPrefix(second[0], "MSG-2-") {
		t.Fatalf("second callback logged ids %q, want one starting MSG-2-", second)
	}
	if t.Failed() {
		t.Logf("first callback's log:\n%s", first)
	}
}

// LogRequests adds the id only to records logged with a context that has
// one, keeps attributes and groups of derived loggers, and does not stack.
func TestLogRequestsHandler(t *testing.T) {
	var buf bytes.Buffer
	h := bot.LogRequests(bot.LogRequests(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})))
	log := slog.New(h).With("endpoint", "robot")
	ctx := bot.WithRequestID(context.Background(), "abc-123")
	log.InfoContext(ctx, "with id")
	log.Info("without id")
	log.WithGroup("g").InfoContext(ctx, "grouped", "k", 1)
	want := "level=INFO msg=\"with id\" endpoint=robot request=abc-123\n" +
		"level=INFO msg=\"without id\" endpoint=robot\n" +
		"level=INFO msg=grouped endpoint=robot g.k=1 g.request=abc-123\n"
	if buf.String() != want {
		t.Errorf("logged:\n%s\nwant:\n%s", buf.String(), want)
	}
	if got := bot.RequestID(ctx); got != "abc-123" {
		t.Errorf("RequestID = %q", got)
	}
	if got := bot.RequestID(context.Background()); got != "" {
		t.Errorf("RequestID of a bare context = %q", got)
	}
}
