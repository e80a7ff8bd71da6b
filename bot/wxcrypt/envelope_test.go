package wxcrypt

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func TestParseXML(t *testing.T) {
	ok := []struct{ name, body, want string }{
		{"robot", "<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>", "abc"},
		{"app", "<xml><ToUserName><![CDATA[corp]]></ToUserName><AgentID><![CDATA[1]]></AgentID><Encrypt><![CDATA[abc]]></Encrypt></xml>", "abc"},
		{"Encrypt first", "<xml><Encrypt>abc</Encrypt><ToUserName>corp</ToUserName></xml>", "abc"},
		{"whitespace and declaration", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml> \n   <Encrypt>\n <![CDATA[a+b/c=]]> </Encrypt>\n</xml>\n", "a+b/c="},
		{"nested siblings", "<xml><From><UserId>u</UserId><Encrypt>inner</Encrypt></From><Encrypt>outer</Encrypt></xml>", "outer"},
		{"escaped text", "<xml><Encrypt>a&#43;b</Encrypt></xml>", "a+b"},
		{"split CDATA", "<xml><Encrypt><![CDATA[ab]]><![CDATA[c]]></Encrypt></xml>", "abc"},
		{"comment", "<xml><!-- hi --><Encrypt>abc<!-- there --></Encrypt></xml>", "abc"},
		{"trailing garbage after Encrypt is not read", "<xml><Encrypt>abc</Encrypt><", "abc"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseXML([]byte(tc.body))
			if err != nil || got != tc.want {
				t.Fatalf("ParseXML = %q, %v; want %q", got, err, tc.want)
			}
		})
	}

	bad := map[string]string{
		"empty body":        "",
		"not XML":           `{"encrypt":"abc"}`,
		"no Encrypt":        "<xml><ToUserName>corp</ToUserName></xml>",
		"empty Encrypt":     "<xml><Encrypt></Encrypt></xml>",
		"blank Encrypt":     "<xml><Encrypt> <![CDATA[ ]]> </Encrypt></xml>",
		"self-closing":      "<xml><Encrypt/></xml>",
		"wrong root":        "<envelope><Encrypt>abc</Encrypt></envelope>",
		"Encrypt is root":   "<Encrypt>abc</Encrypt>",
		"element inside":    "<xml><Encrypt>a<b>c</b></Encrypt></xml>",
		"unclosed":          "<xml><Encrypt>abc",
		"mismatched tags":   "<xml><Encrypt>abc</Nonce></xml>",
		"DOCTYPE":           `<!DOCTYPE xml [<!ENTITY x "abc">]><xml><Encrypt>&x;</Encrypt></xml>`,
		"external entity":   `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>`,
		"undeclared entity": "<xml><Encrypt>&x;</Encrypt></xml>",
		"foreign charset":   `<?xml version="1.0" encoding="GB2312"?><xml><Encrypt>abc</Encrypt></xml>`,
		"deep nesting":      "<xml>" + strings.Repeat("<a>", 100_000) + "<Encrypt>abc</Encrypt>",
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			got, err := ParseXML([]byte(body))
			wantCode(t, err, ErrParse)
			if got != "" {
				t.Fatalf("returned %q with an error", got)
			}
		})
	}
}

func TestParseXMLHugeDocument(t *testing.T) {
	// About 1 MiB of other elements before Encrypt: parsed in one pass.
	filler := strings.Repeat("<ToUserName><![CDATA[corp]]></ToUserName>", 1<<20/42)
	got, err := ParseXML([]byte("<xml>" + filler + "<Encrypt>abc</Encrypt></xml>"))
	if err != nil || got != "abc" {
		t.Fatalf("ParseXML = %q, %v", got, err)
	}
	// 1 MiB of nesting fails fast at the depth limit.
	_, err = ParseXML([]byte("<xml>" + strings.Repeat("<a>", 1<<20/3)))
	wantCode(t, err, ErrParse)
}

func TestParseJSON(t *testing.T) {
	ok := map[string]string{
		`{"encrypt":"abc"}`: "abc",
		`{"encrypt": "a+b/c=", "other": [1, {"x": null}]}`: "a+b/c=",
		` {"msgsignature":"s","encrypt":"abc"} `:           "abc",
		`{"encrypt":"a\u002bb"}`:                           "a+b",
	}
	for body, want := range ok {
		got, err := ParseJSON([]byte(body))
		if err != nil || got != want {
			t.Errorf("ParseJSON(%s) = %q, %v; want %q", body, got, err, want)
		}
	}
	bad := []string{
		``,
		`null`,
		`[]`,
		`"abc"`,
		`{}`,
		`{"encrypt":""}`,
		`{"encrypt":"  "}`,
		`{"encrypt":null}`,
		`{"encrypt":123}`,
		`{"encrypt":["abc"]}`,
		`{"encrypt":"abc"`,
		`{"encrypt":"abc"} trailing`,
		`<xml><Encrypt>abc</Encrypt></xml>`,
		strings.Repeat("[", 100_000),
		`{"a":` + strings.Repeat(`{"a":`, 20_000) + `1` + strings.Repeat("}", 20_001),
	}
	for _, body := range bad {
		got, err := ParseJSON([]byte(body))
		if got != "" {
			t.Errorf("ParseJSON(%.40s) returned %q", body, got)
		}
		wantCode(t, err, ErrParse)
	}
}

func TestSealXML(t *testing.T) {
	for _, receiveID := range []string{"", "wwcorp"} {
		c := newCrypto(t, receiveID)
		msg := []byte("<xml><MsgType>text</MsgType><Text><Content><![CDATA[你好]]></Content></Text></xml>")
		body, err := c.SealXML(msg, "1700000000", "nonce123")
		if err != nil {
			t.Fatalf("SealXML: %v", err)
		}
		var env struct {
			XMLName      xml.Name `xml:"xml"`
			Encrypt      string
			MsgSignature string
			TimeStamp    string
			Nonce        string
		}
		if err := xml.Unmarshal(body, &env); err != nil {
			t.Fatalf("reply is not XML: %v\n%s", err, body)
		}
		if env.TimeStamp != "1700000000" || env.Nonce != "nonce123" {
			t.Errorf("envelope = %+v", env)
		}
		for _, part := range []string{"<xml><Encrypt><![CDATA[", "]]></Encrypt><MsgSignature><![CDATA[",
			"]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[nonce123]]></Nonce></xml>"} {
			if !bytes.Contains(body, []byte(part)) {
				t.Errorf("reply lacks %s:\n%s", part, body)
			}
		}
		encrypt, err := ParseXML(body)
		if err != nil {
			t.Fatalf("ParseXML: %v", err)
		}
		got, err := c.Open(env.MsgSignature, env.TimeStamp, env.Nonce, encrypt)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("Open = %q, %v", got, err)
		}
	}
}

func TestSealJSON(t *testing.T) {
	c := newCrypto(t, "")
	msg := []byte(`{"msgtype":"stream","stream":{"id":"s1","finish":true,"content":"好的 <ok> & done"}}`)
	body, err := c.SealJSON(msg, "1641002400", "nonce")
	if err != nil {
		t.Fatalf("SealJSON: %v", err)
	}
	if !bytes.HasPrefix(body, []byte(`{"encrypt":"`)) || !bytes.Contains(body, []byte(`,"timestamp":"1641002400","nonce":"nonce"}`)) {
		t.Errorf("unexpected layout: %s", body)
	}
	var env map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		t.Fatal(err)
	}
	if len(env) != 4 {
		t.Errorf("fields = %v", env)
	}
	// A string, as WeCom's official JSON libraries write it.
	if ts, ok := env["timestamp"].(string); !ok || ts != "1641002400" {
		t.Errorf("timestamp = %#v, want the string \"1641002400\"", env["timestamp"])
	}
	encrypt, err := ParseJSON(body)
	if err != nil {
		t.Fatalf("ParseJSON: %v", err)
	}
	sig, _ := env["msgsignature"].(string)
	got, err := c.Open(sig, "1641002400", "nonce", encrypt)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestSealRejects(t *testing.T) {
	c := newCrypto(t, "")
	for _, ts := range []string{"", "abc", "-1", "+1", "1.5", "1e9", "0123", " 1"} {
		if _, err := c.SealJSON([]byte("x"), ts, "n"); err == nil {
			t.Errorf("SealJSON accepted timestamp %q", ts)
		} else {
			wantCode(t, err, ErrBuildReply)
		}
	}
	for _, ts := range []string{"", "abc", "<1>"} {
		_, err := c.SealXML([]byte("x"), ts, "n")
		wantCode(t, err, ErrBuildReply)
	}
	_, err := c.SealXML([]byte("x"), "1", "a]]>b")
	wantCode(t, err, ErrBuildReply)
	if _, err := c.SealJSON([]byte("x"), "0", `odd "nonce" ]]>`); err != nil {
		t.Errorf("SealJSON rejected a nonce JSON can carry: %v", err)
	}
}
