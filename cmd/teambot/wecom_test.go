package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"teambot/bot/wecomtest"
)

const (
	testAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testCorpID = "wxcorp-test"
)

// chatter drives one callback endpoint of a running serve as WeCom would.
type chatter struct {
	t       *testing.T
	cb      *wecomtest.Callbacks
	url     string
	chatID  string // "" for single chats (the app)
	fakeURL string
	seq     int
}

// say sends text from user and returns the decrypted reply text ("" for an
// empty answer).
func (c *chatter) say(user, name, text string) string {
	c.t.Helper()
	c.seq++
	return c.send(c.message(fmt.Sprintf("%s-%d", c.cb.Mode, c.seq), user, name, text))
}

func (c *chatter) message(id, user, name, text string) []byte {
	return c.cb.TextMessage(wecomtest.Text{
		MsgID: id, ChatID: c.chatID, UserID: user, Name: name, Content: "@teambot " + text,
		WebhookURL:  c.fakeURL + "/cgi-bin/webhook/send?key=KEY-" + c.chatID,
		ResponseURL: c.fakeURL + "/cgi-bin/aibot/response?response_code=" + id,
	})
}

// send posts a callback body and decrypts the passive reply.
func (c *chatter) send(inner []byte) string {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(c.cb.Post(c.url, inner))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d %s", c.cb.Mode, resp.StatusCode, body)
	}
	if len(body) == 0 {
		return ""
	}
	plain, err := c.cb.OpenReply(body)
	if err != nil {
		c.t.Fatalf("%s: reply does not verify and decrypt: %v", c.cb.Mode, err)
	}
	return replyText(c.t, c.cb.Mode, plain)
}

// replyText is the text of a decrypted passive reply in each mode's format.
func replyText(t *testing.T, mode wecomtest.Mode, plain []byte) string {
	t.Helper()
	switch mode {
	case wecomtest.ModeBot:
		var r struct {
			MsgType string `json:"msgtype"`
			Stream  struct {
				Finish  bool   `json:"finish"`
				Content string `json:"content"`
			} `json:"stream"`
		}
		if err := json.Unmarshal(plain, &r); err != nil || r.MsgType != "stream" || !r.Stream.Finish {
			t.Fatalf("AI bot reply %s: want a finished stream (%v)", plain, err)
		}
		return r.Stream.Content
	case wecomtest.ModeRobot:
		var r struct {
			MsgType   string   `xml:"MsgType"`
			Content   string   `xml:"Text>Content"`
			Mentioned []string `xml:"Text>MentionedList>Item"`
		}
		if err := xml.Unmarshal(plain, &r); err != nil || r.MsgType != "text" {
			t.Fatalf("robot reply %s: %v", plain, err)
		}
		return r.Content + " [@" + strings.Join(r.Mentioned, ",") + "]"
	}
	var r struct {
		ToUserName, MsgType, Content string
	}
	if err := xml.Unmarshal(plain, &r); err != nil || r.MsgType != "text" {
		t.Fatalf("app reply %s: %v", plain, err)
	}
	return r.Content + " [to " + r.ToUserName + "]"
}

func (c *chatter) expect(user, name, text string, wants ...string) {
	c.t.Helper()
	got := c.say(user, name, text)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			c.t.Errorf("%s: %s says %q\nreply: %s\nwant %q", c.cb.Mode, user, text, got, w)
		}
	}
}

// The foundation's conversation — join, supervisor, roles, help — through
// encrypted callbacks on each endpoint of a running serve, every reply
// decrypted and checked; a callback sent twice runs its command once.
func TestConversationThroughEveryEndpoint(t *testing.T) {
	fake := wecomtest.NewServer(t)
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "e2e.db"),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"TEAMBOT_ADMINS", "boss",
		"WECOM_API_BASE", fake.URL,
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
		"WECOM_CORP_ID", testCorpID, "WECOM_APP_TOKEN", "app-token", "WECOM_APP_AES_KEY", testAESKey,
		"WECOM_APP_AGENT_ID", "1000002", "WECOM_APP_SECRET", "app-secret",
	)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	addr := waitForAddr(t, &stderr, done)
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	endpoint := func(mode wecomtest.Mode, token, receiveID, chatID string) *chatter {
		return &chatter{t: t, url: "http://" + addr + "/wecom/" + string(mode), chatID: chatID, fakeURL: fake.URL,
			cb: &wecomtest.Callbacks{Mode: mode, Token: token, AESKey: testAESKey, ReceiveID: receiveID}}
	}
	bot := endpoint(wecomtest.ModeBot, "bot-token", "", "group-bot")
	robot := endpoint(wecomtest.ModeRobot, "robot-token", "", "group-robot")
	app := endpoint(wecomtest.ModeApp, "app-token", testCorpID, "")

	for _, c := range []*chatter{bot, robot, app} {
		req, plain := c.cb.VerifyURL(c.url)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != plain {
			t.Errorf("%s URL verification: %d %q, want %q", c.cb.Mode, resp.StatusCode, body, plain)
		}
	}

	// The same conversation in two groups, one per group endpoint.
	for _, c := range []*chatter{bot, robot} {
		c.expect("wangfang", "王芳", "/join 王芳", "已登记：王芳")
		c.expect("zhangsan", "张三", "/加入 张三 文案", "已登记：张三，角色：文案")
		c.expect("boss", "老板", "/主管 @王芳", "王芳 现在是主管，任期")
		c.expect("wangfang", "王芳", "/角色 @张三 文案 美工", "已将 张三 的角色设为：文案、美工")
		c.expect("zhangsan", "张三", "/移除 @王芳", "只有主管可以使用（现任主管：王芳）")
		c.expect("zhangsan", "张三", "/团队", "主管：王芳", "文案：张三", "美工：张三")
		c.expect("zhangsan", "张三", "/帮助", "/加入（join）")
		c.expect("zhangsan", "张三", "/tem", "你是不是想用 /团队")

		// WeCom sends a callback twice: the command runs once, and the
		// retry gets the same answer. With a
		// supervisor, joining is a request the supervisor approves (R1).
		twice := c.message(string(c.cb.Mode)+"-twice", "lisi", "李四", "/加入 李四 技术")
		if got := c.send(twice); !strings.Contains(got, "已提交加入申请：李四（技术）") {
			t.Errorf("%s: first delivery: %q", c.cb.Mode, got)
		}
		if got := c.send(twice); !strings.Contains(got, "已提交加入申请：李四（技术）") {
			t.Errorf("%s: the retry got %q, want the first answer again", c.cb.Mode, got)
		}
		c.expect("wangfang", "王芳", "/加入 批准 @李四", "已批准 李四 加入团队")
		c.expect("zhangsan", "张三", "/团队", "技术：李四")
	}
	// Robot replies @mention the sender. The group robot shows no cards:
	// a vote comes as text that names the commands to type.
	robot.expect("zhangsan", "张三", "/团队", "[@zhangsan]")
	robot.expect("zhangsan", "张三", "/投票 发起 团建地点 截止 明天 18:00", "已发起表决", "/同意 1、/反对 1 或 /弃权 1")

	// The app is a single chat: it acts for the sender's team. 张三 is in
	// both groups, so team commands ask which; a member of one team gets it.
	robot.expect("zhaoliu", "赵六", "/加入 赵六 客服", "已提交加入申请")
	robot.expect("wangfang", "王芳", "/加入 批准 @赵六", "已批准 赵六")
	app.expect("zhaoliu", "", "/团队", "主管：王芳", "客服：赵六", "[to zhaoliu]")
	app.expect("zhangsan", "", "/团队", "你在 2 个团队里")
	app.expect("zhaoliu", "", "/帮助", "/团队（team）")
	app.expect("zhaoliu", "", "/加入 赵六", "请在团队的群聊里")
	if got := app.send(app.cb.ImageMessage(wecomtest.Text{MsgID: "img-1", UserID: "zhaoliu"})); !strings.Contains(got, "我只看得懂文字命令") {
		t.Errorf("image message: %q", got)
	}
	twice := app.message("4242", "zhaoliu", "", "/帮助")
	if first, again := app.send(twice), app.send(twice); !strings.Contains(first, "/团队（team）") || again != first {
		t.Errorf("app callback sent twice: %q then %q, want the help twice from one run", first, again)
	}

	// Events arrive as encrypted callbacks too: the robot added to a new
	// group welcomes it.
	welcome := robot.send(robot.cb.EventMessage(wecomtest.Event{MsgID: "ev-1", ChatID: "group-new", UserID: "boss",
		EventType: "add_to_chat", WebhookURL: fake.URL + "/cgi-bin/webhook/send?key=KEY-new"}))
	if !strings.Contains(welcome, "/加入 你的名字") || !strings.Contains(welcome, "/主管 @名字") {
		t.Errorf("welcome on add_to_chat: %q", welcome)
	}

	// Nothing went out on its own: every answer was passive.
	if calls := fake.Calls(); len(calls) != 0 {
		t.Errorf("unexpected calls to WeCom: %+v", calls)
	}
	metrics := httpGet(t, "http://"+waitForAdminAddr(t, &stderr, done)+"/metrics")
	for _, want := range []string{`teambot_callbacks_total{endpoint="robot",outcome="handled"}`, `teambot_callbacks_total{endpoint="robot",outcome="duplicate"} 1`,
		`teambot_commands_total{command="join",outcome="handled"}`, `teambot_commands_total{command="remove",outcome="refused"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if logs := stderr.String(); strings.Contains(logs, "app-secret") || strings.Contains(logs, testAESKey) || strings.Contains(logs, "KEY-group") {
		t.Errorf("a secret reached the log:\n%s", logs)
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// serve configured with the official test vector as the app (docs/wecom-protocol.md §3)
// answers the vector's GET with exactly its plaintext and its POST with an
// encrypted text reply to mycreate.
func TestServeAnswersTheOfficialVector(t *testing.T) {
	const (
		corpID  = "wx5823bf96d3bd56c7"
		key     = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
		encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	)
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "vector.db"),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"WECOM_CORP_ID", corpID, "WECOM_APP_TOKEN", "QDG6eK", "WECOM_APP_AES_KEY", key, "WECOM_MAX_SKEW", "0",
	)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	base := "http://" + waitForAddr(t, &stderr, done) + "/wecom/app?"
	defer func() { cancel(); <-done }()

	got := httpGet(t, base+"msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D")
	if got != "1616140317555161061" {
		t.Errorf("GET answered %q, want exactly 1616140317555161061", got)
	}
	resp, err := http.Post(base+"msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149",
		"text/xml", strings.NewReader("<xml><ToUserName><![CDATA["+corpID+"]]></ToUserName><Encrypt><![CDATA["+encrypt+"]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST = %d %s", resp.StatusCode, body)
	}
	cb := &wecomtest.Callbacks{Mode: wecomtest.ModeApp, Token: "QDG6eK", AESKey: key, ReceiveID: corpID}
	plain, err := cb.OpenReply(body)
	if err != nil {
		t.Fatalf("the reply does not decrypt with receiveid %s: %v\n%s", corpID, err, body)
	}
	if text := replyText(t, wecomtest.ModeApp, plain); !strings.HasSuffix(text, "[to mycreate]") {
		t.Errorf("reply %q, want a text reply to mycreate", text)
	}
}

// The AI bot and the group robot are configured with an empty receiveid; as
// WeCom's official libraries do, serve then accepts whatever receiveid the
// message carries — here the official vector's CorpID with its token and
// key (docs/wecom-protocol.md §3) — and writes the JSON reply envelope's timestamp as
// a string, as the official JSON libraries do.
func TestServeTakesTheOfficialVectorAtTheRobotAndTheBot(t *testing.T) {
	const (
		corpID = "wx5823bf96d3bd56c7"
		token  = "QDG6eK"
		key    = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
		// The official POST: an app message sealed with receiveid corpID.
		encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	)
	fake := wecomtest.NewServer(t)
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "vector.db"),
		"TEAMBOT_LISTEN", "127.0.0.1:0",
		"WECOM_API_BASE", fake.URL,
		"WECOM_BOT_TOKEN", token, "WECOM_BOT_AES_KEY", key,
		"WECOM_ROBOT_TOKEN", token, "WECOM_ROBOT_AES_KEY", key,
		"WECOM_MAX_SKEW", "0",
	)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, nil, io.Discard, &stderr) }()
	addr := waitForAddr(t, &stderr, done)
	defer func() { cancel(); <-done }()

	for _, tc := range []struct {
		mode wecomtest.Mode
		json bool
	}{{wecomtest.ModeRobot, false}, {wecomtest.ModeRobot, true}, {wecomtest.ModeBot, true}} {
		url := "http://" + addr + "/wecom/" + string(tc.mode)
		// Sealed as the official libraries seal it for corpID.
		sender := &wecomtest.Callbacks{Mode: tc.mode, Token: token, AESKey: key, ReceiveID: corpID, JSON: tc.json && tc.mode == wecomtest.ModeRobot}
		inner := sender.TextMessage(wecomtest.Text{ChatID: "group-vector", UserID: "zhangsan", Name: "张三", Content: "@teambot /加入 张三 文案",
			WebhookURL: fake.URL + "/cgi-bin/webhook/send?key=KEY-vector", ResponseURL: fake.URL + "/cgi-bin/aibot/response?response_code=v"})
		resp, err := http.DefaultClient.Do(sender.Post(url, inner))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s json=%v, receiveid %s inside: HTTP %d, want 200 as the official libraries accept it", tc.mode, tc.json, corpID, resp.StatusCode)
			continue
		}
		if tc.json {
			var envelope map[string]any
			if err := json.Unmarshal(body, &envelope); err != nil {
				t.Fatalf("%s: reply %s: %v", tc.mode, body, err)
			}
			if _, ok := envelope["timestamp"].(string); !ok {
				t.Errorf("%s: reply timestamp %#v, want a string as the official JSON libraries write it", tc.mode, envelope["timestamp"])
			}
		}
		opener := &wecomtest.Callbacks{Mode: tc.mode, Token: token, AESKey: key, JSON: sender.JSON}
		plain, err := opener.OpenReply(body)
		if err != nil {
			t.Fatalf("%s: reply does not open: %v\n%s", tc.mode, err, body)
		}
		if text := string(plain); !strings.Contains(text, "已登记：张三") && !strings.Contains(text, "你已经登记为 张三") {
			t.Errorf("%s: reply %q, want the join answered", tc.mode, text)
		}
	}

	// The official ciphertext itself (an app message) passes the robot's
	// signature and decryption; only its app format is not the robot's.
	resp, err := http.Post("http://"+addr+"/wecom/robot?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149",
		"text/xml", strings.NewReader("<xml><Encrypt><![CDATA["+encrypt+"]]></Encrypt></xml>"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(stderr.String(), "cannot decode the decrypted message") {
		t.Errorf("the official ciphertext at /wecom/robot: HTTP %d; want it decrypted (then refused as not a robot message)\n%s", resp.StatusCode, stderr.String())
	}
}
