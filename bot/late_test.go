package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

const aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

// slowEngine is a hand-written fake of the command engine whose commands
// take as long as the test says: each Handle waits until release is closed.
// It remembers handled ids, as the real engine does in its database.
type slowEngine struct {
	release chan struct{}
	mu      sync.Mutex
	ran     map[string]int
}

func newSlowEngine() *slowEngine {
	return &slowEngine{release: make(chan struct{}), ran: map[string]int{}}
}

func (e *slowEngine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	<-e.release
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ran[msg.ID]++
	if e.ran[msg.ID] > 1 {
		return teambot.Reply{}, teambot.ErrAlreadyHandled
	}
	return teambot.Reply{Text: "已登记：张三 *加粗*"}, nil
}

func (e *slowEngine) HandleEvent(context.Context, teambot.Event) (teambot.Reply, error) {
	return teambot.Reply{}, nil
}

// lateSetup is one endpoint whose passive budget is 50 ms, a fake WeCom, and
// a real outbound client whose waits are recorded instead of slept.
type lateSetup struct {
	fake    *wecomtest.Server
	cb      *bot.Callback
	srv     *httptest.Server
	client  *wecomtest.Callbacks
	engine  *slowEngine
	slept   []time.Duration
	broken  []string
	results []string // op=errcode of every call to WeCom
	sleepMu sync.Mutex
}

func newLate(t *testing.T, mode bot.Mode, receiveID string) *lateSetup {
	t.Helper()
	s := &lateSetup{fake: wecomtest.NewServer(t), engine: newSlowEngine()}
	sender := wecom.New(wecom.Config{
		APIBase: s.fake.URL, CorpID: "wxcorp", AppSecret: "app-secret", AgentID: 1000002,
		Observe: func(op, result string) {
			s.sleepMu.Lock()
			s.results = append(s.results, op+"="+result)
			s.sleepMu.Unlock()
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			s.sleepMu.Lock()
			s.slept = append(s.slept, d)
			s.sleepMu.Unlock()
			return ctx.Err() // the wait itself is instant, but a dead context still stops it
		},
	})
	cb, err := bot.NewCallback(bot.Config{
		Mode: mode, Token: "tok", AESKey: aesKey, ReceiveID: receiveID, Engine: s.engine, Sender: sender,
		AnswerWithin: 50 * time.Millisecond,
		WebhookBroken: func(_ context.Context, chatID string) {
			s.sleepMu.Lock()
			s.broken = append(s.broken, chatID)
			s.sleepMu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.cb = cb
	s.srv = httptest.NewServer(cb)
	t.Cleanup(s.srv.Close)
	s.client = &wecomtest.Callbacks{Mode: wecomtest.Mode(mode), Token: "tok", AESKey: aesKey, ReceiveID: receiveID}
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

// postLate sends a callback whose command is still running when the
// passive budget ends, checks the empty 200, then lets the command finish.
func (s *lateSetup) postLate(t *testing.T, inner []byte) {
	t.Helper()
	status, body := s.post(t, inner)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("slow command: %d %q, want an empty 200", status, body)
	}
	close(s.engine.release)
}

func (s *lateSetup) text(msgID string) wecomtest.Text {
	return wecomtest.Text{
		MsgID: msgID, ChatID: "group-1", UserID: "zhangsan", Name: "张三", Content: "@teambot /加入 张三",
		WebhookURL:  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=GROUP-KEY",
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1",
	}
}

// A command that takes longer than the passive budget is answered with an
// empty 200 and delivered once through the group's webhook; WeCom's retry
// meanwhile neither runs it again nor delivers twice.
func TestLateAnswerThroughTheWebhook(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "")
	inner := s.client.TextMessage(s.text("m-1"))
	status, body := s.post(t, inner)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("slow command: %d %q, want an empty 200", status, body)
	}
	status, body = s.post(t, inner) // WeCom's retry, while the command still runs
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("retry in flight: %d %q, want an empty 200", status, body)
	}
	close(s.engine.release)
	calls := s.fake.WaitCalls(wecomtest.WebhookPath, 1, 5*time.Second)
	s.cb.Wait()
	if len(s.fake.CallsTo(wecomtest.WebhookPath)) != 1 || len(calls) != 1 {
		t.Fatalf("webhook calls: %+v, want exactly one", s.fake.CallsTo(wecomtest.WebhookPath))
	}
	var sent struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content   string   `json:"content"`
			Mentioned []string `json:"mentioned_list"`
		} `json:"text"`
	}
	if err := calls[0].JSON(&sent); err != nil {
		t.Fatal(err)
	}
	if calls[0].Query.Get("key") != "GROUP-KEY" || sent.Text.Content != "已登记：张三 *加粗*" || len(sent.Text.Mentioned) != 1 || sent.Text.Mentioned[0] != "zhangsan" {
		t.Errorf("late answer = key %q %+v", calls[0].Query.Get("key"), sent)
	}
	if s.engine.ran["m-1"] != 1 {
		t.Errorf("the command ran %d times", s.engine.ran["m-1"])
	}
	// A retry after the answer went out reaches the engine, which refuses it.
	if status, body := s.post(t, inner); status != http.StatusOK || len(body) != 0 {
		t.Errorf("retry after delivery: %d %q", status, body)
	}
	s.cb.Wait()
	if n := len(s.fake.CallsTo(wecomtest.WebhookPath)); n != 1 {
		t.Errorf("%d webhook calls after the retry, want 1", n)
	}
}

// WeCom's rate limit (45009) on the first send: the answer waits 60 s and is
// delivered exactly once.
func TestLateAnswerWaitsOutRateLimit(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "")
	s.fake.FailNext(wecomtest.WebhookPath, 45009, 1)
	s.postLate(t, s.client.TextMessage(s.text("m-2")))
	s.fake.WaitCalls(wecomtest.WebhookPath, 2, 5*time.Second)
	s.cb.Wait()
	if got := len(s.fake.Delivered(wecomtest.WebhookPath)); got != 1 {
		t.Errorf("%d deliveries, want exactly 1", got)
	}
	if len(s.slept) != 1 || s.slept[0] != time.Minute {
		t.Errorf("waits %v, want one of 60 s", s.slept)
	}
	if got := strings.Join(s.results, " "); got != "webhook/send=45009 webhook/send=0" {
		t.Errorf("observed sends %q", got)
	}
}

// A group whose robot is gone (93000) is reported once and not retried.
func TestLateAnswerToARemovedRobot(t *testing.T) {
	s := newLate(t, bot.ModeRobot, "")
	s.fake.FailNext(wecomtest.WebhookPath, 93000, 1)
	s.postLate(t, s.client.TextMessage(s.text("m-3")))
	s.fake.WaitCalls(wecomtest.WebhookPath, 1, 5*time.Second)
	s.cb.Wait()
	if n := len(s.fake.CallsTo(wecomtest.WebhookPath)); n != 1 {
		t.Errorf("%d webhook calls, want 1 (93000 is not retried)", n)
	}
	if len(s.broken) != 1 || s.broken[0] != "group-1" {
		t.Errorf("broken webhooks reported: %v", s.broken)
	}
}

// The AI bot's late answer goes to its one-shot response_url, as markdown
// that cannot be injected.
func TestLateAnswerThroughTheResponseURL(t *testing.T) {
	s := newLate(t, bot.ModeBot, "")
	s.postLate(t, s.client.TextMessage(s.text("m-4")))
	calls := s.fake.WaitCalls("/cgi-bin/aibot/response", 1, 5*time.Second)
	s.cb.Wait()
	if len(calls) != 1 || calls[0].Query.Get("response_code") != "RC1" {
		t.Fatalf("response_url calls: %+v", calls)
	}
	var sent struct {
		Markdown struct{ Content string } `json:"markdown"`
	}
	json.Unmarshal(calls[0].Body, &sent)
	if !strings.Contains(sent.Markdown.Content, "已登记：张三") || strings.Contains(sent.Markdown.Content, "*") {
		t.Errorf("markdown %q", sent.Markdown.Content)
	}
}

// The app's late answer is an app message to the sender.
func TestLateAnswerThroughAppMessage(t *testing.T) {
	s := newLate(t, bot.ModeApp, "wxcorp")
	msg := s.text("5001")
	msg.ChatID = ""
	s.postLate(t, s.client.TextMessage(msg))
	calls := s.fake.WaitCalls(wecomtest.MessageSendPath, 1, 5*time.Second)
	s.cb.Wait()
	var sent struct {
		ToUser string `json:"touser"`
		Text   struct{ Content string }
	}
	if len(calls) != 1 || calls[0].JSON(&sent) != nil || sent.ToUser != "zhangsan" || sent.Text.Content != "已登记：张三 *加粗*" {
		t.Errorf("message/send calls: %+v (%+v)", calls, sent)
	}
}
