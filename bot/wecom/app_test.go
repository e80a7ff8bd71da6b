package wecom_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

func TestSendApp(t *testing.T) {
	srv, c, _ := newFake(t)
	if err := c.SendApp(context.Background(), []string{"zhangsan", "lisi"}, "请假申请已批准"); err != nil {
		t.Fatal(err)
	}
	tok := srv.CallsTo(wecomtest.GetTokenPath)
	if len(tok) != 1 || tok[0].Query.Get("corpid") != "ww0123456789abcdef" || tok[0].Query.Get("corpsecret") != testSecret {
		t.Fatalf("gettoken calls = %+v", tok)
	}
	sent := srv.Delivered(wecomtest.MessageSendPath)
	if len(sent) != 1 {
		t.Fatalf("%d messages delivered, want 1", len(sent))
	}
	if got := sent[0].Query.Get("access_token"); got != "TOKEN-1" {
		t.Errorf("access_token = %q, want TOKEN-1", got)
	}
	b := decode[appBody](t, sent[0])
	if b.ToUser != "zhangsan|lisi" || b.MsgType != "text" || b.AgentID != 1000002 || b.Text.Content != "请假申请已批准" {
		t.Errorf("body = %s", sent[0].Body)
	}
}

func TestSendAppSplits(t *testing.T) {
	srv, c, _ := newFake(t)
	text := strings.Repeat(strings.Repeat("月", 300)+"\n", 6) // 5406 bytes
	if err := c.SendApp(context.Background(), []string{"zhangsan"}, text); err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	for _, call := range srv.Delivered(wecomtest.MessageSendPath) {
		content := decode[appBody](t, call).Text.Content
		if len(content) > wecom.MaxTextBytes {
			t.Errorf("a part has %d bytes", len(content))
		}
		joined.WriteString(content)
	}
	if joined.String() != text {
		t.Error("the parts do not add up to the text")
	}
	callCount(t, srv, wecomtest.GetTokenPath, 1)
}

func TestSendAppNotConfigured(t *testing.T) {
	srv, c, _ := newFake(t, func(cfg *wecom.Config) { cfg.AppSecret = "" })
	err := c.SendApp(context.Background(), []string{"zhangsan"}, "hello")
	if !errors.Is(err, wecom.ErrAppNotConfigured) {
		t.Fatalf("err = %v, want ErrAppNotConfigured", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls to WeCom, want none", n)
	}
}

func TestAccessTokenCached(t *testing.T) {
	srv, c, _ := newFake(t)
	for range 5 {
		if err := c.SendApp(context.Background(), []string{"zhangsan"}, "hello"); err != nil {
			t.Fatal(err)
		}
	}
	callCount(t, srv, wecomtest.GetTokenPath, 1)
	callCount(t, srv, wecomtest.MessageSendPath, 5)
}

func TestAccessTokenSharedByConcurrentCallers(t *testing.T) {
	srv, c, _ := newFake(t)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() { errs <- c.SendApp(context.Background(), []string{"zhangsan"}, "hello") })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	callCount(t, srv, wecomtest.GetTokenPath, 1)
	callCount(t, srv, wecomtest.MessageSendPath, 10)
}

func TestAccessTokenRefreshedNearExpiry(t *testing.T) {
	srv, c, clk := newFake(t)
	send := func() {
		t.Helper()
		if err := c.SendApp(context.Background(), []string{"zhangsan"}, "hello"); err != nil {
			t.Fatal(err)
		}
	}
	send()
	clk.Advance(wecomtest.TokenTTL*time.Second - 5*time.Minute - time.Second)
	send()
	callCount(t, srv, wecomtest.GetTokenPath, 1)

	clk.Advance(2 * time.Second) // less than 5 minutes left
	send()
	callCount(t, srv, wecomtest.GetTokenPath, 2)
	sent := srv.CallsTo(wecomtest.MessageSendPath)
	if got := sent[len(sent)-1].Query.Get("access_token"); got != "TOKEN-2" {
		t.Errorf("sent with %q, want the new TOKEN-2", got)
	}
}

func TestExpiredTokenRefetchedOnce(t *testing.T) {
	srv, c, _ := newFake(t)
	ctx := context.Background()
	if err := c.SendApp(ctx, []string{"zhangsan"}, "first"); err != nil {
		t.Fatal(err)
	}
	srv.ExpireTokens()
	if err := c.SendApp(ctx, []string{"zhangsan"}, "second"); err != nil {
		t.Fatal(err)
	}
	callCount(t, srv, wecomtest.GetTokenPath, 2)
	sent := srv.CallsTo(wecomtest.MessageSendPath)
	if len(sent) != 3 || sent[1].Errcode != 42001 || !sent[2].OK() || sent[2].Query.Get("access_token") != "TOKEN-2" {
		t.Errorf("message/send calls = %+v, want ok, 42001, ok with TOKEN-2", sent)
	}
}

func TestTokenRejectedTwiceGivesUp(t *testing.T) {
	for _, code := range []int{42001, 40014} {
		srv, c, clk := newFake(t)
		srv.FailNext(wecomtest.MessageSendPath, code, 5)
		err := c.SendApp(context.Background(), []string{"zhangsan"}, "hello")
		var apiErr *wecom.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.Op != "message/send" {
			t.Errorf("errcode %d: err = %v", code, err)
		}
		callCount(t, srv, wecomtest.GetTokenPath, 2)
		callCount(t, srv, wecomtest.MessageSendPath, 2)
		sleepsEqual(t, clk)
	}
}

func TestGetTokenFails(t *testing.T) {
	srv, c, _ := newFake(t)
	srv.FailNext(wecomtest.GetTokenPath, 40001, 1)
	err := c.SendApp(context.Background(), []string{"zhangsan"}, "hello")
	var apiErr *wecom.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40001 || apiErr.Op != "gettoken" {
		t.Fatalf("err = %v, want gettoken's errcode 40001", err)
	}
	callCount(t, srv, wecomtest.MessageSendPath, 0)
}
