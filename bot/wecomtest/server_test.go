package wecomtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"teambot/bot/wecomtest"
)

// reply is WeCom's JSON answer.
type reply struct {
	Errcode     *int   `json:"errcode"`
	Errmsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// do sends a request to the fake and decodes a JSON answer; status is the
// HTTP status, and r is zero when the answer was not JSON.
func do(t *testing.T, s *wecomtest.Server, method, pathQuery, body string) (status int, r reply) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+pathQuery, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b, &r)
	return resp.StatusCode, r
}

func errcode(r reply) int {
	if r.Errcode == nil {
		return -999
	}
	return *r.Errcode
}

func TestWebhook(t *testing.T) {
	s := wecomtest.NewServer(t)
	text := `{"msgtype":"text","text":{"content":"hello","mentioned_list":["@all"]}}`
	for _, tt := range []struct {
		name, pathQuery, body string
		want                  int
	}{
		{"text", "/cgi-bin/webhook/send?key=K", text, 0},
		{"markdown", "/cgi-bin/webhook/send?key=K", `{"msgtype":"markdown","markdown":{"content":"**hi**"}}`, 0},
		{"no key", "/cgi-bin/webhook/send", text, 93000},
		{"not JSON", "/cgi-bin/webhook/send?key=K", "hello", 40058},
		{"empty content", "/cgi-bin/webhook/send?key=K", `{"msgtype":"text","text":{"content":""}}`, 40058},
		{"text too long", "/cgi-bin/webhook/send?key=K", `{"msgtype":"text","text":{"content":"` + strings.Repeat("a", 2049) + `"}}`, 40058},
		{"markdown within its limit", "/cgi-bin/webhook/send?key=K", `{"msgtype":"markdown","markdown":{"content":"` + strings.Repeat("a", 4096) + `"}}`, 0},
	} {
		status, r := do(t, s, http.MethodPost, tt.pathQuery, tt.body)
		if status != http.StatusOK || errcode(r) != tt.want {
			t.Errorf("%s: HTTP %d errcode %d, want errcode %d", tt.name, status, errcode(r), tt.want)
		}
	}
	calls := s.CallsTo(wecomtest.WebhookPath)
	if len(calls) != 7 || len(s.Delivered(wecomtest.WebhookPath)) != 3 {
		t.Fatalf("%d calls, %d delivered; want 7 and 3", len(calls), len(s.Delivered(wecomtest.WebhookPath)))
	}
	first := calls[0]
	var body struct {
		MsgType string `json:"msgtype"`
	}
	if first.Method != http.MethodPost || first.Query.Get("key") != "K" || first.JSON(&body) != nil || body.MsgType != "text" || first.At.IsZero() {
		t.Errorf("first call recorded as %+v", first)
	}
	if status, _ := do(t, s, http.MethodGet, "/cgi-bin/webhook/send?key=K", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("GET webhook: HTTP %d, want 405", status)
	}
	if status, _ := do(t, s, http.MethodPost, "/cgi-bin/unknown", "{}"); status != http.StatusNotFound {
		t.Errorf("unknown path: HTTP %d, want 404", status)
	}
}

func TestTokensAndAppMessages(t *testing.T) {
	s := wecomtest.NewServer(t)
	if _, r := do(t, s, http.MethodGet, "/cgi-bin/gettoken?corpsecret=S", ""); errcode(r) != 41002 {
		t.Errorf("gettoken without corpid: errcode %d, want 41002", errcode(r))
	}
	_, r := do(t, s, http.MethodGet, "/cgi-bin/gettoken?corpid=C&corpsecret=S", "")
	if errcode(r) != 0 || r.AccessToken != "TOKEN-1" || r.ExpiresIn != wecomtest.TokenTTL {
		t.Fatalf("gettoken = %+v", r)
	}
	msg := `{"touser":"a|b","msgtype":"text","agentid":1000002,"text":{"content":"hi"}}`
	if _, r := do(t, s, http.MethodPost, "/cgi-bin/message/send?access_token=TOKEN-1", msg); errcode(r) != 0 {
		t.Errorf("message/send: errcode %d", errcode(r))
	}
	if _, r := do(t, s, http.MethodPost, "/cgi-bin/message/send?access_token=FORGED", msg); errcode(r) != 42001 {
		t.Errorf("unknown token: errcode %d, want 42001", errcode(r))
	}
	s.ExpireTokens()
	if _, r := do(t, s, http.MethodPost, "/cgi-bin/message/send?access_token=TOKEN-1", msg); errcode(r) != 42001 {
		t.Errorf("expired token: errcode %d, want 42001", errcode(r))
	}
	if _, r := do(t, s, http.MethodGet, "/cgi-bin/gettoken?corpid=C&corpsecret=S", ""); r.AccessToken != "TOKEN-2" {
		t.Errorf("token after expiry = %q, want TOKEN-2", r.AccessToken)
	}
}

func TestAIBotResponse(t *testing.T) {
	s := wecomtest.NewServer(t)
	_, r := do(t, s, http.MethodPost, "/cgi-bin/aibot/response?response_code=RC", `{"msgtype":"markdown","markdown":{"content":"ok"}}`)
	if errcode(r) != 0 {
		t.Fatalf("errcode %d", errcode(r))
	}
	calls := s.CallsTo("/cgi-bin/aibot/response")
	if len(calls) != 1 || calls[0].Query.Get("response_code") != "RC" {
		t.Errorf("calls = %+v", calls)
	}
}

func TestFailNextAndStatusNext(t *testing.T) {
	s := wecomtest.NewServer(t)
	const path = "/cgi-bin/webhook/send?key=K"
	body := `{"msgtype":"text","text":{"content":"hi"}}`
	s.FailNext(wecomtest.WebhookPath, 45009, 2)
	s.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 1)
	want := []struct{ status, errcode int }{{200, 45009}, {200, 45009}, {500, -999}, {200, 0}}
	for i, w := range want {
		status, r := do(t, s, http.MethodPost, path, body)
		if status != w.status || errcode(r) != w.errcode {
			t.Errorf("call %d: HTTP %d errcode %d, want HTTP %d errcode %d", i, status, errcode(r), w.status, w.errcode)
		}
	}
	calls := s.Calls()
	if len(calls) != 4 || calls[0].Errcode != 45009 || calls[2].Status != 500 || !calls[3].OK() || calls[0].OK() {
		t.Errorf("recorded %+v", calls)
	}
}

func TestWaitCalls(t *testing.T) {
	s := wecomtest.NewServer(t)
	go func() {
		for range 3 {
			resp, err := http.Post(s.URL+"/cgi-bin/webhook/send?key=K", "application/json",
				bytes.NewReader([]byte(`{"msgtype":"text","text":{"content":"async"}}`)))
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	if got := s.WaitCalls(wecomtest.WebhookPath, 3, 10*time.Second); len(got) != 3 {
		t.Fatalf("WaitCalls returned %d calls, want 3", len(got))
	}
	if got := s.WaitCalls(wecomtest.MessageSendPath, 1, 10*time.Millisecond); len(got) != 0 {
		t.Errorf("WaitCalls for a path never called returned %d calls", len(got))
	}
}

func TestDelay(t *testing.T) {
	s := wecomtest.NewServer(t)
	s.Delay(wecomtest.WebhookPath, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/cgi-bin/webhook/send?key=K",
		strings.NewReader(`{"msgtype":"text","text":{"content":"slow"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a delayed call was answered before the client's deadline")
	}
	if n := len(s.CallsTo(wecomtest.WebhookPath)); n != 1 {
		t.Errorf("%d calls recorded, want 1: a slow WeCom still received it", n)
	}
	s.Delay(wecomtest.WebhookPath, 0)
	if _, r := do(t, s, http.MethodPost, "/cgi-bin/webhook/send?key=K", `{"msgtype":"text","text":{"content":"fast"}}`); errcode(r) != 0 {
		t.Errorf("after the delay was removed: errcode %d", errcode(r))
	}
}
