package wecom_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

const responsePath = wecomtest.AIBotPrefix + "response"

func TestRespondRebasesOntoAPIBase(t *testing.T) {
	srv, c, _ := newFake(t)
	for _, u := range []string{
		"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC-1",
		"https://elsewhere.example/cgi-bin/aibot/response?response_code=RC-2",
	} {
		if err := c.Respond(context.Background(), u, "**已记录** <@zhangsan>"); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.Delivered(responsePath)
	if len(calls) != 2 {
		t.Fatalf("%d replies reached the fake, want 2", len(calls))
	}
	for i, call := range calls {
		if want := []string{"RC-1", "RC-2"}[i]; call.Query.Get("response_code") != want || call.Method != http.MethodPost {
			t.Errorf("reply %d: %s ?%s, want POST with response_code %s", i, call.Method, call.Query.Encode(), want)
		}
		b := decode[webhookBody](t, call)
		if b.MsgType != "markdown" || b.Markdown.Content != "**已记录** <@zhangsan>" {
			t.Errorf("reply %d: body %s", i, call.Body)
		}
	}
}

func TestRespondTruncatesLongReply(t *testing.T) {
	srv, c, _ := newFake(t)
	long := strings.Repeat("| 成员 | 状态 | 备注 |\n", 1500) // 34500 bytes
	if err := c.Respond(context.Background(), "https://qyapi.weixin.qq.com"+responsePath+"?response_code=RC", long); err != nil {
		t.Fatal(err)
	}
	calls := srv.Delivered(responsePath)
	if len(calls) != 1 {
		t.Fatalf("%d replies, want 1", len(calls))
	}
	content := decode[webhookBody](t, calls[0]).Markdown.Content
	if len(content) > wecom.MaxRespondBytes || !strings.HasSuffix(content, "已截断）") {
		t.Errorf("reply has %d bytes and ends %q", len(content), content[max(0, len(content)-40):])
	}
	if head := strings.TrimSuffix(content, "\n\n……（内容过长，已截断）"); !strings.HasPrefix(long, head+"\n") {
		t.Error("the reply was not cut at a line boundary")
	}
}

func TestRespondHTTPErrorNotRetried(t *testing.T) {
	srv, c, clk := newFake(t)
	srv.StatusNext(responsePath, http.StatusBadGateway, 1)
	if err := c.Respond(context.Background(), "https://qyapi.weixin.qq.com"+responsePath+"?response_code=RC", "ok"); err == nil {
		t.Fatal("a 502 was taken for success")
	}
	callCount(t, srv, responsePath, 1)
	sleepsEqual(t, clk)
}

func TestRespondRejectsBadInput(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	for _, u := range []string{"", "https://qyapi.weixin.qq.com", "://x?response_code=SECRET"} {
		err := c.Respond(ctx, u, "ok")
		if err == nil {
			t.Errorf("Respond(%q) succeeded", u)
		} else if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the error repeats the response_url: %v", err)
		}
	}
	if err := c.Respond(ctx, "https://qyapi.weixin.qq.com"+responsePath+"?response_code=RC", ""); err == nil {
		t.Error("an empty reply was sent")
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls, want none", n)
	}
}
