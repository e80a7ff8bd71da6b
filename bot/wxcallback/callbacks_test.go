package wxcallback

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"teambot/bot/wxcrypt"
)

const (
	testToken  = "QDG6eK"
	testAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testCorpID = "wx5823bf96d3bd56c7"
)

var fixedNow = time.Unix(1700000000, 0)

// modes lists one Callbacks per way in.
func modes() map[string]*Callbacks {
	now := func() time.Time { return fixedNow }
	return map[string]*Callbacks{
		"bot":        {Mode: ModeBot, Token: testToken, AESKey: testAESKey, Now: now},
		"robot":      {Mode: ModeRobot, Token: testToken, AESKey: testAESKey, Now: now},
		"robot-json": {Mode: ModeRobot, Token: testToken, AESKey: testAESKey, JSON: true, Now: now},
		"app":        {Mode: ModeApp, Token: testToken, AESKey: testAESKey, ReceiveID: testCorpID, Now: now},
	}
}

func serverCrypto(t *testing.T, c *Callbacks) *wxcrypt.Crypto {
	t.Helper()
	cr, err := wxcrypt.New(c.Token, c.AESKey, c.ReceiveID)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

// openRequest does what the bot's endpoint does with a POSTed callback.
func openRequest(t *testing.T, c *Callbacks, req *http.Request) []byte {
	t.Helper()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	var encrypt string
	if c.Mode == ModeBot || c.JSON {
		encrypt, err = wxcrypt.ParseJSON(body)
	} else {
		encrypt, err = wxcrypt.ParseXML(body)
	}
	if err != nil {
		t.Fatalf("parse envelope %s: %v", body, err)
	}
	q := req.URL.Query()
	plain, err := serverCrypto(t, c).Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), encrypt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return plain
}

func TestPostRoundTrip(t *testing.T) {
	for name, c := range modes() {
		t.Run(name, func(t *testing.T) {
			inner := c.TextMessage(Text{ChatID: "wrkChat", UserID: "zhangsan", Name: "张三", Content: "@teambot /加入 张三 文案"})
			req := c.Post("http://bot.test/wecom/"+string(c.Mode)+"?x=1", inner)
			if req.Method != http.MethodPost {
				t.Errorf("method %s", req.Method)
			}
			q := req.URL.Query()
			if q.Get("x") != "1" || q.Get("timestamp") != "1700000000" || q.Get("nonce") == "" || len(q.Get("msg_signature")) != 40 {
				t.Errorf("query = %v", q)
			}
			if got, want := q.Get("robot_callback_format"), map[bool]string{true: "json"}[c.JSON]; got != want {
				t.Errorf("robot_callback_format = %q, want %q", got, want)
			}
			if got := openRequest(t, c, req); string(got) != string(inner) {
				t.Fatalf("decrypted %s, want %s", got, inner)
			}
		})
	}
}

func TestAppEnvelope(t *testing.T) {
	c := modes()["app"]
	req := c.Post("http://bot.test/wecom/app", []byte("<xml/>"))
	body, _ := io.ReadAll(req.Body)
	var env struct {
		ToUserName, AgentID, Encrypt string
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if env.ToUserName != testCorpID || env.AgentID != DefaultAgentID || env.Encrypt == "" {
		t.Fatalf("envelope %s", body)
	}
}

func TestVerifyURL(t *testing.T) {
	for name, c := range modes() {
		t.Run(name, func(t *testing.T) {
			req, plaintext := c.VerifyURL("http://bot.test/wecom/" + string(c.Mode))
			if req.Method != http.MethodGet || plaintext == "" {
				t.Fatalf("%s %q", req.Method, plaintext)
			}
			if strings.ContainsAny(req.URL.RawQuery, "+/") {
				t.Errorf("echostr not URL-encoded: %s", req.URL.RawQuery)
			}
			q := req.URL.Query() // decodes, as the endpoint must
			got, err := serverCrypto(t, c).VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
			if err != nil || string(got) != plaintext {
				t.Fatalf("VerifyURL = %q, %v; want %q", got, err, plaintext)
			}
		})
	}
}

func TestOpenReply(t *testing.T) {
	for name, c := range modes() {
		t.Run(name, func(t *testing.T) {
			cr := serverCrypto(t, c)
			msg := []byte(`reply 好`)
			var body []byte
			var err error
			if c.Mode == ModeBot || c.JSON {
				body, err = cr.SealJSON(msg, "1700000001", "12345")
			} else {
				body, err = cr.SealXML(msg, "1700000001", "12345")
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.OpenReply(body)
			if err != nil || string(got) != string(msg) {
				t.Fatalf("OpenReply = %q, %v", got, err)
			}

			other := *c
			other.Token = "other"
			if _, err := other.OpenReply(body); err == nil {
				t.Error("reply signed with another token accepted")
			}
			if _, err := c.OpenReply(nil); err == nil {
				t.Error("empty reply accepted")
			}
		})
	}
}

// A reply's timestamp may be a JSON number (doc 101033) or a string of
// digits (the official JSON libraries, and serve); anything else is refused.
func TestOpenReplyTakesNumericOrStringTimestamp(t *testing.T) {
	c := modes()["bot"]
	cr := serverCrypto(t, c)
	body, err := cr.SealJSON([]byte("x"), "1700000001", "n")
	if err != nil {
		t.Fatal(err)
	}
	number := strings.Replace(string(body), `"timestamp":"1700000001"`, `"timestamp":1700000001`, 1)
	for _, b := range []string{string(body), number} {
		if got, err := c.OpenReply([]byte(b)); err != nil || string(got) != "x" {
			t.Errorf("%s: %q, %v", b, got, err)
		}
	}
	bad := strings.Replace(string(body), `"timestamp":"1700000001"`, `"timestamp":"17x"`, 1)
	if _, err := c.OpenReply([]byte(bad)); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Fatalf("timestamp 17x: %v", err)
	}
	if _, err := c.OpenReply([]byte(`{"encrypt":"x","timestamp":1}`)); err == nil || !strings.Contains(err.Error(), "msgsignature, nonce") {
		t.Fatalf("missing fields: %v", err)
	}
}

func TestBotMessages(t *testing.T) {
	c := modes()["bot"]
	var m struct {
		MsgID, AIBotID, ChatID, ChatType, ResponseURL, MsgType string
		CreateTime                                             int64 `json:"create_time"`
		From                                                   struct{ UserID string }
		Text                                                   struct{ Content string }
		Image                                                  struct{ URL string }
		Event                                                  struct{ EventType string }
	}
	decode := func(b []byte) {
		t.Helper()
		m = m0(m)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	raw := c.TextMessage(Text{MsgID: "m1", ChatID: "wrkChat", UserID: "zhangsan", Content: "@teambot hi", ResponseURL: "http://r/1"})
	for _, key := range []string{`"msgid":"m1"`, `"aibotid":"AIBOTID"`, `"chatid":"wrkChat"`, `"chattype":"group"`, `"from":{"userid":"zhangsan"}`,
		`"response_url":"http://r/1"`, `"msgtype":"text"`, `"text":{"content":"@teambot hi"}`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("text message lacks %s: %s", key, raw)
		}
	}
	decode(c.TextMessage(Text{UserID: "lisi", Content: "hi"}))
	if m.ChatType != "single" || m.ChatID != "" || m.MsgID == "" || strings.Contains(string(c.TextMessage(Text{})), "chatid") {
		t.Errorf("single chat: %+v", m)
	}
	decode(c.ImageMessage(Text{UserID: "lisi"}))
	if m.MsgType != "image" || m.Image.URL == "" {
		t.Errorf("image: %+v", m)
	}
	decode(c.EventMessage(Event{UserID: "lisi", EventType: "enter_chat"}))
	if m.MsgType != "event" || m.Event.EventType != "enter_chat" || m.CreateTime != fixedNow.Unix() {
		t.Errorf("event: %+v", m)
	}
}

// m0 returns the zero value of v's type.
func m0[T any](T) (zero T) { return zero }

type robotFields struct {
	WebhookURL string `xml:"WebhookUrl"`
	MsgID      string `xml:"MsgId"`
	ChatID     string `xml:"ChatId"`
	ChatType   string `xml:"ChatType"`
	From       struct {
		UserID string `xml:"UserId"`
		Name   string `xml:"Name"`
		Alias  string `xml:"Alias"`
	} `xml:"From"`
	MsgType string `xml:"MsgType"`
	Text    struct {
		Content string `xml:"Content"`
	} `xml:"Text"`
	Image struct {
		ImageURL string `xml:"ImageUrl"`
	} `xml:"Image"`
	Event struct {
		EventType string `xml:"EventType"`
	} `xml:"Event"`
}

type robotJSONFields struct {
	WebhookURL string `json:"webhook_url"`
	MsgID      string `json:"msgid"`
	ChatID     string `json:"chatid"`
	ChatType   string `json:"chattype"`
	From       struct {
		UserID string `json:"userid"`
		Name   string `json:"name"`
		Alias  string `json:"alias"`
	} `json:"from"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Image struct {
		ImageURL string `json:"image_url"`
	} `json:"image"`
	Event struct {
		EventType string `json:"event_type"`
	} `json:"event"`
}

// toXMLFields maps the JSON field names onto the XML ones for comparison.
func (j robotJSONFields) toXMLFields() robotFields {
	var r robotFields
	r.WebhookURL, r.MsgID, r.ChatID, r.ChatType, r.MsgType = j.WebhookURL, j.MsgID, j.ChatID, j.ChatType, j.MsgType
	r.From.UserID, r.From.Name, r.From.Alias = j.From.UserID, j.From.Name, j.From.Alias
	r.Text.Content, r.Image.ImageURL, r.Event.EventType = j.Text.Content, j.Image.ImageURL, j.Event.EventType
	return r
}

func TestRobotMessages(t *testing.T) {
	for _, name := range []string{"robot", "robot-json"} {
		c := modes()[name]
		decode := func(b []byte) robotFields {
			t.Helper()
			if c.JSON {
				var j robotJSONFields
				if err := json.Unmarshal(b, &j); err != nil {
					t.Fatalf("%s: %v", b, err)
				}
				return j.toXMLFields()
			}
			var x robotFields
			if err := xml.Unmarshal(b, &x); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			return x
		}
		t.Run(name, func(t *testing.T) {
			text := c.TextMessage(Text{MsgID: "m1", ChatID: "wrkChat", UserID: "zhangsan", Name: "张三",
				Content: "@teambot a]]>b <&>", WebhookURL: "http://hook/send?key=K&x=1"})
			m := decode(text)
			if m.MsgID != "m1" || m.ChatID != "wrkChat" || m.ChatType != "group" || m.From.UserID != "zhangsan" ||
				m.From.Name != "张三" || m.From.Alias != "zhangsan" || m.MsgType != "text" ||
				m.Text.Content != "@teambot a]]>b <&>" || m.WebhookURL != "http://hook/send?key=K&x=1" {
				t.Errorf("text: %+v\n%s", m, text)
			}
			if !c.JSON && !strings.Contains(string(text), "<Content><![CDATA[") {
				t.Errorf("content not in CDATA: %s", text)
			}
			if m := decode(c.ImageMessage(Text{UserID: "u"})); m.MsgType != "image" || m.Image.ImageURL == "" || m.ChatType != "single" {
				t.Errorf("image: %+v", m)
			}
			for _, ev := range []string{"add_to_chat", "delete_from_chat", "enter_chat"} {
				if m := decode(c.EventMessage(Event{ChatID: "wrkChat", UserID: "u", EventType: ev})); m.MsgType != "event" || m.Event.EventType != ev {
					t.Errorf("event: %+v", m)
				}
			}
		})
	}
}

func TestAppMessages(t *testing.T) {
	c := modes()["app"]
	var m struct {
		ToUserName, FromUserName, MsgType, Content, PicUrl, MediaId, Event, MsgId, AgentID string
		CreateTime                                                                         int64
	}
	decode := func(b []byte) {
		t.Helper()
		m = m0(m)
		if err := xml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	text := c.TextMessage(Text{MsgID: "4561255354251345929", UserID: "mycreate", Content: "hello", CreateTime: 1409659813})
	want := "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName>" +
		"<CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content>" +
		"<MsgId>4561255354251345929</MsgId><AgentID>1000002</AgentID></xml>"
	if string(text) != want {
		t.Errorf("text =\n%s\nwant\n%s", text, want)
	}
	decode(c.TextMessage(Text{UserID: "u", Content: "hi"}))
	if m.CreateTime != fixedNow.Unix() || m.MsgId == "" || strings.Trim(m.MsgId, "0123456789") != "" {
		t.Errorf("defaults: %+v", m)
	}
	decode(c.ImageMessage(Text{UserID: "u"}))
	if m.MsgType != "image" || m.PicUrl == "" || m.MediaId == "" || m.Content != "" {
		t.Errorf("image: %+v", m)
	}
	decode(c.EventMessage(Event{UserID: "u", EventType: "enter_agent"}))
	if m.MsgType != "event" || m.Event != "enter_agent" || m.MsgId != "" {
		t.Errorf("event: %+v", m)
	}
}

func TestPostOverHTTP(t *testing.T) {
	// The requests also work with a real client against a real server.
	c := modes()["app"]
	inner := c.TextMessage(Text{UserID: "u", Content: "hi"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		cr := serverCrypto(t, c)
		if r.Method == http.MethodGet {
			plain, err := cr.VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
			w.Write(plain)
			return
		}
		body, _ := io.ReadAll(r.Body)
		encrypt, err := wxcrypt.ParseXML(body)
		if err == nil {
			_, err = cr.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), encrypt)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		reply, _ := cr.SealXML([]byte("<xml>ok</xml>"), q.Get("timestamp"), q.Get("nonce"))
		w.Write(reply)
	}))
	defer srv.Close()

	req, plaintext := c.VerifyURL(srv.URL + "/wecom/app")
	if got := do(t, req); got != plaintext {
		t.Fatalf("GET answered %q, want %q", got, plaintext)
	}
	reply := do(t, c.Post(srv.URL+"/wecom/app", inner))
	got, err := c.OpenReply([]byte(reply))
	if err != nil || string(got) != "<xml>ok</xml>" {
		t.Fatalf("OpenReply = %q, %v", got, err)
	}
}

func do(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, b)
	}
	return string(b)
}

func TestBadConfigPanics(t *testing.T) {
	for name, c := range map[string]*Callbacks{
		"bad key":  {Mode: ModeBot, Token: "t", AESKey: "short"},
		"bad mode": {Mode: "fax", Token: "t", AESKey: testAESKey},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "wxcallback") {
					t.Fatalf("recovered %v", r)
				}
			}()
			c.Post("http://bot.test/", []byte("x"))
		})
	}
	if _, err := (&Callbacks{Mode: ModeBot, AESKey: "short"}).OpenReply([]byte(`{}`)); err == nil {
		t.Error("OpenReply with a bad key succeeded")
	}
}
