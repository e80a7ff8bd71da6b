package wxcallback

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"teambot/bot/wxcrypt"
)

// Mode is one of WeCom's three ways in.
type Mode string

const (
	// ModeBot is the AI bot 智能机器人: JSON envelopes and messages,
	// receiveid "".
	ModeBot Mode = "bot"
	// ModeRobot is the group robot 群机器人: XML envelopes and messages
	// (JSON with robot_callback_format=json), receiveid "".
	ModeRobot Mode = "robot"
	// ModeApp is the self-built app 自建应用: XML envelopes and messages,
	// receiveid is the CorpID.
	ModeApp Mode = "app"
)

// Defaults for the identifiers WeCom puts into every callback of a mode.
const (
	DefaultAgentID = "1000002" // app mode AgentID
	DefaultBotID   = "AIBOTID" // AI bot mode aibotid
)

// fakeImageURL is where image messages claim their picture is.
const fakeImageURL = "https://example.com/wxcallback/image.png"

// Callbacks builds signed, encrypted callback requests the way WeCom sends
// them to one endpoint, and opens the endpoint's encrypted passive replies.
//
// VerifyURL and Post panic when the configuration is unusable (unknown Mode,
// bad AESKey or base URL), like httptest.NewRequest.
type Callbacks struct {
	Mode      Mode
	Token     string
	AESKey    string // the 43-character EncodingAESKey
	ReceiveID string // the CorpID in app mode, "" in bot and robot modes

	// JSON selects, in robot mode only, JSON envelopes and inner messages
	// (the callback URL carries robot_callback_format=json).
	JSON bool

	// Now is the timestamp source; nil means time.Now.
	Now func() time.Time

	// AgentID is the app's AgentID in app mode; "" means DefaultAgentID.
	AgentID string
	// BotID is the aibotid in bot mode; "" means DefaultBotID.
	BotID string
}

// VerifyURL returns the GET request with which WeCom verifies a callback
// URL: baseURL?msg_signature=&timestamp=&nonce=&echostr=, URL-encoded, and
// the plaintext the endpoint must answer with.
func (c *Callbacks) VerifyURL(baseURL string) (req *http.Request, plaintext string) {
	plaintext = strconv.FormatUint(randomUint64()>>1, 10)
	echostr := c.encrypt([]byte(plaintext))
	q := c.signedQuery(echostr)
	q.Set("echostr", echostr)
	req, err := http.NewRequest(http.MethodGet, c.url(baseURL, q), nil)
	if err != nil {
		panic("wxcallback: " + err.Error())
	}
	return req, plaintext
}

// Post returns the POST request carrying inner encrypted in the mode's
// envelope, signed in the query. In robot JSON mode the query also carries
// robot_callback_format=json.
func (c *Callbacks) Post(baseURL string, inner []byte) *http.Request {
	encrypt := c.encrypt(inner)
	q := c.signedQuery(encrypt)
	req, err := http.NewRequest(http.MethodPost, c.url(baseURL, q), bytes.NewReader(c.envelope(encrypt)))
	if err != nil {
		panic("wxcallback: " + err.Error())
	}
	if c.isJSON() {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "text/xml")
	}
	return req
}

// OpenReply verifies the signature of a passive encrypted reply and returns
// its plaintext. The reply is JSON in bot and robot JSON modes
// ({"encrypt","msgsignature","timestamp","nonce"}, timestamp a JSON number as
// in doc 101033 or a string as the official libraries write it) and XML otherwise (<xml><Encrypt/><MsgSignature/>
// <TimeStamp/><Nonce/></xml>).
func (c *Callbacks) OpenReply(body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("wxcallback: empty reply")
	}
	var r encryptedReply
	var err error
	if c.isJSON() {
		r, err = parseJSONReply(body)
	} else {
		r, err = parseXMLReply(body)
	}
	if err != nil {
		return nil, err
	}
	cr, err := c.crypto()
	if err != nil {
		return nil, err
	}
	plain, err := cr.Open(r.signature, r.timestamp, r.nonce, r.encrypt)
	if err != nil {
		return nil, fmt.Errorf("wxcallback: open reply: %w", err)
	}
	return plain, nil
}

// encryptedReply holds the four fields of an encrypted passive reply.
type encryptedReply struct {
	encrypt, signature, timestamp, nonce string
}

func (r encryptedReply) check() error {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"encrypt", r.encrypt}, {"msgsignature", r.signature}, {"timestamp", r.timestamp}, {"nonce", r.nonce},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("wxcallback: reply lacks %s", strings.Join(missing, ", "))
	}
	return nil
}

func parseJSONReply(body []byte) (encryptedReply, error) {
	var env struct {
		Encrypt      string          `json:"encrypt"`
		MsgSignature string          `json:"msgsignature"`
		Timestamp    json.RawMessage `json:"timestamp"`
		Nonce        string          `json:"nonce"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return encryptedReply{}, fmt.Errorf("wxcallback: reply is not a JSON envelope: %w", err)
	}
	// A number in doc 101033, a string from WeCom's official JSON
	// libraries: WeCom takes both.
	ts := string(env.Timestamp)
	if unquoted, err := strconv.Unquote(ts); err == nil && strings.HasPrefix(ts, `"`) {
		ts = unquoted
	}
	r := encryptedReply{encrypt: env.Encrypt, signature: env.MsgSignature, timestamp: ts, nonce: env.Nonce}
	if r.timestamp != "" && !allDigits(r.timestamp) {
		return encryptedReply{}, fmt.Errorf("wxcallback: reply timestamp %s is not a number of seconds, nor a string of one", env.Timestamp)
	}
	return r, r.check()
}

func parseXMLReply(body []byte) (encryptedReply, error) {
	var env struct {
		XMLName      xml.Name `xml:"xml"`
		Encrypt      string
		MsgSignature string
		TimeStamp    string
		Nonce        string
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return encryptedReply{}, fmt.Errorf("wxcallback: reply is not an XML envelope: %w", err)
	}
	r := encryptedReply{
		encrypt:   strings.TrimSpace(env.Encrypt),
		signature: strings.TrimSpace(env.MsgSignature),
		timestamp: strings.TrimSpace(env.TimeStamp),
		nonce:     strings.TrimSpace(env.Nonce),
	}
	return r, r.check()
}

// Text is a text message, and the common fields of the other builders.
type Text struct {
	MsgID       string // "" means a fresh random id
	ChatID      string // group chat id; "" for a single chat
	ChatType    string // "group" or "single"; "" means group when ChatID is set
	UserID      string
	Name        string // robot mode carries From/Name; others ignore it
	Content     string // e.g. "@teambot /加入 张三 文案"
	WebhookURL  string // robot mode
	ResponseURL string // AI bot mode
	CreateTime  int64  // app mode; 0 means Now
}

// Event is an event callback: in robot mode add_to_chat, delete_from_chat or
// enter_chat; in bot mode enter_chat and others; in app mode e.g.
// enter_agent.
type Event struct {
	MsgID, ChatID, ChatType, UserID, Name, EventType, WebhookURL string
}

// msgHeader holds what every message of a callback carries besides its
// content.
type msgHeader struct {
	msgID, chatID, explicitChatType, userID, name, webhookURL, responseURL string
}

func (t Text) header() msgHeader {
	return msgHeader{t.MsgID, t.ChatID, t.ChatType, t.UserID, t.Name, t.WebhookURL, t.ResponseURL}
}

func (e Event) header() msgHeader {
	return msgHeader{e.MsgID, e.ChatID, e.ChatType, e.UserID, e.Name, e.WebhookURL, ""}
}

// chatType is the explicit chat type, or group when there is a chat id and
// single otherwise.
func (h msgHeader) chatType() string {
	switch {
	case h.explicitChatType != "":
		return h.explicitChatType
	case h.chatID != "":
		return "group"
	default:
		return "single"
	}
}

// TextMessage returns the decrypted body of a text callback in the mode's
// format: AI bot JSON (doc 100719), group robot XML or JSON, app XML
// (doc 90239).
func (c *Callbacks) TextMessage(t Text) []byte {
	switch c.Mode {
	case ModeBot:
		m := c.newBotMessage(t.header(), "text")
		m.Text = &contentJSON{Content: t.Content}
		return marshalCallbackJSON(m)
	case ModeRobot:
		if c.JSON {
			m := robotJSONMessage(t.header(), "text")
			m.Text = &contentJSON{Content: t.Content}
			return marshalCallbackJSON(m)
		}
		m := robotXMLMessage(t.header(), "text")
		m.Text = &contentXML{Content: cdataText{t.Content}}
		return marshalCallbackXML(m)
	case ModeApp:
		m := c.newAppMessage(t.UserID, t.CreateTime, "text")
		m.Content = &cdataText{t.Content}
		m.MsgID = appMsgID(t.MsgID)
		return marshalCallbackXML(m)
	}
	panic(c.badMode())
}

// ImageMessage returns the decrypted body of an image callback, a message
// that is not text, built from t's identifiers (Content is ignored).
func (c *Callbacks) ImageMessage(t Text) []byte {
	switch c.Mode {
	case ModeBot:
		m := c.newBotMessage(t.header(), "image")
		m.Image = &botImage{URL: fakeImageURL}
		return marshalCallbackJSON(m)
	case ModeRobot:
		if c.JSON {
			m := robotJSONMessage(t.header(), "image")
			m.Image = &robotImageJSON{ImageURL: fakeImageURL}
			return marshalCallbackJSON(m)
		}
		m := robotXMLMessage(t.header(), "image")
		m.Image = &robotImageXML{ImageURL: cdataText{fakeImageURL}}
		return marshalCallbackXML(m)
	case ModeApp:
		m := c.newAppMessage(t.UserID, t.CreateTime, "image")
		m.PicURL = &cdataText{fakeImageURL}
		m.MediaID = &cdataText{"MEDIA_ID_" + randomMsgID()}
		m.MsgID = appMsgID(t.MsgID)
		return marshalCallbackXML(m)
	}
	panic(c.badMode())
}

// EventMessage returns the decrypted body of an event callback.
func (c *Callbacks) EventMessage(e Event) []byte {
	switch c.Mode {
	case ModeBot:
		m := c.newBotMessage(e.header(), "event")
		m.CreateTime = c.now().Unix()
		m.Event = &botEvent{EventType: e.EventType}
		return marshalCallbackJSON(m)
	case ModeRobot:
		if c.JSON {
			m := robotJSONMessage(e.header(), "event")
			m.Event = &robotEventJSON{EventType: e.EventType}
			return marshalCallbackJSON(m)
		}
		m := robotXMLMessage(e.header(), "event")
		m.Event = &robotEventXML{EventType: cdataText{e.EventType}}
		return marshalCallbackXML(m)
	case ModeApp:
		m := c.newAppMessage(e.UserID, 0, "event")
		m.Event = &cdataText{e.EventType}
		m.EventKey = &cdataText{}
		return marshalCallbackXML(m)
	}
	panic(c.badMode())
}

// Group robot messages (群机器人回调说明): XML in CamelCase, JSON in
// snake_case.

type robotXML struct {
	XMLName    xml.Name       `xml:"xml"`
	WebhookURL cdataText      `xml:"WebhookUrl"`
	MsgID      cdataText      `xml:"MsgId"`
	ChatID     *cdataText     `xml:"ChatId,omitempty"`
	ChatType   string         `xml:"ChatType"`
	From       robotFromXML   `xml:"From"`
	MsgType    string         `xml:"MsgType"`
	Text       *contentXML    `xml:"Text,omitempty"`
	Image      *robotImageXML `xml:"Image,omitempty"`
	Event      *robotEventXML `xml:"Event,omitempty"`
}

type robotFromXML struct {
	UserID string    `xml:"UserId"`
	Name   cdataText `xml:"Name"`
	Alias  cdataText `xml:"Alias"`
}

type contentXML struct {
	Content cdataText `xml:"Content"`
}

type robotImageXML struct {
	ImageURL cdataText `xml:"ImageUrl"`
}

type robotEventXML struct {
	EventType cdataText `xml:"EventType"`
}

type robotJSON struct {
	WebhookURL string          `json:"webhook_url"`
	MsgID      string          `json:"msgid"`
	ChatID     string          `json:"chatid,omitempty"`
	ChatType   string          `json:"chattype"`
	From       robotFromJSON   `json:"from"`
	MsgType    string          `json:"msgtype"`
	Text       *contentJSON    `json:"text,omitempty"`
	Image      *robotImageJSON `json:"image,omitempty"`
	Event      *robotEventJSON `json:"event,omitempty"`
}

type robotFromJSON struct {
	UserID string `json:"userid"`
	Name   string `json:"name"`
	Alias  string `json:"alias"`
}

type robotImageJSON struct {
	ImageURL string `json:"image_url"`
}

type robotEventJSON struct {
	EventType string `json:"event_type"`
}

func robotXMLMessage(h msgHeader, msgType string) *robotXML {
	m := &robotXML{
		WebhookURL: cdataText{h.webhookURL},
		MsgID:      cdataText{orRandomID(h.msgID)},
		ChatType:   h.chatType(),
		From:       robotFromXML{UserID: h.userID, Name: cdataText{h.name}, Alias: cdataText{h.userID}},
		MsgType:    msgType,
	}
	if h.chatID != "" {
		m.ChatID = &cdataText{h.chatID}
	}
	return m
}

func robotJSONMessage(h msgHeader, msgType string) *robotJSON {
	return &robotJSON{
		WebhookURL: h.webhookURL,
		MsgID:      orRandomID(h.msgID),
		ChatID:     h.chatID,
		ChatType:   h.chatType(),
		From:       robotFromJSON{UserID: h.userID, Name: h.name, Alias: h.userID},
		MsgType:    msgType,
	}
}

// Self-built app messages (docs 90239, 90240), elements in WeCom's order.

type appXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdataText
	FromUserName cdataText
	CreateTime   int64
	MsgType      cdataText
	Content      *cdataText `xml:",omitempty"`
	PicURL       *cdataText `xml:"PicUrl,omitempty"`
	MediaID      *cdataText `xml:"MediaId,omitempty"`
	Event        *cdataText `xml:",omitempty"`
	EventKey     *cdataText `xml:",omitempty"`
	MsgID        string     `xml:"MsgId,omitempty"`
	AgentID      string
}

func (c *Callbacks) newAppMessage(userID string, createTime int64, msgType string) *appXML {
	if createTime == 0 {
		createTime = c.now().Unix()
	}
	return &appXML{
		ToUserName:   cdataText{c.ReceiveID},
		FromUserName: cdataText{userID},
		CreateTime:   createTime,
		MsgType:      cdataText{msgType},
		AgentID:      orDefault(c.AgentID, DefaultAgentID),
	}
}

// appMsgID returns id, or a fresh 64-bit message id as the app sends.
func appMsgID(id string) string {
	if id != "" {
		return id
	}
	return strconv.FormatUint(randomUint64()>>1, 10)
}

// cdataText marshals as an element whose text is a CDATA section.
type cdataText struct {
	Text string `xml:",cdata"`
}

// Envelopes and signing.

// envelope wraps the ciphertext as the mode's POST body.
func (c *Callbacks) envelope(encrypt string) []byte {
	switch {
	case c.isJSON():
		return marshalCallbackJSON(struct {
			Encrypt string `json:"encrypt"`
		}{encrypt})
	case c.Mode == ModeApp:
		return marshalCallbackXML(struct {
			XMLName    xml.Name `xml:"xml"`
			ToUserName cdataText
			AgentID    cdataText
			Encrypt    cdataText
		}{ToUserName: cdataText{c.ReceiveID}, AgentID: cdataText{orDefault(c.AgentID, DefaultAgentID)}, Encrypt: cdataText{encrypt}})
	default:
		return marshalCallbackXML(struct {
			XMLName xml.Name `xml:"xml"`
			Encrypt cdataText
		}{Encrypt: cdataText{encrypt}})
	}
}

// signedQuery returns timestamp, nonce and msg_signature over encrypt.
func (c *Callbacks) signedQuery(encrypt string) url.Values {
	timestamp := strconv.FormatInt(c.now().Unix(), 10)
	nonce := strconv.FormatUint(randomUint64()%1e10, 10)
	return url.Values{
		"msg_signature": {wxcrypt.Sign(c.Token, timestamp, nonce, encrypt)},
		"timestamp":     {timestamp},
		"nonce":         {nonce},
	}
}

// url adds q (and robot_callback_format=json when it applies) to the query
// of baseURL.
func (c *Callbacks) url(baseURL string, q url.Values) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		panic("wxcallback: bad base URL: " + err.Error())
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	if c.Mode == ModeRobot && c.JSON {
		all.Set("robot_callback_format", "json")
	}
	u.RawQuery = all.Encode()
	return u.String()
}

func (c *Callbacks) encrypt(msg []byte) string {
	cr, err := c.crypto()
	if err != nil {
		panic(err.Error())
	}
	encrypt, err := cr.Encrypt(msg)
	if err != nil {
		panic("wxcallback: " + err.Error())
	}
	return encrypt
}

func (c *Callbacks) crypto() (*wxcrypt.Crypto, error) {
	switch c.Mode {
	case ModeBot, ModeRobot, ModeApp:
	default:
		return nil, errors.New(c.badMode())
	}
	cr, err := wxcrypt.New(c.Token, c.AESKey, c.ReceiveID)
	if err != nil {
		return nil, fmt.Errorf("wxcallback: %w", err)
	}
	return cr, nil
}

// isJSON reports whether the mode's envelopes and messages are JSON.
func (c *Callbacks) isJSON() bool {
	return c.Mode == ModeBot || (c.Mode == ModeRobot && c.JSON)
}

func (c *Callbacks) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Callbacks) badMode() string {
	return fmt.Sprintf("wxcallback: unknown mode %q", c.Mode)
}

// Small helpers.

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func orRandomID(id string) string { return orDefault(id, randomMsgID()) }

// randomMsgID looks like WeCom's message ids: base64 of random bytes.
func randomMsgID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// marshalCallbackJSON encodes v as WeCom does, without escaping <, > and &.
func marshalCallbackJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("wxcallback: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func marshalCallbackXML(v any) []byte {
	b, err := xml.Marshal(v)
	if err != nil {
		panic("wxcallback: " + err.Error())
	}
	return b
}
