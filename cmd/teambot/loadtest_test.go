package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"teambot/storage"
)

// startServe runs serve on SQLite with the group robot and the AI bot
// endpoints until the test ends, and returns its address.
func startServe(t *testing.T) string {
	t.Helper()
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "load.db"),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"WECOM_API_BASE", "http://127.0.0.1:9", // nothing is sent: every answer is passive
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
	)
	return serveWith(t, getenv)
}

// serveWith runs serve configured by getenv until the test ends, and
// returns its address.
func serveWith(t *testing.T, getenv func(string) string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	addr := waitForAddr(t, &stderr, done)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return addr
}

var reportLine = regexp.MustCompile(`(?m)^requests +(\d+) \(answered 200: (\d+), of which empty: (\d+)\)\n^errors +(\d+) `)

// loadtest against a running serve, open loop for a second: every callback
// is answered 200 with a passive reply that verifies and decrypts, each from
// its own message id (none is taken for a retry), spread over the chats;
// the report prints the counts, the percentiles and the memory of --pid.
func TestLoadtestAgainstServe(t *testing.T) {
	addr := startServe(t)
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"loadtest", "--url", "http://" + addr + "/wecom/robot", "--mode", "robot",
		"--rate", "200", "--duration", "1s", "--concurrency", "8", "--teams", "7", "--users", "3",
		"--pid", strconv.Itoa(os.Getpid())},
		env("WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey), nil, &out, &errOut)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s%s", err, out.String(), errOut.String())
	}
	m := reportLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no counts in the report:\n%s", out.String())
	}
	requests, _ := strconv.Atoi(m[1])
	if requests < 150 || m[2] != m[1] || m[3] != "0" || m[4] != "0" {
		t.Errorf("want about 200 requests, all answered 200 with a reply and no errors:\n%s", out.String())
	}
	for _, want := range []string{"open loop at 200/s for 1s", "latency     p50 ", " p99 ", "server rss  before "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String()+errOut.String(), testAESKey) || strings.Contains(out.String(), "robot-token") {
		t.Errorf("the report repeats a secret:\n%s", out.String())
	}
}

// Closed loop on the AI bot endpoint, through loadtest directly: every
// request answered with a verified reply, and the 7 chats each became a
// team (the callbacks named distinct chats), whose senders joined under
// their own numbers ({user}).
func TestLoadtestClosedLoop(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite://" + filepath.Join(dir, "closed.db")
	getenv := env("TEAMBOT_DATABASE_URL", url, "TEAMBOT_LISTEN", "127.0.0.1:0", "WECOM_API_BASE", "http://127.0.0.1:9",
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	addr := waitForAddr(t, &stderr, done)

	rep, err := loadtest(context.Background(), loadOptions{URL: "http://" + addr + "/wecom/bot", Mode: "bot",
		Token: "bot-token", AESKey: testAESKey, Duration: 500 * time.Millisecond, Concurrency: 4,
		Teams: 7, Users: 2, Commands: []string{"/加入 成员{user}", "/帮助", "/团队"}})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests < 7 || rep.OK != rep.Requests || rep.Empty != 0 || rep.Errors() != 0 || len(rep.Latencies) != rep.Requests {
		t.Errorf("report %+v: want at least 7 requests, all answered with a reply", rep)
	}
	if rep.Percentile(0.5) <= 0 || rep.Percentile(0.99) < rep.Percentile(0.5) || rep.Percentile(1) < rep.Percentile(0.99) {
		t.Errorf("percentiles out of order: p50 %v p99 %v max %v", rep.Percentile(0.5), rep.Percentile(0.99), rep.Percentile(1))
	}
	db, err := storage.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	teams, joined := 0, 0
	for i := range 7 {
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			team, err := tx.TeamByChat(context.Background(), "loadtest-chat-0000"+strconv.Itoa(i))
			if err != nil {
				return err
			}
			members, err := tx.ActiveMembers(context.Background(), team.ID)
			for _, m := range members {
				if m.Name != "成员0" && m.Name != "成员1" {
					t.Errorf("chat %d: a member named %q, want 成员0 or 成员1", i, m.Name)
				}
			}
			joined += len(members)
			return err
		})
		if err == nil {
			teams++
		}
	}
	if teams != 7 || joined == 0 {
		t.Errorf("%d of the 7 chats became teams, %d senders joined", teams, joined)
	}
}

// Without the endpoint's secrets loadtest refuses to start and says which
// are missing; a bad key is refused without repeating it.
func TestLoadtestRefusesWithoutSecrets(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		want []string
	}{
		{[]string{"--mode", "robot"}, nil, []string{"--token (or WECOM_ROBOT_TOKEN) is required", "--aes-key (or WECOM_ROBOT_AES_KEY) is required"}},
		{[]string{"--mode", "app", "--token", "t"}, []string{"WECOM_APP_AES_KEY", testAESKey}, []string{"--corp-id (or WECOM_CORP_ID) is required"}},
		{[]string{"--mode", "robot", "--token", "t", "--aes-key", "not-a-key-XYZ"}, nil, []string{"--aes-key: want the 43-character"}},
		{[]string{"--mode", "sms"}, nil, []string{`--mode "sms"`}},
		{[]string{"--mode", "bot", "--rate", "-1", "--url", "ftp://x"}, []string{"WECOM_BOT_TOKEN", "t", "WECOM_BOT_AES_KEY", testAESKey}, []string{"--rate -1", "--url"}},
	} {
		var out, errOut strings.Builder
		err := run(context.Background(), append([]string{"loadtest"}, tc.args...), env(tc.env...), nil, &out, &errOut)
		if err == nil {
			t.Errorf("%v: ran without what it needs", tc.args)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", tc.args, err, w)
			}
		}
		if strings.Contains(err.Error(), "not-a-key-XYZ") || strings.Contains(err.Error(), testAESKey) {
			t.Errorf("%v: the error repeats a secret: %v", tc.args, err)
		}
		if out.Len() != 0 {
			t.Errorf("%v: started anyway:\n%s", tc.args, out.String())
		}
	}
}
