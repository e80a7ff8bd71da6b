package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecomtest"
)

const aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

// clock is the fixed time of these tests.
var clock = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)

// slowEngine is a hand-written fake of the command engine whose commands
// take as long as the test says: each Handle waits until release is closed.
// It remembers handled ids and their answers, as the real engine does in
// its database, and answers a retry with the kept answer.
type slowEngine struct {
	release chan struct{}
	reply   teambot.Reply
	err     error // returned instead of running, e.g. teambot.ErrUnavailable
	mu      sync.Mutex
	ran     map[string]int
	clicks  []teambot.Click // the clicks run, in order
}

func newSlowEngine() *slowEngine {
	return &slowEngine{release: make(chan struct{}), ran: map[string]int{}, reply: teambot.Reply{Text: "已登记：张三 *加粗*"}}
}

func (e *slowEngine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	<-e.release
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return teambot.Reply{}, e.err
	}
	e.ran[msg.ID]++
	if e.ran[msg.ID] > 1 {
		return e.reply, teambot.ErrAlreadyHandled
	}
	return e.reply, nil
}

func (e *slowEngine) runs(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ran[id]
}

func (e *slowEngine) HandleEvent(context.Context, teambot.Event) (teambot.Reply, error) {
	return teambot.Reply{}, nil
}

// HandleClick runs a click as Handle runs a message: once release is
// closed, answering with the reply the test set (its card as the clicker
// now sees it), the kept one for a repeated click id.
func (e *slowEngine) HandleClick(_ context.Context, c teambot.Click) (teambot.Reply, error) {
	<-e.release
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return teambot.Reply{}, e.err
	}
	e.clicks = append(e.clicks, c)
	if e.ran[c.ID]++; e.ran[c.ID] > 1 {
		return e.reply, teambot.ErrAlreadyHandled
	}
	return e.reply, nil
}

// clicked are the clicks run so far.
func (e *slowEngine) clicked() []teambot.Click {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]teambot.Click(nil), e.clicks...)
}

// memInbox is a hand-written fake of the durable inbox: records by key,
// each with its lease token, and the answers enqueued when one is done.
type memInbox struct {
	mu      sync.Mutex
	keepErr error
	hang    chan struct{} // when set, Keep waits for it, heeding no deadline
	rows    map[string]inboxRow
	done    chan string // keys, as they are done
}

type inboxRow struct {
	payload, token string
	until          time.Time
	done           bool
	answers        []teambot.Outgoing
	chatID         string
}

func newMemInbox() *memInbox {
	return &memInbox{rows: map[string]inboxRow{}, done: make(chan string, 1000)}
}

func (b *memInbox) Keep(_ context.Context, source, msgID, payload, token string, until time.Time) error {
	if b.hang != nil {
		<-b.hang // a database that accepted the connection and never answers
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keepErr != nil {
		return b.keepErr
	}
	b.rows[source+"/"+msgID] = inboxRow{payload: payload, token: token, until: until}
	return nil
}

func (b *memInbox) Done(_ context.Context, source, msgID, token, chatID string, answers []teambot.Outgoing) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := source + "/" + msgID
	r, ok := b.rows[key]
	if !ok || r.done || r.token != token {
		return false, nil
	}
	r.done, r.answers, r.chatID = true, answers, chatID
	b.rows[key] = r
	b.done <- key
	return true, nil
}

// answers are the late answers of every record done.
func (b *memInbox) answers() []teambot.Outgoing {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []teambot.Outgoing
	for _, r := range b.rows {
		out = append(out, r.answers...)
	}
	return out
}

func (b *memInbox) row(key string) inboxRow {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rows[key]
}

// waitDone waits for the late answer of key to be handed to the inbox.
func (b *memInbox) waitDone(t *testing.T, key string) inboxRow {
	t.Helper()
	select {
	case got := <-b.done:
		if got != key {
			t.Fatalf("done %s, want %s", got, key)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s never done", key)
	}
	return b.row(key)
}

// lateSetup is one endpoint whose passive budget is 50 ms, its inbox, and
// a fake WeCom that no late answer may reach directly.
type lateSetup struct {
	fake   *wecomtest.Server
	cb     *bot.Callback
	srv    *httptest.Server
	client *wecomtest.Callbacks
	engine *slowEngine
	inbox  *memInbox
	sealer *bot.KeySealer
}

func newLate(t *testing.T, mode bot.Mode, receiveID string, appMessages bool) *lateSetup {
	t.Helper()
	return newLateWithin(t, mode, receiveID, appMessages, 50*time.Millisecond)
}

// newLateWithin is newLate whose callbacks wait up to within for the
// engine's answer before answering late.
func newLateWithin(t *testing.T, mode bot.Mode, receiveID string, appMessages bool, within time.Duration) *lateSetup {
	t.Helper()
	sealer, err := bot.NewKeySealer(aesKey)
	if err != nil {
		t.Fatal(err)
	}
	s := &lateSetup{fake: wecomtest.NewServer(t), engine: newSlowEngine(), inbox: newMemInbox(), sealer: sealer}
	cb, err := bot.NewCallback(bot.Config{
		Mode: mode, Token: "tok", AESKey: aesKey, ReceiveID: receiveID, Engine: s.engine,
		Inbox: s.inbox, Sealer: sealer, AppMessages: appMessages, Now: func() time.Time { return clock },
		AnswerWithin: within,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.cb = cb
	s.srv = httptest.NewServer(cb)
	t.Cleanup(s.srv.Close)
	s.client = &wecomtest.Callbacks{Mode: wecomtest.Mode(mode), Token: "tok", AESKey: aesKey, ReceiveID: receiveID,
		Now: func() time.Time { return clock }}
	return s
}

// post sends one callback and returns the HTTP status and body.
func (s *lateSetup) post(t *testing.T, inner []byte) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(s.client.Post(s.srv.URL, inner))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (s *lateSetup) text(msgID, chatID string) wecomtest.Text {
	return wecomtest.Text{
		MsgID: msgID, ChatID: chatID, UserID: "zhangsan", Name: "张三", Content: "@teambot /加入 张三",
		WebhookURL:  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=GROUP-KEY",
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1",
	}
}

func (s *lateSetup) open(t *testing.T, sealed string) string {
	t.Helper()
	plain, err := s.sealer.Open(sealed)
	if err != nil {
		t.Fatalf("%q does not open: %v", sealed, err)
	}
	return plain
}

// A command that misses the passive budget is recorded in the inbox before
// its empty 200 — sealed: neither the text nor the webhook key is readable
// in it — and its answer goes to the inbox (to be enqueued in the outbox
// with the record marked done), never to WeCom from this process's memory.
// WeCom's retry meanwhile neither runs it again nor answers twice.
func TestLateAnswerIsRecordedBeforeTheEmpty200(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "", false)
	inner := s.client.TextMessage(s.text("m-1", "group-1"))
	status, body := s.post(t, inner)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("slow command: %d %q, want an empty 200", status, body)
	}
	kept := s.inbox.row("robot/m-1")
	if kept.payload == "" || kept.token == "" || !kept.until.After(clock) {
		t.Fatalf("inbox row %+v, want it recorded and leased before the empty 200", kept)
	}
	if strings.Contains(kept.payload, "张三") || strings.Contains(kept.payload, "GROUP-KEY") {
		t.Errorf("the inbox payload is readable: %q", kept.payload)
	}
	if status, body := s.post(t, inner); status != http.StatusOK || len(body) != 0 { // WeCom's retry, while it runs
		t.Fatalf("retry in flight: %d %q, want an empty 200", status, body)
	}
	close(s.engine.release)
	done := s.inbox.waitDone(t, "robot/m-1")
	if len(done.answers) != 1 {
		t.Fatalf("answers %+v, want one", done.answers)
	}
	a := done.answers[0]
	if a.Via != teambot.ViaWebhook || s.open(t, a.Target) != "GROUP-KEY" || a.Text != "已登记：张三 *加粗*" ||
		len(a.Mentions) != 1 || a.Mentions[0] != "zhangsan" || done.chatID != "group-1" {
		t.Errorf("late answer %+v to chat %q", a, done.chatID)
	}
	if n := s.engine.runs("m-1"); n != 1 {
		t.Errorf("the command ran %d times", n)
	}
	if calls := s.fake.Calls(); len(calls) != 0 {
		t.Errorf("WeCom was called directly: %+v", calls)
	}
	// A retry once it ran gets the kept answer, passively.
	if status, body := s.post(t, inner); status != http.StatusOK || len(body) == 0 {
		t.Errorf("retry after the run: %d %q, want the answer again", status, body)
	}
}

// If even the inbox row cannot be written, the answer is 503 with no body.
// A retry while that attempt is still stuck runs alongside it (the message
// id in the database lets one of them run the command) and, stuck too and
// unrecorded, is 503 as well: WeCom tries again, and once the command has
// run a retry gets its answer.
func TestLateWithoutAnInboxRowIs503(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "", false)
	s.inbox.keepErr = errors.New("database unreachable")
	inner := s.client.TextMessage(s.text("m-2", "group-1"))
	if status, body := s.post(t, inner); status != http.StatusServiceUnavailable || len(body) != 0 {
		t.Fatalf("slow command with no inbox: %d %q, want 503 and no body", status, body)
	}
	if status, _ := s.post(t, inner); status != http.StatusServiceUnavailable {
		t.Fatalf("retry while the first runs unrecorded: %d, want 503", status)
	}
	close(s.engine.release)
	s.cb.Wait() // the commands' own goroutines have finished
	status, body := s.post(t, inner)
	if status != http.StatusOK || len(body) == 0 || s.engine.runs("m-2") != 3 {
		t.Errorf("retry after the run: %d %q (%d engine calls), want the kept answer", status, body, s.engine.runs("m-2"))
	}
}

// A late command that could not run for the database's sake is left in the
// inbox, leased, for a replica to run again: no answer is enqueued.
func TestLateUnavailableIsLeftInTheInbox(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "", false)
	s.engine.err = fmt.Errorf("begin: %w", teambot.ErrUnavailable)
	if status, _ := s.post(t, s.client.TextMessage(s.text("m-3", "group-1"))); status != http.StatusOK {
		t.Fatalf("slow command: %d, want an empty 200", status)
	}
	close(s.engine.release)
	s.cb.Wait()
	if r := s.inbox.row("robot/m-3"); r.payload == "" || r.done {
		t.Errorf("inbox row %+v, want it still pending", r)
	}
}

// Each mode's late answer, as enqueued: the AI bot's to its response_url
// (sealed, for an hour after the callback) as markdown, falling back to the
// group; the app's as an app message; a private answer in a robot group by
// app message when there is one, else a note in the group — never the
// content there (R14).
func TestLateAnswersByMode(t *testing.T) {
	private := teambot.Reply{Text: "你的记录：警告 1 次", Private: true}
	for _, tc := range []struct {
		name        string
		mode        bot.Mode
		receiveID   string
		chatID      string
		appMessages bool
		reply       teambot.Reply
		check       func(t *testing.T, s *lateSetup, a teambot.Outgoing)
	}{
		{"AI bot", bot.ModeBot, "", "group-1", false, teambot.Reply{Text: "已登记：张三 *加粗*"}, func(t *testing.T, s *lateSetup, a teambot.Outgoing) {
			if a.Via != teambot.ViaResponseURL || !strings.HasSuffix(s.open(t, a.Target), "response_code=RC1") || !a.NotAfter.Equal(clock.Add(time.Hour)) ||
				!a.Markdown || strings.Contains(a.Text, "*") || a.Channel != teambot.ToGroup {
				t.Errorf("AI bot late answer %+v", a)
			}
		}},
		{"app", bot.ModeApp, "wxcorp", "", false, teambot.Reply{Text: "已登记：张三", Private: true}, func(t *testing.T, s *lateSetup, a teambot.Outgoing) {
			if a.Via != "" || a.Channel != teambot.ToUsers || len(a.Users) != 1 || a.Users[0] != "zhangsan" || a.Text != "已登记：张三" {
				t.Errorf("app late answer %+v", a)
			}
		}},
		{"robot group, private, app configured", bot.ModeRobot, "", "group-1", true, private, func(t *testing.T, s *lateSetup, a teambot.Outgoing) {
			if a.Via != "" || a.Channel != teambot.ToUsers || a.Users[0] != "zhangsan" || a.Text != private.Text {
				t.Errorf("private late answer %+v, want an app message", a)
			}
		}},
		{"robot group, private, no app", bot.ModeRobot, "", "group-1", false, private, func(t *testing.T, s *lateSetup, a teambot.Outgoing) {
			if a.Via != teambot.ViaWebhook || strings.Contains(a.Text, "警告") || !strings.Contains(a.Text, "单聊") || a.Mentions[0] != "zhangsan" {
				t.Errorf("private late answer %+v, want a note in the group without its content", a)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLate(t, tc.mode, tc.receiveID, tc.appMessages)
			s.engine.reply = tc.reply
			id := "5001"
			if status, _ := s.post(t, s.client.TextMessage(s.text(id, tc.chatID))); status != http.StatusOK {
				t.Fatalf("slow command: %d", status)
			}
			close(s.engine.release)
			done := s.inbox.waitDone(t, string(tc.mode)+"/"+id)
			if len(done.answers) != 1 {
				t.Fatalf("answers %+v, want one", done.answers)
			}
			tc.check(t, s, done.answers[0])
		})
	}
}

// A replica that finds an inbox row whose owner died runs the recorded
// message through the engine — which runs the command, or gives the kept
// answer if the first run committed — and returns the same answer the
// owner would have enqueued.
func TestResumeFinishesARecordedMessage(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "", false)
	s.inbox.keepErr = nil
	if status, _ := s.post(t, s.client.TextMessage(s.text("m-9", "group-1"))); status != http.StatusOK {
		t.Fatal("slow command not answered 200")
	}
	close(s.engine.release)
	owner := s.inbox.waitDone(t, "robot/m-9")
	late := &bot.Late{Engine: s.engine, Sealer: s.sealer}
	got, err := late.Resume(context.Background(), s.inbox.row("robot/m-9").payload)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "robot" || got.MsgID != "m-9" || got.ChatID != "group-1" || len(got.Answers) != 1 ||
		got.Answers[0].Text != owner.answers[0].Text || s.open(t, got.Answers[0].Target) != "GROUP-KEY" {
		t.Errorf("resumed %+v, want the owner's answer %+v", got, owner.answers)
	}
	if n := s.engine.runs("m-9"); n != 2 {
		t.Errorf("engine called %d times, want the first run and the resume", n)
	}
	s.engine.err = teambot.ErrUnavailable
	if _, err := late.Resume(context.Background(), s.inbox.row("robot/m-9").payload); !errors.Is(err, teambot.ErrUnavailable) {
		t.Errorf("resume with the database away: %v, want ErrUnavailable", err)
	}
	if _, err := late.Resume(context.Background(), "v1:not-a-payload"); err == nil {
		t.Error("a payload that does not open was resumed")
	}
}

// A command that could not run for the database's sake within the passive
// budget is answered 503 with no body: WeCom sends it again.
func TestUnavailableWithinTheBudgetIs503(t *testing.T) {
	// The engine answers at once; a budget of half a second, not 50 ms, so a
	// loaded machine cannot turn its answer late (a 200 to be answered
	// later) before it arrives.
	s := newLateWithin(t, bot.ModeRobot, "", false, 500*time.Millisecond)
	s.engine.err = fmt.Errorf("begin: %w", teambot.ErrUnavailable)
	close(s.engine.release)
	if status, body := s.post(t, s.client.TextMessage(s.text("m-4", "group-1"))); status != http.StatusServiceUnavailable || len(body) != 0 {
		t.Errorf("unavailable: %d %q, want 503 and no body", status, body)
	}
}

// An inbox that never answers (a stalled database whose driver does not
// heed the deadline) is not waited for beyond the record's own time: the
// callback gets its 503 well within WeCom's 5 s.
func TestLateWithAStalledInboxIs503InTime(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "", false)
	s.inbox.hang = make(chan struct{})
	defer close(s.inbox.hang)
	defer close(s.engine.release)
	start := time.Now()
	status, _ := s.post(t, s.client.TextMessage(s.text("m-5", "group-1")))
	if d := time.Since(start); status != http.StatusServiceUnavailable || d > 4*time.Second {
		t.Errorf("stalled inbox: HTTP %d after %v, want 503 within 4 s", status, d)
	}
}
