package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecomtest"
	"teambot/bot/wxcrypt"
	"teambot/scheduler"
)

// hostileMarkdown carries every markdown construct a member might type to
// turn a markdown message into a link, bold text, a colour, a heading or an
// @everyone.
const hostileMarkdown = "**注入** [链接](http://evil.example) <@all> <font color=\"warning\">红</font> `代码`\n# 标题注入 ~~删除~~"

// markdownMarkers must never reach a markdown message as written.
var markdownMarkers = []string{"**注入**", "[链接](", "<@all>", "<font", "`代码`", "\n# 标题注入", "~~删除~~"}

// hostileArgs are the free texts put into every argument position of every
// command.
var hostileArgs = map[string]string{
	"markdown":        hostileMarkdown,
	"sql":             `'); DROP TABLE members; -- " OR 1=1; SELECT pg_sleep(10); --`,
	"sql quoted":      `"x'; DELETE FROM audit_log WHERE '1'='1" 「'||(SELECT 1)||'」`,
	"control":         "\x00\x01\x07\x08\x1b[31m红\x7f\u200b\u202e\ufeff\t\r\n",
	"invalid utf-8":   "\xff\xfe\xc3\x28",
	"10 000 mentions": strings.Repeat("@张三 ", 10000),
	"2 000 mentions":  strings.Repeat("@王芳 ", 2000), // within the 16 KB a message may have
	"15 KB":           strings.Repeat("周", 5000),
	"16 KB+":          strings.Repeat("x", 17<<10),
	"numbers":         "-1 0 99999999999999999999 1e308 NaN 0x7fffffffffffffff",
	"dates":           "9999-99-99 2026-W99 2026-02-30 13月45日 25:61 周八 0000-00-00",
	"punctuation":     `| | ｜ "" “” 「」 「 “ "`,
}

// hostileApp is the application as serve builds it, on SQLite, with every
// endpoint mounted and WeCom faked.
type hostileApp struct {
	t    *testing.T
	a    *app
	fake *wecomtest.Server
	srv  *httptest.Server
	seq  int
}

func newHostileApp(t *testing.T) *hostileApp {
	t.Helper()
	fake := wecomtest.NewServer(t)
	getenv := env(
		"TEAMBOT_DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "hostile.db"),
		"TEAMBOT_ADMINS", "boss",
		"WECOM_API_BASE", fake.URL,
		"WECOM_BOT_TOKEN", "bot-token", "WECOM_BOT_AES_KEY", testAESKey,
		"WECOM_ROBOT_TOKEN", "robot-token", "WECOM_ROBOT_AES_KEY", testAESKey,
		"WECOM_CORP_ID", testCorpID, "WECOM_APP_TOKEN", "app-token", "WECOM_APP_AES_KEY", testAESKey,
		"WECOM_APP_AGENT_ID", "1000002", "WECOM_APP_SECRET", "app-secret",
	)
	a, err := openApp(context.Background(), getenv, slog.New(slog.DiscardHandler), time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.db.Close() })
	mux := http.NewServeMux()
	if _, err := a.mountCallbacks(mux); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &hostileApp{t: t, a: a, fake: fake, srv: srv}
}

// handle runs one message through the engine and fails the test on a panic
// or an internal error: hostile input is the member's mistake, never ours.
func (h *hostileApp) handle(chatID, user, name, text string) teambot.Reply {
	h.t.Helper()
	h.seq++
	msg := teambot.Message{Source: "test", ID: "hostile-" + strconv.Itoa(h.seq), ChatID: chatID, UserID: user, UserName: name,
		Text: text, At: time.Now()}
	if chatID == "" {
		msg.ChatType = teambot.ChatSingle
	}
	var reply teambot.Reply
	func() {
		defer func() {
			if p := recover(); p != nil {
				h.t.Errorf("%s in %q says %.80q: panic %v\n%s", user, chatID, text, p, debug.Stack())
			}
		}()
		var err error
		if reply, err = h.a.engine.Handle(context.Background(), msg); err != nil {
			h.t.Errorf("%s says %.80q: %v", user, text, err)
		}
	}()
	if strings.Contains(reply.Text, "内部出错") {
		h.t.Errorf("%s in %q says %.80q: an internal error, %q", user, chatID, text, reply.Text)
	}
	if reply.Text == "" {
		h.t.Errorf("%s in %q says %.80q: no answer", user, chatID, text)
	}
	if len(reply.Text) > 20<<10 {
		h.t.Errorf("%s says %.80q: a reply of %d bytes", user, text, len(reply.Text))
	}
	return reply
}

// commandLines are, for every command in the registry, its words and the
// first one, two and three words of each of its examples (which name the
// subcommands), each to be followed by a hostile argument.
func commandLines(a *app) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range a.engine.Registry().Commands() {
		add("/" + c.Chinese)
		add("/" + c.Name)
		for _, ex := range c.Examples {
			f := strings.Fields(ex)
			for k := 1; k <= min(len(f), 3); k++ {
				add(strings.Join(f[:k], " "))
			}
		}
	}
	return out
}

// Every command in the registry, in every subcommand its examples show,
// with every hostile argument, from the supervisor in the group (and again
// in her single chat when the group refuses it as private input), a member
// in a single chat and a stranger: never a panic, never an internal error,
// always an answer; and the markdown that reaches WeCom afterwards — the
// monthly digest built from all the records those commands left — carries
// none of the markdown members wrote.
func TestHostileArgumentsToEveryCommand(t *testing.T) {
	h := newHostileApp(t)
	const group = "group-hostile"
	for _, s := range [][3]string{
		{"wangfang", "王芳", "/加入 王芳 文案"}, {"zhangsan", "张三", "/加入 张三 美工"}, {"boss", "老板", "/主管 @王芳"},
		{"wangfang", "王芳", "/投票 发起 " + hostileMarkdown}, {"zhangsan", "张三", "/周报 " + hostileMarkdown},
		{"zhangsan", "张三", "/更新 公众号 " + hostileMarkdown}, {"wangfang", "王芳", "/嘉奖 @张三 通报表扬 依据1 " + hostileMarkdown},
	} {
		h.handle(group, s[0], s[1], s[2])
	}
	lines := commandLines(h.a)
	if len(lines) < 2*len(h.a.engine.Registry().Commands()) {
		t.Fatalf("only %d command lines from %d commands", len(lines), len(h.a.engine.Registry().Commands()))
	}
	start := time.Now()
	n := 0
	for _, line := range lines {
		for _, arg := range hostileArgs {
			text := line + " " + arg
			// The supervisor, in the group; private input (an escalation's
			// note, a warning) is refused there and sent in her single chat.
			if r := h.handle(group, "wangfang", "王芳", text); strings.Contains(r.Text, "请在和我的单聊里发送") {
				h.handle("", "wangfang", "王芳", text)
				n++
			}
			h.handle("", "zhangsan", "", text)                         // a member, in a single chat
			h.handle(group, "mallory'--", "<@all>**M**", "@机器人 "+text) // a stranger with a hostile id and name
			n += 3
		}
	}
	t.Logf("%d hostile messages over %d command lines in %v", n, len(lines), time.Since(start))

	// The records are intact: the roster still answers and names both members.
	if got := h.handle(group, "zhangsan", "张三", "/团队").Text; !strings.Contains(got, "王芳") || !strings.Contains(got, "张三") {
		t.Errorf("the roster after the hostile commands: %q", got)
	}
	// The digest of the month, with every hostile record in it, goes out as
	// markdown through the outbox.
	h.handle(group, "wangfang", "王芳", "/月报")
	h.drainOutbox()
	markdown := 0
	for _, c := range h.fake.Calls() {
		var m struct {
			MsgType  string
			Markdown struct{ Content string }
		}
		if json.Unmarshal(c.Body, &m) != nil || m.MsgType != "markdown" {
			continue
		}
		markdown++
		for _, bad := range markdownMarkers {
			if strings.Contains(m.Markdown.Content, bad) {
				t.Errorf("markdown to %s carries %q from a member:\n%.400s", c.Path, bad, m.Markdown.Content)
			}
		}
	}
	if markdown == 0 {
		t.Errorf("no markdown message reached WeCom; calls: %d", len(h.fake.Calls()))
	}
}

// drainOutbox delivers what the commands enqueued to the fake WeCom, the way
// serve's scheduler does, with the rate limit's waits deferred.
func (h *hostileApp) drainOutbox() {
	h.t.Helper()
	o := &scheduler.Outbox{Store: scheduler.StoreOf(h.a.db.Update), Deliverer: h.a.wecomPusher(time.Now), Log: slog.New(slog.DiscardHandler), Batch: 500}
	if err := o.Run(context.Background(), time.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// endpointClient builds callbacks for one mounted endpoint.
func (h *hostileApp) endpoint(mode wecomtest.Mode, token, receiveID string, asJSON bool) *wecomtest.Callbacks {
	return &wecomtest.Callbacks{Mode: mode, Token: token, AESKey: testAESKey, ReceiveID: receiveID, JSON: asJSON}
}

// post sends a request and fails on a transport error or a 5xx.
func (h *hostileApp) post(what string, req *http.Request) (int, []byte) {
	h.t.Helper()
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s: %v", what, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		h.t.Errorf("%s: HTTP %d %q, never a 5xx", what, resp.StatusCode, body)
	}
	if d := time.Since(start); d > 5*time.Second {
		h.t.Errorf("%s: took %v", what, d)
	}
	return resp.StatusCode, body
}

// Every mounted callback path — the AI bot, the group robot in XML and JSON,
// the app — with hostile envelopes, hostile URL checks, and valid callbacks
// whose every free-text field (text, userid, display name, chat id, webhook
// and response URLs) is hostile: never a 5xx, and the AI bot's markdown
// replies carry no markdown a member wrote.
func TestHostileInputOnEveryEndpoint(t *testing.T) {
	h := newHostileApp(t)
	endpoints := []struct {
		path string
		cb   *wecomtest.Callbacks
	}{
		{"/wecom/bot", h.endpoint(wecomtest.ModeBot, "bot-token", "", false)},
		{"/wecom/robot", h.endpoint(wecomtest.ModeRobot, "robot-token", "", false)},
		{"/wecom/robot", h.endpoint(wecomtest.ModeRobot, "robot-token", "", true)},
		{"/wecom/app", h.endpoint(wecomtest.ModeApp, "app-token", testCorpID, false)},
	}
	texts := []string{"/帮助", "/加入 张三 文案", "/周报", "/投票 发起", "/上报", "/账号 登记 微博", "/更新 公众号", "/请假 明天"}
	for _, ep := range endpoints {
		base := h.srv.URL + ep.path
		name := string(ep.cb.Mode)
		if ep.cb.JSON {
			name += "-json"
		}
		// Envelopes that are not WeCom's.
		for what, body := range map[string]string{
			"deep XML":       strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000),
			"deep JSON":      strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
			"billion laughs": `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>`,
			"XXE":            `<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>`,
			"2 MiB":          strings.Repeat("A", 2<<20),
			"empty":          "",
			"binary":         "\x00\xff\xfe\x01",
		} {
			req := ep.cb.Post(base, []byte("x"))
			req.Body = io.NopCloser(strings.NewReader(body))
			req.ContentLength = int64(len(body))
			if status, _ := h.post(name+" "+what, req); status < 400 {
				t.Errorf("%s %s: HTTP %d, want a 4xx", name, what, status)
			}
		}
		// Hostile URL checks.
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		for _, echostr := range []string{"%%", "\xff", strings.Repeat("A", 300000), "' OR 1=1 --"} {
			q := url.Values{"msg_signature": {wxcrypt.Sign(ep.cb.Token, ts, "1", echostr)}, "timestamp": {ts}, "nonce": {"1"}, "echostr": {echostr}}
			req, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
			if status, _ := h.post(name+" GET", req); status < 400 {
				t.Errorf("%s GET with echostr %.20q: HTTP %d, want a 4xx", name, echostr, status)
			}
		}
		// Valid callbacks, hostile in every free-text field.
		i := 0
		for _, text := range texts {
			for what, arg := range hostileArgs {
				i++
				field := []string{"text", "user", "name", "chat", "urls"}[i%5]
				m := wecomtest.Text{MsgID: fmt.Sprintf("%s-%d", name, i), ChatID: "group-" + name, UserID: "zhangsan", Name: "张三",
					Content:     "@teambot " + text + " " + arg,
					WebhookURL:  h.fake.URL + "/cgi-bin/webhook/send?key=KEY-" + name,
					ResponseURL: h.fake.URL + "/cgi-bin/aibot/response?response_code=" + strconv.Itoa(i),
				}
				switch field {
				case "user":
					m.UserID = arg
				case "name":
					m.Name = arg
				case "chat":
					m.ChatID = arg
				case "urls":
					m.WebhookURL, m.ResponseURL = arg, arg
				}
				req := ep.cb.Post(base, ep.cb.TextMessage(m))
				status, body := h.post(fmt.Sprintf("%s %s %s in %s", name, text, what, field), req)
				if overCap(req) {
					if status != http.StatusRequestEntityTooLarge {
						t.Errorf("%s %s %s in %s, %d bytes: HTTP %d, want 413 past the body cap", name, text, what, field, req.ContentLength, status)
					}
					continue
				}
				// Not well-formed XML (WeCom never sends it), and NUL in
				// JSON (\u0000, which PostgreSQL cannot store): a 400.
				xml := !ep.cb.JSON && ep.cb.Mode != wecomtest.ModeBot
				if status == http.StatusBadRequest && (what == "control" || (xml && what == "invalid utf-8")) {
					continue
				}
				if status != http.StatusOK {
					t.Errorf("%s %s %s in %s: HTTP %d %q", name, text, what, field, status, body)
					continue
				}
				if ep.cb.Mode != wecomtest.ModeBot || len(body) == 0 {
					continue
				}
				plain, err := ep.cb.OpenReply(body)
				if err != nil {
					t.Errorf("%s: reply does not open: %v", name, err)
					continue
				}
				var r struct{ Stream struct{ Content string } }
				json.Unmarshal(plain, &r)
				for _, bad := range markdownMarkers {
					if strings.Contains(r.Stream.Content, bad) {
						t.Errorf("AI bot reply to %s %s in %s carries %q: %.300q", text, what, field, bad, r.Stream.Content)
					}
				}
				if own := strings.TrimRight(r.Stream.Content, " "); strings.ContainsAny(stripOwnMentions(own), "*`[]<>#~|") {
					t.Errorf("AI bot reply to %s %s in %s has markdown characters: %.300q", text, what, field, own)
				}
			}
		}
		// Events with hostile types and ids.
		for _, ev := range []string{"add_to_chat", "delete_from_chat", "enter_chat", hostileMarkdown, strings.Repeat("x", 100000)} {
			i++
			inner := ep.cb.EventMessage(wecomtest.Event{MsgID: fmt.Sprintf("%s-ev-%d", name, i), ChatID: "'; DROP TABLE teams; --", UserID: "<@all>",
				EventType: ev, WebhookURL: "javascript:alert(1)"})
			req := ep.cb.Post(base, inner)
			if status, body := h.post(name+" event", req); status != http.StatusOK && !(overCap(req) && status == http.StatusRequestEntityTooLarge) {
				t.Errorf("%s event %.20q: HTTP %d %q", name, ev, status, body)
			}
		}
	}
	// Nothing a hostile webhook or response URL named was called: every
	// call went to the fake WeCom's own paths.
	for _, c := range h.fake.Calls() {
		if !slices.Contains([]string{wecomtest.WebhookPath, wecomtest.GetTokenPath, wecomtest.MessageSendPath}, c.Path) &&
			!strings.HasPrefix(c.Path, wecomtest.AIBotPrefix) {
			t.Errorf("a call to %s", c.Path)
		}
	}
}

// stripOwnMentions drops the <@userid> mentions the bot adds after a reply
// (userids from its own records, not text a member wrote).
func stripOwnMentions(md string) string {
	for {
		i := strings.LastIndex(md, " <@")
		if i < 0 || !strings.HasSuffix(md, ">") {
			return md
		}
		md = md[:i]
	}
}

// overCap reports whether a callback is larger than serve takes (413):
// WeCom's are a few KB.
func overCap(req *http.Request) bool { return req.ContentLength > bot.DefaultMaxBody }
