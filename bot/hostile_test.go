package bot_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecomtest"
	"teambot/bot/wxcrypt"
)

// markdownMarkers are pieces of WeCom markdown a member might type to turn
// the bot's answer into a link, bold text, a colour or an @everyone. None of
// them may reach a markdown message as written.
var markdownMarkers = []string{"**注入**", "[链接](", "<@all>", "<font", "`代码`", "\n# 标题注入", "~~删除~~"}

// markdownPayload carries every marker in one message.
const markdownPayload = "**注入** [链接](http://evil.example) <@all> <font color=\"warning\">红</font> `代码`\n# 标题注入 ~~删除~~ | 表格 |"

// echoEngine is a fake command engine that answers with what it was sent,
// and @mentions one member from "our records", as handlers quoting user
// input do. It counts what it handled.
type echoEngine struct {
	mu      sync.Mutex
	handled int
	delay   time.Duration
}

func (e *echoEngine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	if e.delay > 0 {
		time.Sleep(e.delay)
	}
	e.mu.Lock()
	e.handled++
	e.mu.Unlock()
	return teambot.Reply{Text: "收到：" + msg.Text, Mentions: []string{"zhangsan"}}, nil
}

func (e *echoEngine) HandleEvent(context.Context, teambot.Event) (teambot.Reply, error) {
	return teambot.Reply{}, nil
}

func (e *echoEngine) HandleClick(context.Context, teambot.Click) (teambot.Reply, error) {
	return teambot.Reply{}, nil
}

// hostileEndpoint is one callback endpoint on a real HTTP server, with the
// builder of its correctly signed and encrypted callbacks.
type hostileEndpoint struct {
	name   string
	cb     *wecomtest.Callbacks
	srv    *httptest.Server
	engine *echoEngine
	inbox  *memInbox
	h      *bot.Callback
}

func hostileEndpoints(t *testing.T, answerWithin time.Duration, delay time.Duration) []*hostileEndpoint {
	t.Helper()
	var out []*hostileEndpoint
	for _, m := range []struct {
		name      string
		mode      bot.Mode
		receiveID string
		json      bool
	}{
		{"bot", bot.ModeBot, "", true},
		{"robot-xml", bot.ModeRobot, "", false},
		{"robot-json", bot.ModeRobot, "", true},
		{"app", bot.ModeApp, "wxcorp-hostile", false},
	} {
		sealer, err := bot.NewKeySealer(aesKey)
		if err != nil {
			t.Fatal(err)
		}
		e := &hostileEndpoint{name: m.name, engine: &echoEngine{delay: delay}, inbox: newMemInbox()}
		h, err := bot.NewCallback(bot.Config{Mode: m.mode, Token: "tok", AESKey: aesKey, ReceiveID: m.receiveID,
			Engine: e.engine, Inbox: e.inbox, Sealer: sealer, MaxSkew: 5 * time.Minute, AnswerWithin: answerWithin})
		if err != nil {
			t.Fatal(err)
		}
		e.h = h
		e.srv = httptest.NewServer(h)
		t.Cleanup(e.srv.Close)
		e.cb = &wecomtest.Callbacks{Mode: wecomtest.Mode(m.mode), Token: "tok", AESKey: aesKey, ReceiveID: m.receiveID,
			JSON: m.mode == bot.ModeRobot && m.json}
		out = append(out, e)
	}
	return out
}

// do sends req and returns the status and body; it fails the test on a
// transport error (the server died) and on any 5xx.
func (e *hostileEndpoint) do(t *testing.T, what string, req *http.Request) (int, []byte, time.Duration, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", e.name, what, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if resp.StatusCode >= 500 {
		t.Errorf("%s %s: HTTP %d %q, never a 5xx", e.name, what, resp.StatusCode, body)
	}
	return resp.StatusCode, body, elapsed, after.TotalAlloc - before.TotalAlloc
}

// post sends body, signed over encrypt, to the endpoint.
func (e *hostileEndpoint) rawPost(encrypt string, body []byte) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {"4242"}, "msg_signature": {wxcrypt.Sign("tok", ts, "4242", encrypt)}}
	if e.cb.Mode == wecomtest.ModeRobot && e.cb.JSON {
		q.Set("robot_callback_format", "json")
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"?"+q.Encode(), strings.NewReader(string(body)))
	return req
}

func (e *hostileEndpoint) isJSON() bool {
	return e.cb.Mode == wecomtest.ModeBot || e.cb.JSON
}

// envelope wraps encrypt in the endpoint's envelope without escaping it,
// so hostile bytes arrive as written.
func (e *hostileEndpoint) envelope(encrypt string) []byte {
	if e.isJSON() {
		b, _ := json.Marshal(map[string]string{"encrypt": encrypt})
		return b
	}
	return []byte("<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>")
}

// Hostile envelopes and hostile decrypted messages on every mode: deep
// nesting, billion laughs, external entities, huge base64, oversized bodies.
// Each is refused with a 4xx, quickly and with bounded memory, and none
// reaches the engine.
func TestHostileCallbacksAreRefusedQuickly(t *testing.T) {
	const (
		maxElapsed = 2 * time.Second
		maxAlloc   = 64 << 20 // bytes allocated while one request is handled
	)
	// As deep as fits in the 64 KiB body cap (encrypted: about 40 KB).
	deepXML := strings.Repeat("<a>", 4000) + strings.Repeat("</a>", 4000)
	deepJSON := strings.Repeat("[", 15000) + strings.Repeat("]", 15000)
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
		`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>`
	external := `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`
	random := make([]byte, 40<<10)
	rand.Read(random)
	hugeBase64 := base64.StdEncoding.EncodeToString(random) // about 55 KB: inside the body cap

	for _, e := range hostileEndpoints(t, 3*time.Second, 0) {
		type tc struct {
			name string
			req  *http.Request
			want []int
		}
		var cases []tc
		add := func(name string, req *http.Request, want ...int) { cases = append(cases, tc{name, req, want}) }
		signedEnvelope := func(name, body string, want ...int) {
			// The signature covers a valid-looking Encrypt, but the body is hostile.
			add(name, e.rawPost("AAAA", []byte(body)), want...)
		}
		if e.isJSON() {
			signedEnvelope("envelope nested deep", `{"encrypt":`+deepJSON+`}`, 400)
			signedEnvelope("envelope of invalid UTF-8", "{\"encrypt\":\"\xff\xfe\"}", 400, 401)
		} else {
			signedEnvelope("envelope nested deep", "<xml>"+deepXML+"<Encrypt>AAAA</Encrypt></xml>", 400)
			signedEnvelope("envelope with billion laughs", laughs+"<xml><Encrypt>&lol9;</Encrypt></xml>", 400)
			signedEnvelope("envelope with an external entity", external+"<xml><Encrypt>&xxe;</Encrypt></xml>", 400)
			signedEnvelope("envelope with an unused DOCTYPE", external+"<xml><Encrypt>AAAA</Encrypt></xml>", 400)
			signedEnvelope("envelope of invalid UTF-8", "<xml><Encrypt>\xff\xfe</Encrypt></xml>", 400)
		}
		add("body over 64 KiB", e.rawPost("AAAA", e.envelope(strings.Repeat("A", 64<<10))), 413)
		add("body of 64 MiB", e.rawPost("AAAA", []byte(strings.Repeat("<", 64<<20))), 413)
		add("huge base64, signed", e.rawPost(hugeBase64, e.envelope(hugeBase64)), 400)
		add("huge base64, unsigned", e.rawPost("AAAA", e.envelope(hugeBase64)), 401)
		add("Encrypt not base64", e.rawPost("%%%%", e.envelope("%%%%")), 400)

		// Correctly encrypted and signed, but the message inside is hostile.
		if e.isJSON() {
			add("message nested deep", e.cb.Post(e.srv.URL, []byte(deepJSON)), 400)
			add("message not JSON", e.cb.Post(e.srv.URL, []byte("\x00\x01<xml/>")), 400)
		} else {
			add("message nested deep", e.cb.Post(e.srv.URL, []byte("<xml>"+deepXML+"</xml>")), 400)
			add("message with billion laughs", e.cb.Post(e.srv.URL, []byte(laughs+
				"<xml><FromUserName>u</FromUserName><From><UserId>u</UserId></From><MsgType>text</MsgType><Content>&lol9;</Content><Text><Content>&lol9;</Content></Text></xml>")), 400)
			add("message with an external entity", e.cb.Post(e.srv.URL, []byte(external+
				"<xml><FromUserName>u</FromUserName><From><UserId>u</UserId></From><MsgType>text</MsgType><Content>&xxe;</Content><Text><Content>&xxe;</Content></Text></xml>")), 400)
			add("message with an unused DOCTYPE", e.cb.Post(e.srv.URL, []byte(external+
				"<xml><FromUserName>u</FromUserName><From><UserId>u</UserId></From><MsgType>text</MsgType><Content>x</Content><Text><Content>x</Content></Text></xml>")), 400)
			add("message not XML", e.cb.Post(e.srv.URL, []byte("\x00\x01{}")), 400)
		}

		var worstTime time.Duration
		var worstAlloc uint64
		var worstTimeCase, worstAllocCase string
		for _, c := range cases {
			status, body, elapsed, alloc := e.do(t, c.name, c.req)
			if elapsed > worstTime {
				worstTime, worstTimeCase = elapsed, c.name
			}
			if alloc > worstAlloc {
				worstAlloc, worstAllocCase = alloc, c.name
			}
			if !containsInt(c.want, status) {
				t.Errorf("%s %s: HTTP %d %q, want %v", e.name, c.name, status, body, c.want)
			}
			if elapsed > maxElapsed {
				t.Errorf("%s %s: took %v, want under %v", e.name, c.name, elapsed, maxElapsed)
			}
			if alloc > maxAlloc {
				t.Errorf("%s %s: allocated %d MiB, want under %d MiB", e.name, c.name, alloc>>20, maxAlloc>>20)
			}
		}
		t.Logf("%s: %d hostile requests; slowest %v (%s); most allocated %.1f MiB (%s)",
			e.name, len(cases), worstTime.Round(time.Millisecond), worstTimeCase, float64(worstAlloc)/(1<<20), worstAllocCase)
		if e.engine.handled != 0 {
			t.Errorf("%s: %d hostile callbacks reached the engine", e.name, e.engine.handled)
		}
		// The endpoint is still up and answers a good callback.
		status, _, _, _ := e.do(t, "a good callback after", e.cb.Post(e.srv.URL, e.cb.TextMessage(hostileText("after", "/帮助"))))
		if status != http.StatusOK || e.engine.handled != 1 {
			t.Errorf("%s: a good callback after the hostile ones: HTTP %d, handled %d", e.name, status, e.engine.handled)
		}
	}
}

// Hostile query strings on the URL check (GET) of every mode: a 4xx, never
// a 5xx or an echo of what was sent.
func TestHostileURLVerification(t *testing.T) {
	for _, e := range hostileEndpoints(t, 3*time.Second, 0) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		for _, echostr := range []string{
			"", "%%%", "\xff\xfe", strings.Repeat("QUFB", 200000), "AAAA\x00\x01", "<script>alert(1)</script>",
			base64.StdEncoding.EncodeToString(make([]byte, 48)),
		} {
			signed := url.Values{"msg_signature": {wxcrypt.Sign("tok", ts, "1", echostr)}, "timestamp": {ts}, "nonce": {"1"}, "echostr": {echostr}}
			unsigned := url.Values{"msg_signature": {"' OR 1=1 --"}, "timestamp": {ts}, "nonce": {"1"}, "echostr": {echostr}}
			for _, q := range []url.Values{signed, unsigned} {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"?"+q.Encode(), nil)
				status, body, elapsed, _ := e.do(t, "GET", req)
				if status < 400 || status >= 500 {
					t.Errorf("%s GET echostr %.20q: HTTP %d, want a 4xx", e.name, echostr, status)
				}
				if echostr != "" && strings.Contains(string(body), echostr) {
					t.Errorf("%s GET echoes the echostr back: %.40q", e.name, body)
				}
				if elapsed > 2*time.Second {
					t.Errorf("%s GET echostr of %d bytes took %v", e.name, len(echostr), elapsed)
				}
			}
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"?timestamp=99999999999999999999999&nonce=%00&msg_signature=x&echostr=x", nil)
		if status, _, _, _ := e.do(t, "GET with an overflowing timestamp", req); status != http.StatusUnauthorized {
			t.Errorf("%s GET with an overflowing timestamp: HTTP %d, want 401", e.name, status)
		}
	}
}

func hostileText(id, content string) wecomtest.Text {
	return wecomtest.Text{
		MsgID: id, ChatID: "group-hostile", UserID: "zhangsan", Name: "张三", Content: content,
		WebhookURL:  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=GROUP-KEY",
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC-" + id,
	}
}

// hostileTexts is what members may type: markdown and SQL injection,
// control characters, invalid UTF-8, 2 000 @mentions, 16 KB and more.
func hostileTexts() map[string]string {
	return map[string]string{
		"markdown":         "/加入 " + markdownPayload,
		"sql":              "/加入 '); DROP TABLE members; -- \" OR 1=1; SELECT pg_sleep(10); --",
		"control":          "/加入 \x00\x01\x02\x07\x08\x1b[31m红\x7f\u200b\u202e\ufeff",
		"invisible":        "/加入 \t张\u200b三\u202e\ufeff\r\n\u2028",
		"invalid utf-8":    "/加入 \xff\xfe\xc3\x28 名字",
		"2 000 mentions":   "/角色 " + strings.Repeat("@张三 ", 2000),
		"16 KB":            "/周报 " + strings.Repeat("周", 16<<10/3+10),
		"name of a name":   "@teambot @teambot @teambot /帮助 " + strings.Repeat("<@all>", 100),
		"cdata terminator": "/加入 ]]><xml><Content>x</Content></xml><![CDATA[",
		"json":             `/加入 "},"msgtype":"markdown","markdown":{"content":"<@all>`,
	}
}

// Hostile texts in valid callbacks of every mode reach the engine and are
// answered with a 200 (but NUL, refused at decoding); every markdown answer — the AI bot's passive stream
// reply and its late answer through response_url — carries no markdown the
// member wrote.
func TestHostileTextsNeverInjectMarkdown(t *testing.T) {
	for _, late := range []bool{false, true} {
		answerWithin, delay := 3*time.Second, time.Duration(0)
		if late {
			answerWithin, delay = 20*time.Millisecond, 60*time.Millisecond
		}
		for _, e := range hostileEndpoints(t, answerWithin, delay) {
			n := 0
			for name, text := range hostileTexts() {
				inner := e.cb.TextMessage(hostileText(fmt.Sprintf("%s-%s-%v", e.name, name, late), text))
				status, body, _, _ := e.do(t, name, e.cb.Post(e.srv.URL, inner))
				if name == "control" || (!e.isJSON() && name == "invalid utf-8") {
					// XML cannot carry these bytes: the message is not
					// well-formed, so WeCom never sends it; a 400. JSON
					// carries NUL as \u0000, which PostgreSQL cannot
					// store: a 400 too, on every database alike.
					if status != http.StatusBadRequest {
						t.Errorf("%s %s: HTTP %d, want 400 for text no database stores alike", e.name, name, status)
					}
					continue
				}
				n++
				if status != http.StatusOK {
					t.Errorf("%s %s: HTTP %d %q, want 200", e.name, name, status, body)
					continue
				}
				if late || len(body) == 0 {
					continue
				}
				plain, err := e.cb.OpenReply(body)
				if err != nil {
					t.Errorf("%s %s: reply does not open: %v", e.name, name, err)
					continue
				}
				if e.cb.Mode == wecomtest.ModeBot {
					var r struct {
						MsgType string `json:"msgtype"`
						Stream  struct{ Content string }
					}
					if err := json.Unmarshal(plain, &r); err != nil || r.MsgType != "stream" {
						t.Errorf("%s %s: reply %q (%v)", e.name, name, plain, err)
					}
					checkMarkdown(t, e.name+" "+name, r.Stream.Content)
				}
			}
			e.h.Wait()
			if e.engine.handled != n {
				t.Errorf("%s: the engine handled %d of %d hostile texts", e.name, e.engine.handled, n)
			}
			if e.cb.Mode == wecomtest.ModeBot && late {
				markdown := e.inbox.answers()
				if len(markdown) != n {
					t.Errorf("bot: %d late markdown answers, want %d", len(markdown), n)
				}
				for _, a := range markdown {
					checkMarkdown(t, "bot late answer", a.Text)
				}
			}
		}
	}
}

// checkMarkdown fails when md carries markdown a member wrote: any marker,
// or any markdown character other than the reply's own trailing
// <@userid> mentions.
func checkMarkdown(t *testing.T, what, md string) {
	t.Helper()
	for _, m := range markdownMarkers {
		if strings.Contains(md, m) {
			t.Errorf("%s: markdown carries %q from the member: %.200q", what, m, md)
		}
	}
	own := strings.TrimSuffix(md, " <@zhangsan>")
	if strings.ContainsAny(own, "*`[]<>#~|") {
		t.Errorf("%s: markdown characters outside the reply's own mentions: %.200q", what, own)
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
