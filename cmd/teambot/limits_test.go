package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"teambot/bot/wecomtest"
	"teambot/storage/storagetest"
)

// TEAMBOT_MAX_BODY caps callback bodies (64 KiB unless set, in bytes or
// KiB/MiB), TEAMBOT_MAX_INFLIGHT the callbacks in flight (64 unless set);
// a bad value names the variable and shows a good one.
func TestLimitsConfig(t *testing.T) {
	c, err := loadConfig(env())
	if err != nil || c.MaxBody != 64<<10 || c.MaxInflight != 64 {
		t.Errorf("defaults: max body %d, in flight %d, %v; want 65536 and 64", c.MaxBody, c.MaxInflight, err)
	}
	for value, want := range map[string]int64{"65536": 65536, "128KiB": 128 << 10, "1MiB": 1 << 20, "32 KiB": 32 << 10} {
		if c, err := loadConfig(env("TEAMBOT_MAX_BODY", value)); err != nil || c.MaxBody != want {
			t.Errorf("TEAMBOT_MAX_BODY=%s: %d, %v; want %d", value, c.MaxBody, err, want)
		}
	}
	if c, err := loadConfig(env("TEAMBOT_MAX_INFLIGHT", "8")); err != nil || c.MaxInflight != 8 {
		t.Errorf("TEAMBOT_MAX_INFLIGHT=8: %d, %v", c.MaxInflight, err)
	}
	for name, bads := range map[string][]string{
		"TEAMBOT_MAX_BODY":     {"big", "-1", "0", "1KiB", "64KB", "1GiB"},
		"TEAMBOT_MAX_INFLIGHT": {"many", "0", "-3", "100000"},
	} {
		for _, bad := range bads {
			_, err := loadConfig(env(name, bad))
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "such as") {
				t.Errorf("%s=%q: err = %v, want it to name the variable and an example", name, bad, err)
			}
		}
	}
}

// TEAMBOT_ADMIN_LISTEN is where /metrics, /healthz and /readyz are served:
// 127.0.0.1:9090 unless set, "off" for nowhere; it may not be the callback
// port.
func TestAdminListenConfig(t *testing.T) {
	c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "")) // unset
	if err != nil || c.AdminListen != "127.0.0.1:9090" {
		t.Errorf("default admin listen %q, %v", c.AdminListen, err)
	}
	if c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "off")); err != nil || c.AdminListen != "" {
		t.Errorf("off: %q, %v; want none", c.AdminListen, err)
	}
	if c, err := loadConfig(env("TEAMBOT_ADMIN_LISTEN", "10.0.0.5:9100")); err != nil || c.AdminListen != "10.0.0.5:9100" {
		t.Errorf("10.0.0.5:9100: %q, %v", c.AdminListen, err)
	}
	for _, bad := range [][]string{
		{"TEAMBOT_ADMIN_LISTEN", "9090"},
		{"TEAMBOT_ADMIN_LISTEN", ":8080"},
		{"TEAMBOT_ADMIN_LISTEN", "127.0.0.1:7000", "TEAMBOT_LISTEN", "127.0.0.1:7000"},
	} {
		_, err := loadConfig(env(bad...))
		if err == nil || !strings.Contains(err.Error(), "TEAMBOT_ADMIN_LISTEN") {
			t.Errorf("%q: err = %v, want it to name TEAMBOT_ADMIN_LISTEN", bad, err)
		}
	}
}

// A message without a message id runs once through a running serve, on
// SQLite and on PostgreSQL: WeCom's retry repeats its signed envelope, whose
// SHA-256 stands for the id, and gets an empty 200; the same text in a new
// envelope is a new message.
func TestMessageWithoutIDRunsOnce(t *testing.T) {
	for _, d := range []struct {
		name string
		url  func(t *testing.T) string
	}{{"sqlite", func(t *testing.T) string { return storagetest.SQLiteURL(t) }}, {"postgres", func(t *testing.T) string { return storagetest.PostgresURL(t) }}} {
		t.Run(d.name, func(t *testing.T) {
			fake := wecomtest.NewServer(t)
			addr := serveWith(t, env(
				"TEAMBOT_DATABASE_URL", d.url(t),
				"TEAMBOT_LISTEN", "127.0.0.1:0",
				"WECOM_API_BASE", fake.URL,
				"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
			))
			c := &chatter{t: t, url: "http://" + addr + "/wecom/bot", chatID: "group-noid", fakeURL: fake.URL,
				cb: &wecomtest.Callbacks{Mode: wecomtest.ModeBot, Token: "bot-token", AESKey: testAESKey}}
			inner := []byte(`{"chatid":"group-noid","chattype":"group","from":{"userid":"zhangsan"},"msgtype":"text","text":{"content":"/加入 张三 文案"}}`)
			first := c.cb.Post(c.url, inner)
			body, _ := io.ReadAll(first.Body)
			post := func() string {
				t.Helper()
				req, _ := http.NewRequest(http.MethodPost, first.URL.String(), bytes.NewReader(body))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				reply, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("HTTP %d", resp.StatusCode)
				}
				if len(reply) == 0 {
					return ""
				}
				plain, err := c.cb.OpenReply(reply)
				if err != nil {
					t.Fatal(err)
				}
				return replyText(t, c.cb.Mode, plain)
			}
			answer := post()
			if !strings.Contains(answer, "已登记：张三") {
				t.Fatalf("first delivery: %q", answer)
			}
			// The retry gets the kept answer again; run a second time it
			// would say "你已经登记为 张三".
			if got := post(); got != answer {
				t.Errorf("WeCom's retry of a message without an id: %q, want the first answer %q again", got, answer)
			}
			if got := c.send(inner); !strings.Contains(got, "你已经登记为 张三") {
				t.Errorf("the same text in a new envelope: %q, want it run as a new message", got)
			}
		})
	}
}

// With TEAMBOT_ADMIN_LISTEN=off serve says so at start and serves the
// operations endpoints nowhere; an admin address that is taken stops the
// start with an error naming the variable.
func TestAdminPortOffOrTaken(t *testing.T) {
	getenv := env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t), "TEAMBOT_LISTEN", "127.0.0.1:0", "TEAMBOT_ADMIN_LISTEN", "off")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	addr := waitForAddr(t, &stderr, done)
	if !strings.Contains(stderr.String(), "admin port off") || strings.Contains(stderr.String(), "admin listening") {
		t.Errorf("the log does not say the admin port is off:\n%s", stderr.String())
	}
	if got := httpStatus(t, "http://"+addr+"/metrics"); got != http.StatusNotFound {
		t.Errorf("/metrics on the callback port with the admin port off: HTTP %d, want 404", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	getenv = env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t), "TEAMBOT_LISTEN", "127.0.0.1:0", "TEAMBOT_ADMIN_LISTEN", taken.Addr().String())
	err = run(context.Background(), []string{"serve"}, getenv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TEAMBOT_ADMIN_LISTEN") {
		t.Errorf("serve on a taken admin address: %v, want an error naming TEAMBOT_ADMIN_LISTEN", err)
	}
}

func httpStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
