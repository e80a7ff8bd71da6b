package longconn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/bot/longconn"
	"teambot/bot/wecomtest"
)

const (
	botID  = "bot-1"
	secret = "s3cret-for-tests"
	within = 5 * time.Second
)

// syncBuffer is a log sink the client's goroutines may write to while the
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// run is a client running against a fake server.
type run struct {
	c      *longconn.Client
	cbs    chan longconn.Callback
	states chan longconn.State
	done   chan error
	log    *syncBuffer
	cancel context.CancelFunc
}

// start runs a client for srv with fast timings; edit may change its Config.
func start(t *testing.T, srv *wecomtest.LongConn, edit func(*longconn.Config)) *run {
	t.Helper()
	r := &run{
		cbs:    make(chan longconn.Callback, 16),
		states: make(chan longconn.State, 256),
		done:   make(chan error, 1),
		log:    &syncBuffer{},
	}
	cfg := longconn.Config{
		URL: srv.URL(), BotID: botID, Secret: secret,
		Handle:     func(_ context.Context, cb longconn.Callback) { r.cbs <- cb },
		Log:        slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PingEvery:  time.Hour,
		AckTimeout: 2 * time.Second,
		MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
		OnState: func(s longconn.State) {
			select {
			case r.states <- s:
			default:
			}
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	r.c = longconn.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(within):
			t.Error("Run did not return after its context ended")
		}
		if strings.Contains(r.log.String(), secret) {
			t.Error("the secret was logged")
		}
	})
	return r
}

// waitState waits until the client reports s.
func (r *run) waitState(t *testing.T, s longconn.State) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-r.states:
			if got == s {
				return
			}
		case <-deadline:
			t.Fatalf("state %v never reported", s)
		}
	}
}

func (r *run) callback(t *testing.T) longconn.Callback {
	t.Helper()
	select {
	case cb := <-r.cbs:
		return cb
	case <-time.After(within):
		t.Fatal("no callback reached Handle")
	}
	return longconn.Callback{}
}

func (r *run) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(within):
		t.Fatal("Run did not return")
	}
	return nil
}

func newServer(t *testing.T) *wecomtest.LongConn {
	srv := wecomtest.NewLongConn(botID, secret)
	t.Cleanup(srv.Close)
	return srv
}

func frames(t *testing.T, srv *wecomtest.LongConn, cmd string, n int) []wecomtest.LongConnFrame {
	t.Helper()
	fs, ok := srv.WaitFrames(cmd, n, within)
	if !ok {
		t.Fatalf("%d %s frames, want %d", len(fs), cmd, n)
	}
	return fs
}

func decode(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	return m
}

func TestSubscribeMessageAndRespond(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	sub := frames(t, srv, "aibot_subscribe", 1)[0]
	if b := decode(t, sub.Body); b["bot_id"] != botID || b["secret"] != secret {
		t.Errorf("subscribe body %s", sub.Body)
	}
	if !strings.HasPrefix(sub.ReqID, "aibot_subscribe_") {
		t.Errorf("subscribe req_id %q", sub.ReqID)
	}
	r.waitState(t, longconn.Subscribed)
	if !r.c.Connected() {
		t.Fatal("not Connected after subscribe")
	}

	reqID := srv.Message("m-1", "chat-1", "group", "zhangsan", "/帮助")
	cb := r.callback(t)
	want := longconn.Callback{Cmd: "aibot_msg_callback", ReqID: reqID, MsgID: "m-1", ChatID: "chat-1",
		ChatType: "group", UserID: "zhangsan", MsgType: "text", Text: "/帮助"}
	cb.Body = nil
	if fmt.Sprint(cb) != fmt.Sprint(want) {
		t.Errorf("callback %+v\nwant     %+v", cb, want)
	}

	if err := r.c.Respond(context.Background(), reqID, "**好的**"); err != nil {
		t.Fatalf("Respond: %v", err)
	}
	f := frames(t, srv, "aibot_respond_msg", 1)[0]
	if f.ReqID != reqID {
		t.Errorf("respond req_id %q, want the callback's %q", f.ReqID, reqID)
	}
	var body struct {
		MsgType string `json:"msgtype"`
		Stream  struct {
			ID      string `json:"id"`
			Finish  bool   `json:"finish"`
			Content string `json:"content"`
		} `json:"stream"`
	}
	if err := json.Unmarshal(f.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.MsgType != "stream" || body.Stream.ID == "" || !body.Stream.Finish || body.Stream.Content != "**好的**" {
		t.Errorf("respond body %s", f.Body)
	}
}

func TestSend(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	ctx := context.Background()

	if err := r.c.Send(ctx, "chat-1", longconn.ChatGroup, "周报 **提醒**"); err != nil {
		t.Fatalf("Send: %v", err)
	}
	f := frames(t, srv, "aibot_send_msg", 1)[0]
	b := decode(t, f.Body)
	md, _ := b["markdown"].(map[string]any)
	if b["chatid"] != "chat-1" || b["chat_type"] != float64(2) || b["msgtype"] != "markdown" || md["content"] != "周报 **提醒**" {
		t.Errorf("send body %s", f.Body)
	}
	if !strings.HasPrefix(f.ReqID, "aibot_send_msg_") {
		t.Errorf("send req_id %q", f.ReqID)
	}

	srv.SetAckErr("aibot_send_msg", 846609, "chat not activated")
	err := r.c.Send(ctx, "lisi", longconn.ChatSingle, "hi")
	var ae *longconn.AckError
	if !errors.As(err, &ae) || ae.Code != 846609 || ae.Msg != "chat not activated" {
		t.Fatalf("Send with an errcode ack: %v, want *AckError 846609", err)
	}
	if b := decode(t, frames(t, srv, "aibot_send_msg", 2)[1].Body); b["chat_type"] != float64(1) {
		t.Errorf("single chat_type %v", b["chat_type"])
	}
	srv.SetAckErr("aibot_send_msg", 0, "")
	if err := r.c.Send(ctx, "lisi", longconn.ChatSingle, "hi"); err != nil {
		t.Fatalf("Send after clearing the error: %v", err)
	}
}

func TestSendConcurrently(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() { errs <- r.c.Send(context.Background(), "chat-1", longconn.ChatGroup, fmt.Sprint(i)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	frames(t, srv, "aibot_send_msg", 20)
}

func TestSendNotConnected(t *testing.T) {
	c := longconn.New(longconn.Config{BotID: botID, Secret: secret})
	if err := c.Send(context.Background(), "chat-1", longconn.ChatGroup, "x"); !errors.Is(err, longconn.ErrNotConnected) {
		t.Errorf("Send before Run: %v, want ErrNotConnected", err)
	}
	if err := c.Respond(context.Background(), "r", "x"); !errors.Is(err, longconn.ErrNotConnected) {
		t.Errorf("Respond before Run: %v, want ErrNotConnected", err)
	}

	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	r.cancel()
	if err := r.result(t); err != nil {
		t.Fatalf("Run after cancel: %v, want nil", err)
	}
	if err := r.c.Send(context.Background(), "chat-1", longconn.ChatGroup, "x"); !errors.Is(err, longconn.ErrNotConnected) {
		t.Errorf("Send after Run stopped: %v, want ErrNotConnected", err)
	}
	if s := r.c.State(); s != longconn.Stopped {
		t.Errorf("state %v, want stopped", s)
	}
}

func TestWelcomeOnEnterChat(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	reqID := srv.EnterChat("m-2", "wangwu")
	cb := r.callback(t)
	if cb.Cmd != "aibot_event_callback" || cb.Event != "enter_chat" || cb.MsgType != "event" || cb.UserID != "wangwu" || cb.ReqID != reqID {
		t.Fatalf("callback %+v", cb)
	}
	if err := r.c.Welcome(context.Background(), cb.ReqID, "你好，发 /帮助 看看我能做什么"); err != nil {
		t.Fatalf("Welcome: %v", err)
	}
	f := frames(t, srv, "aibot_respond_welcome_msg", 1)[0]
	b := decode(t, f.Body)
	text, _ := b["text"].(map[string]any)
	if f.ReqID != reqID || b["msgtype"] != "text" || text["content"] != "你好，发 /帮助 看看我能做什么" {
		t.Errorf("welcome frame %+v %s", f, f.Body)
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	srv.Drop()
	r.waitState(t, longconn.Reconnecting)
	r.waitState(t, longconn.Subscribed)
	if n := srv.Subscribes(); n != 2 {
		t.Fatalf("%d subscribes, want 2", n)
	}
	if err := r.c.Send(context.Background(), "chat-1", longconn.ChatGroup, "back"); err != nil {
		t.Fatalf("Send after reconnect: %v", err)
	}
	reqID := srv.Message("m-3", "", "single", "lisi", "hello")
	if cb := r.callback(t); cb.ReqID != reqID || cb.ChatID != "" || cb.ChatType != "single" {
		t.Errorf("callback after reconnect %+v", cb)
	}
}

func TestPingsAndDeadSocket(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, func(c *longconn.Config) { c.PingEvery = 30 * time.Millisecond })
	r.waitState(t, longconn.Subscribed)
	for _, f := range frames(t, srv, "ping", 3) {
		if !strings.HasPrefix(f.ReqID, "ping_") {
			t.Errorf("ping req_id %q", f.ReqID)
		}
	}
	if n := srv.Subscribes(); n != 1 {
		t.Fatalf("%d subscribes while pings were acked, want 1", n)
	}

	before := len(srv.Frames("ping"))
	srv.IgnorePings(true)
	if !srv.WaitSubscribed(2, within) {
		t.Fatal("no reconnect after pings went unanswered")
	}
	srv.IgnorePings(false)
	// Dead after two unanswered pings: a third on the same socket (one may
	// have been in flight when pings stopped being acked) is at most one more.
	if n := len(srv.Frames("ping")) - before; n < 2 || n > 3 {
		t.Errorf("%d pings between ignoring and reconnecting, want 2 or 3", n)
	}
	r.waitState(t, longconn.Subscribed)
	if err := r.c.Send(context.Background(), "chat-1", longconn.ChatGroup, "alive"); err != nil {
		t.Fatalf("Send after reconnect: %v", err)
	}
}

func TestBadCredentials(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, func(c *longconn.Config) {
		c.Secret = "wrong-secret-value"
		c.MaxAuthFailures = 3
	})
	if err := r.result(t); !errors.Is(err, longconn.ErrBadCredentials) {
		t.Fatalf("Run: %v, want ErrBadCredentials", err)
	}
	if n := len(srv.Frames("aibot_subscribe")); n != 3 {
		t.Errorf("%d subscribe attempts, want 3", n)
	}
	if n := srv.Subscribes(); n != 0 {
		t.Errorf("%d successful subscribes, want 0", n)
	}
	if n := srv.Dials(); n != 3 {
		t.Errorf("%d dials, want 3", n)
	}
	if s := r.c.State(); s != longconn.BadCredentials {
		t.Errorf("state %v", s)
	}
	log := r.log.String()
	if strings.Contains(log, "wrong-secret-value") {
		t.Error("the secret was logged")
	}
	if !strings.Contains(log, "WECOM_BOT_SECRET") || !strings.Contains(log, "长连接") {
		t.Errorf("the log does not say what to check:\n%s", log)
	}
}

func TestKickStops(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	srv.Kick()
	if err := r.result(t); !errors.Is(err, longconn.ErrReplaced) {
		t.Fatalf("Run: %v, want ErrReplaced", err)
	}
	if n := srv.Dials(); n != 1 {
		t.Errorf("%d dials, want 1: a kicked client must not reconnect", n)
	}
	if r.c.Connected() || r.c.State() != longconn.Replaced {
		t.Errorf("connected %v, state %v", r.c.Connected(), r.c.State())
	}
	select {
	case cb := <-r.cbs:
		t.Errorf("Handle got %+v", cb)
	default:
	}
}

func TestSecondClientKicksFirst(t *testing.T) {
	srv := newServer(t)
	first := start(t, srv, nil)
	first.waitState(t, longconn.Subscribed)
	second := start(t, srv, nil)
	if err := first.result(t); !errors.Is(err, longconn.ErrReplaced) {
		t.Fatalf("first Run: %v, want ErrReplaced", err)
	}
	second.waitState(t, longconn.Subscribed)
	if n, d := srv.Subscribes(), srv.Dials(); n != 2 || d != 2 {
		t.Errorf("%d subscribes and %d dials, want 2 and 2", n, d)
	}
	if err := second.c.Send(context.Background(), "chat-1", longconn.ChatGroup, "I am the one"); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	reqID := srv.Message("m-4", "chat-1", "group", "lisi", "/帮助")
	if cb := second.callback(t); cb.ReqID != reqID {
		t.Errorf("second got %+v", cb)
	}
}
