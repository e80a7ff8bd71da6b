package wecom_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"teambot/bot/wecom"
	"teambot/bot/wecomtest"
)

// lockedBuffer is a log destination shared by concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoSecretsInLogsOrErrors drives every failure path and checks that no
// key, secret, token, response code or message content shows up.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	var logs lockedBuffer
	toLog := func(cfg *wecom.Config) {
		cfg.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	const content = "机密内容 salary 12345"
	const responseURL = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSE-CODE-XYZ"
	secrets := []string{testKey, testSecret, "TOKEN-", "salary", "RESPONSE-CODE-XYZ"}

	srv, c, _ := newFake(t, toLog)
	ctx := context.Background()
	var errs []error
	for _, code := range []int{93000, 40058, 60020, -1, 45009} {
		srv.FailNext(wecomtest.WebhookPath, code, 4)
		errs = append(errs, c.SendText(ctx, testKey, content, []string{"zhangsan"}))
	}
	srv.StatusNext(wecomtest.WebhookPath, http.StatusInternalServerError, 1)
	errs = append(errs, c.SendMarkdown(ctx, testKey, content))

	errs = append(errs, c.SendApp(ctx, []string{"zhangsan"}, content))
	srv.FailNext(wecomtest.MessageSendPath, 42001, 2)
	errs = append(errs, c.SendApp(ctx, []string{"zhangsan"}, content))
	srv.FailNext(wecomtest.GetTokenPath, 60020, 1)
	srv.ExpireTokens()
	errs = append(errs, c.SendApp(ctx, []string{"zhangsan"}, content))

	srv.StatusNext("/cgi-bin/aibot/response", http.StatusInternalServerError, 1)
	errs = append(errs, c.Respond(ctx, responseURL, content))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	gone, _ := newClient(t, down, toLog)
	errs = append(errs, gone.SendText(ctx, testKey, content, nil))
	errs = append(errs, gone.SendApp(ctx, []string{"zhangsan"}, content))
	errs = append(errs, gone.Respond(ctx, responseURL, content))

	out := logs.String()
	if out == "" {
		t.Fatal("nothing was logged")
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds %q:\n%s", s, out)
		}
		for _, err := range errs {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("an error holds %q: %v", s, err)
			}
		}
	}
}
