package bot

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"teambot"
	"teambot/bot/wxcrypt"
)

// The official test vector (docs/wecom-protocol.md §3, doc 90968), as the app endpoint.
const (
	vecToken     = "QDG6eK"
	vecCorpID    = "wx5823bf96d3bd56c7"
	vecKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vecGetQuery  = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"
	vecPostQuery = "msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149"
	vecEncrypt   = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecPostBody  = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
)

// engine is a hand-written fake of the command engine: it records what it
// was given and answers with the text "echo: " + the message.
type engine struct {
	mu     sync.Mutex
	msgs   []teambot.Message
	events []teambot.Event
	clicks []teambot.Click
	block  chan struct{} // when set, Handle waits for it to close
	fail   error         // when set, Handle returns it and records nothing
	fails  int           // with fail: how many calls fail before the rest succeed (0: all)
	calls  int
}

func (e *engine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	if e.block != nil {
		<-e.block
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.calls++; e.fail != nil && (e.fails == 0 || e.calls <= e.fails) {
		return teambot.Reply{}, e.fail
	}
	for _, m := range e.msgs {
		if m.Source == msg.Source && m.ID == msg.ID { // the answer kept with the id, as the real engine gives it
			return teambot.Reply{Text: "echo: " + m.Text}, teambot.ErrAlreadyHandled
		}
	}
	e.msgs = append(e.msgs, msg)
	return teambot.Reply{Text: "echo: " + msg.Text}, nil
}

func (e *engine) HandleEvent(ctx context.Context, ev teambot.Event) (teambot.Reply, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, ev)
	return teambot.Reply{Text: "event: " + ev.Kind}, nil
}

// HandleClick records the click and answers with the card as the clicker
// now sees it: the button's key as its title.
func (e *engine) HandleClick(ctx context.Context, c teambot.Click) (teambot.Reply, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clicks = append(e.clicks, c)
	return teambot.Reply{Text: "clicked: " + c.Key, Card: &teambot.Card{TaskID: c.TaskID, Title: c.Key, Done: "已处理"}}, nil
}

func appCallback(t *testing.T, e Engine, skew time.Duration, now time.Time) *Callback {
	t.Helper()
	cb, err := NewCallback(Config{Mode: ModeApp, Token: vecToken, AESKey: vecKey, ReceiveID: vecCorpID,
		Engine: e, Now: func() time.Time { return now }, MaxSkew: skew})
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func do(h http.Handler, method, query, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/wecom/app?"+query, strings.NewReader(body)))
	return rec
}

func TestOfficialVectorThroughTheAppEndpoint(t *testing.T) {
	e := &engine{}
	cb := appCallback(t, e, 0, time.Unix(1409659813, 0))

	get := do(cb, http.MethodGet, vecGetQuery, "")
	if get.Code != http.StatusOK || get.Body.String() != "1616140317555161061" {
		t.Fatalf("GET = %d %q, want 200 and exactly the plaintext", get.Code, get.Body.String())
	}

	post := do(cb, http.MethodPost, vecPostQuery, vecPostBody)
	if post.Code != http.StatusOK {
		t.Fatalf("POST = %d %q", post.Code, post.Body.String())
	}
	if len(e.msgs) != 1 {
		t.Fatalf("engine got %d messages, want 1", len(e.msgs))
	}
	if m := e.msgs[0]; m.UserID != "mycreate" || m.Text != "hello" || m.ID != "4561255354251345929" || m.Source != "app" || !m.Single() {
		t.Errorf("decoded message = %+v", m)
	}
	reply := openXMLReply(t, post.Body.Bytes())
	var got appReplyXML
	if err := xml.Unmarshal(reply, &got); err != nil {
		t.Fatal(err)
	}
	if got.ToUserName != "mycreate" || got.FromUserName != vecCorpID || got.MsgType != "text" || got.Content != "echo: hello" {
		t.Errorf("decrypted reply = %+v", got)
	}

	// WeCom's retry of the same callback does not run the command again,
	// and gets the same answer: the first may have been lost on the way.
	retry := do(cb, http.MethodPost, vecPostQuery, vecPostBody)
	if retry.Code != http.StatusOK || len(e.msgs) != 1 {
		t.Fatalf("retry = %d %q, %d messages; want 200 and still one message", retry.Code, retry.Body.String(), len(e.msgs))
	}
	if err := xml.Unmarshal(openXMLReply(t, retry.Body.Bytes()), &got); err != nil || got.Content != "echo: hello" {
		t.Errorf("retry answered %+v (%v), want the first answer again", got, err)
	}
}

// A command that could not run because the database could not be written
// is answered 503 with no body, never a 200 (which ends WeCom's retries);
// WeCom's retry once the database is back runs it.
func TestUnavailableIsA503(t *testing.T) {
	e := &engine{fail: fmt.Errorf("begin transaction: %w: disk full", teambot.ErrUnavailable)}
	m := NewMetrics(prometheus.NewRegistry())
	cb, err := NewCallback(Config{Mode: ModeApp, Token: vecToken, AESKey: vecKey, ReceiveID: vecCorpID,
		Engine: e, Now: func() time.Time { return time.Unix(1409659813, 0) }, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	post := do(cb, http.MethodPost, vecPostQuery, vecPostBody)
	if post.Code != http.StatusServiceUnavailable || post.Body.Len() != 0 {
		t.Errorf("POST with the database unavailable = %d %q, want 503 and no body", post.Code, post.Body.String())
	}
	if got := testutil.ToFloat64(m.callbacks.WithLabelValues("app", "unavailable")); got != 1 {
		t.Errorf(`teambot_callbacks_total{endpoint="app",outcome="unavailable"} = %v, want 1`, got)
	}
	e.fail = nil
	retry := do(cb, http.MethodPost, vecPostQuery, vecPostBody)
	if retry.Code != http.StatusOK || len(e.msgs) != 1 {
		t.Errorf("the retry = %d, %d messages run; want 200 and the message run", retry.Code, len(e.msgs))
	}
}

// A database that is unavailable for a moment costs a delay, not a retry:
// the command is tried again within the passive budget, and answered
// passively once it runs. One unavailable for longer is a 503 before the
// budget ends, never the empty 200 of a late answer.
func TestUnavailableIsTriedAgainWithinTheBudget(t *testing.T) {
	for _, fails := range []int{2, 0} {
		e := &engine{fail: fmt.Errorf("begin transaction: %w: connection refused", teambot.ErrUnavailable), fails: fails}
		m := NewMetrics(prometheus.NewRegistry())
		cb, err := NewCallback(Config{Mode: ModeApp, Token: vecToken, AESKey: vecKey, ReceiveID: vecCorpID, Engine: e,
			Now: func() time.Time { return time.Unix(1409659813, 0) }, AnswerWithin: 600 * time.Millisecond, Metrics: m})
		if err != nil {
			t.Fatal(err)
		}
		post := do(cb, http.MethodPost, vecPostQuery, vecPostBody)
		unavailable := testutil.ToFloat64(m.callbacks.WithLabelValues("app", "unavailable"))
		switch fails {
		case 2:
			if post.Code != http.StatusOK || post.Body.Len() == 0 || e.calls != 3 {
				t.Errorf("unavailable for two tries: %d %q after %d calls, want the passive reply after 3", post.Code, post.Body.String(), e.calls)
			}
		case 0:
			if post.Code != http.StatusServiceUnavailable || post.Body.Len() != 0 || e.calls < 2 ||
				unavailable != 1 {
				t.Errorf("unavailable throughout: %d %q after %d calls, %v counted unavailable; want 503 after several tries, counted once",
					post.Code, post.Body.String(), e.calls, unavailable)
			}
		}
	}
}

// openXMLReply verifies and decrypts an encrypted XML reply of the vector's app.
func openXMLReply(t *testing.T, body []byte) []byte {
	t.Helper()
	var env struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("reply envelope: %v\n%s", err, body)
	}
	c, err := wxcrypt.New(vecToken, vecKey, vecCorpID)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := c.Open(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
	if err != nil {
		t.Fatalf("reply does not verify and decrypt: %v", err)
	}
	return plain
}

// Hostile and wrong requests get 4xx without detail, never a 5xx, and never
// reach the engine.
func TestBadRequests(t *testing.T) {
	e := &engine{}
	now := time.Unix(1409659813, 0)
	cb := appCallback(t, e, 5*time.Minute, now)
	badSig := strings.Replace(vecPostQuery, "477715", "000000", 1)
	for _, tc := range []struct {
		name, method, query, body string
		want                      int
	}{
		{"wrong method", http.MethodPut, vecPostQuery, vecPostBody, http.StatusMethodNotAllowed},
		{"bad signature", http.MethodPost, badSig, vecPostBody, http.StatusUnauthorized},
		{"missing signature", http.MethodPost, "timestamp=1409659813&nonce=1", vecPostBody, http.StatusUnauthorized},
		{"bad signature on GET", http.MethodGet, strings.Replace(vecGetQuery, "5c45ff", "000000", 1), "", http.StatusUnauthorized},
		{"stale timestamp", http.MethodPost, strings.Replace(vecPostQuery, "1409659813", "1409659000", 1), vecPostBody, http.StatusUnauthorized},
		{"not a timestamp", http.MethodPost, strings.Replace(vecPostQuery, "1409659813", "soon", 1), vecPostBody, http.StatusUnauthorized},
		{"not XML", http.MethodPost, vecPostQuery, "{\"encrypt\":1}", http.StatusBadRequest},
		{"no Encrypt", http.MethodPost, vecPostQuery, "<xml><ToUserName>x</ToUserName></xml>", http.StatusBadRequest},
		{"billion laughs", http.MethodPost, vecPostQuery, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>`, http.StatusBadRequest},
		{"deep nesting", http.MethodPost, vecPostQuery, strings.Repeat("<a>", 8000) + strings.Repeat("</a>", 8000), http.StatusBadRequest}, // inside the body cap
		{"over the body cap", http.MethodPost, vecPostQuery, "<xml><Encrypt>" + strings.Repeat("A", DefaultMaxBody) + "</Encrypt></xml>", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(cb, tc.method, tc.query, tc.body)
			if rec.Code != tc.want {
				t.Errorf("%s = %d %q, want %d", tc.name, rec.Code, rec.Body.String(), tc.want)
			}
			if strings.Contains(rec.Body.String(), "signature") || strings.Contains(rec.Body.String(), "40001") {
				t.Errorf("the answer explains the failure: %q", rec.Body.String())
			}
		})
	}
	if len(e.msgs) != 0 {
		t.Errorf("bad requests reached the engine: %+v", e.msgs)
	}
}

// A message that the signature covers but that cannot be decrypted is a 400.
func TestUndecryptable(t *testing.T) {
	cb := appCallback(t, &engine{}, 0, time.Now())
	enc := "AAAA" + vecEncrypt[4:]
	q := url.Values{"timestamp": {"1"}, "nonce": {"n"}, "msg_signature": {wxcrypt.Sign(vecToken, "1", "n", enc)}}
	rec := do(cb, http.MethodPost, q.Encode(), "<xml><Encrypt>"+enc+"</Encrypt></xml>")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("undecryptable = %d, want 400", rec.Code)
	}
}

func TestMarkdownCannotBeInjected(t *testing.T) {
	got := MarkdownOf(teambot.Reply{Text: "已登记：**大** [点我](http://x) <@all> `x` # 标题 <font color=\"warning\">", Mentions: []string{"zhangsan"}})
	for _, bad := range []string{"**", "[点我]", "<@all>", "`", "# ", "<font"} {
		if strings.Contains(got, bad) {
			t.Errorf("markdown %q still contains %q", got, bad)
		}
	}
	if !strings.HasSuffix(got, " <@zhangsan>") {
		t.Errorf("the reply's own mention was lost: %q", got)
	}
}

func TestKeySealer(t *testing.T) {
	s, err := NewKeySealer(vecKey)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Seal("hook-key")
	b, _ := s.Seal("hook-key")
	if a == b || strings.Contains(a, "hook-key") {
		t.Errorf("sealed values %q, %q: want fresh nonces and no plaintext", a, b)
	}
	if got, err := s.Open(a); err != nil || got != "hook-key" {
		t.Errorf("Open = %q, %v", got, err)
	}
	other, _ := NewKeySealer("another secret")
	if _, err := other.Open(a); err == nil {
		t.Error("a key sealed under one secret opened under another")
	}
	for _, bad := range []string{"", "v1:", "v1:!!!", "hook-key"} {
		if _, err := s.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}
