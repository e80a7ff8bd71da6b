package wecom_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

func TestWebhookKey(t *testing.T) {
	key, err := wecom.WebhookKey("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + testKey)
	if err != nil || key != testKey {
		t.Fatalf("WebhookKey = %q, %v; want %q", key, err, testKey)
	}
	for _, bad := range []string{
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
		"://secret-in-a-broken-url",
	} {
		_, err := wecom.WebhookKey(bad)
		if err == nil {
			t.Errorf("WebhookKey(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("error repeats the URL: %v", err)
		}
	}
}

func TestSendText(t *testing.T) {
	srv, c, clk := newFake(t)
	if err := c.SendText(context.Background(), testKey, "早上好 ☀️", []string{"zhangsan", "@all"}); err != nil {
		t.Fatal(err)
	}
	calls := srv.CallsTo(wecomtest.WebhookPath)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	call := calls[0]
	if call.Method != http.MethodPost || call.Query.Get("key") != testKey {
		t.Errorf("call = %s ?%s, want POST with the key", call.Method, call.Query.Encode())
	}
	got := decode[webhookBody](t, call)
	if got.MsgType != "text" || got.Text.Content != "早上好 ☀️" || strings.Join(got.Text.MentionedList, ",") != "zhangsan,@all" {
		t.Errorf("body = %s", call.Body)
	}
	sleepsEqual(t, clk)
}

func TestSendTextSplitsAndMentionsInFirstPartOnly(t *testing.T) {
	srv, c, _ := newFake(t)
	line := strings.Repeat("请在周五前提交本周的推广数据。", 20) + "\n" // 901 bytes
	content := strings.Repeat(line, 5)
	if err := c.SendText(context.Background(), testKey, content, []string{"lisi"}); err != nil {
		t.Fatal(err)
	}
	calls := srv.Delivered(wecomtest.WebhookPath)
	if len(calls) != 3 {
		t.Fatalf("%d parts delivered, want 3", len(calls))
	}
	var joined strings.Builder
	for i, call := range calls {
		b := decode[webhookBody](t, call)
		if n := len(b.Text.Content); n > wecom.MaxTextBytes || !utf8.ValidString(b.Text.Content) {
			t.Errorf("part %d: %d bytes, valid UTF-8 %v", i, n, utf8.ValidString(b.Text.Content))
		}
		if !strings.HasSuffix(b.Text.Content, "\n") {
			t.Errorf("part %d does not end at a line break", i)
		}
		if mentioned := len(b.Text.MentionedList) > 0; mentioned != (i == 0) {
			t.Errorf("part %d: mentioned_list %v", i, b.Text.MentionedList)
		}
		joined.WriteString(b.Text.Content)
	}
	if joined.String() != content {
		t.Error("the parts do not add up to the content")
	}
}

func TestSendMarkdown(t *testing.T) {
	srv, c, _ := newFake(t)
	content := "## 本周提醒 <@wangwu>\n" + strings.Repeat("- 🎯 完成 <font color=\"warning\">海报</font> 设计\n", 200)
	if err := c.SendMarkdown(context.Background(), testKey, content); err != nil {
		t.Fatal(err)
	}
	calls := srv.Delivered(wecomtest.WebhookPath)
	if len(calls) < 2 {
		t.Fatalf("%d parts for %d bytes, want at least 2", len(calls), len(content))
	}
	if !strings.Contains(string(calls[0].Body), "<@wangwu>") {
		t.Errorf("the mention was escaped: %.80s", calls[0].Body)
	}
	var joined strings.Builder
	for i, call := range calls {
		b := decode[webhookBody](t, call)
		if b.MsgType != "markdown" || len(b.Markdown.Content) > wecom.MaxMarkdownBytes {
			t.Errorf("part %d: msgtype %q, %d bytes", i, b.MsgType, len(b.Markdown.Content))
		}
		joined.WriteString(b.Markdown.Content)
	}
	if joined.String() != content {
		t.Error("the parts do not add up to the content")
	}
}

func TestSendRejectsEmptyMessageAndKey(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	if err := c.SendText(ctx, testKey, "", nil); err == nil {
		t.Error("empty text was sent")
	}
	if err := c.SendMarkdown(ctx, "", "hello"); err == nil {
		t.Error("sent without a key")
	}
	callCount(t, srv, wecomtest.WebhookPath, 0)
}

func TestRateLimitedOnceThenDelivered(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.FailNext(wecomtest.WebhookPath, 45009, 1)
	if err := c.SendText(context.Background(), testKey, "hello", nil); err != nil {
		t.Fatal(err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 2)
	if n := len(srv.Delivered(wecomtest.WebhookPath)); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
	sleepsEqual(t, clk, time.Minute)
}

func TestRateLimitedThroughout(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.FailNext(wecomtest.WebhookPath, 45009, 10)
	err := c.SendText(context.Background(), testKey, "hello", nil)
	if !wecom.IsRateLimited(err) || wecom.IsBrokenWebhook(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 4)
	sleepsEqual(t, clk, time.Minute, time.Minute, time.Minute)
}

func TestBusyRetriedWithBackoff(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.FailNext(wecomtest.WebhookPath, -1, 3)
	if err := c.SendText(context.Background(), testKey, "hello", nil); err != nil {
		t.Fatal(err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 4)
	sleepsEqual(t, clk, time.Second, 2*time.Second, 4*time.Second)
}

func TestBusyThroughout(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.FailNext(wecomtest.WebhookPath, -1, 10)
	err := c.SendText(context.Background(), testKey, "hello", nil)
	var apiErr *wecom.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != -1 || apiErr.Op != "webhook/send" {
		t.Fatalf("err = %v, want an *APIError with errcode -1", err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 4)
	sleepsEqual(t, clk, time.Second, 2*time.Second, 4*time.Second)
}

func TestErrcodesNotRetried(t *testing.T) {
	for _, tt := range []struct {
		code   int
		broken bool
	}{
		{93000, true},
		{93004, true},
		{93008, true},
		{40058, false},
		{60020, false},
		{40001, false},
	} {
		srv, c, clk := newFake(t)
		srv.FailNext(wecomtest.WebhookPath, tt.code, 1)
		err := c.SendText(context.Background(), testKey, "hello", nil)
		var apiErr *wecom.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != tt.code {
			t.Errorf("errcode %d: err = %v", tt.code, err)
		}
		if got := wecom.IsBrokenWebhook(err); got != tt.broken {
			t.Errorf("errcode %d: IsBrokenWebhook = %v, want %v", tt.code, got, tt.broken)
		}
		callCount(t, srv, wecomtest.WebhookPath, 1)
		sleepsEqual(t, clk)
	}
}

func TestLaterPartFailsStops(t *testing.T) {
	srv, c, _ := newFake(t)
	content := strings.Repeat(strings.Repeat("x", 1000)+"\n", 5) // 3 parts
	srv.FailNext(wecomtest.WebhookPath, 0, 1)
	srv.FailNext(wecomtest.WebhookPath, 93000, 1)
	err := c.SendText(context.Background(), testKey, content, nil)
	if !wecom.IsBrokenWebhook(err) || !strings.Contains(err.Error(), "part 2 of 3") {
		t.Fatalf("err = %v, want a broken webhook at part 2 of 3", err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 2)
}

func TestHTTPErrorNotRetried(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 1)
	err := c.SendText(context.Background(), testKey, "hello", nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("err = %v, want HTTP 500", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error holds the key: %v", err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 1)
	sleepsEqual(t, clk)
}

func TestReplyNotJSON(t *testing.T) {
	var calls int
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>gateway</html>"))
	}))
	defer proxy.Close()
	c, clk := newClient(t, proxy.URL)
	err := c.SendText(context.Background(), testKey, "hello", nil)
	if err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("err = %v, want a reply that is not JSON", err)
	}
	if calls != 1 {
		t.Errorf("%d calls, want 1", calls)
	}
	sleepsEqual(t, clk)
}

func TestTimeoutAfterSendingNotRetried(t *testing.T) {
	srv, c, clk := newFake(t, func(cfg *wecom.Config) { cfg.Timeout = 50 * time.Millisecond })
	srv.Delay(wecomtest.WebhookPath, time.Minute)
	err := c.SendText(context.Background(), testKey, "hello", nil)
	if err == nil {
		t.Fatal("a timed-out send succeeded")
	}
	callCount(t, srv, wecomtest.WebhookPath, 1)
	sleepsEqual(t, clk)
}

func TestConnectionRefusedRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	l.Close()
	c, clk := newClient(t, base)
	err = c.SendText(context.Background(), testKey, "hello", nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want connection refused", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error holds the key: %v", err)
	}
	sleepsEqual(t, clk, time.Second, 2*time.Second, 4*time.Second)
}

func TestCanceledContextStopsRetries(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.FailNext(wecomtest.WebhookPath, -1, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.SendText(ctx, testKey, "hello", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	callCount(t, srv, wecomtest.WebhookPath, 0)
	sleepsEqual(t, clk)
}
