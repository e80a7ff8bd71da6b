package wecomtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"teambot/bot/wxcallback"
)

// Errcode and errmsg of a refused subscribe, as WeCom answers them
// (docs/wecom-longconn.md §3).
const (
	LongConnBadAuthCode = 853000
	LongConnBadAuthMsg  = "invalid bot_id or secret"
)

// LongConn is a fake of WeCom's AI bot long-connection server
// (docs/wecom-longconn.md) on an httptest server. It acks every command the
// way WeCom does, takes media uploads (Uploads), records every frame a
// client sends, pushes callbacks to the
// live connection, and can be told to refuse, to stop acking pings, to kick or
// to drop. It is safe for concurrent use.
type LongConn struct {
	botID, secret string

	srv    *httptest.Server
	ctx    context.Context // ends on Close
	cancel context.CancelFunc

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced whenever something is recorded
	frames      []LongConnFrame
	subscribes  int
	dials       int
	live        *lcPeer             // the connection that subscribed last, nil when none
	peers       map[*lcPeer]bool    // every open connection
	ackErr      map[string]lcAnswer // per cmd: the answer to give instead of ok
	ignorePings bool
	seq         int
	events      map[string]bool      // req_ids of the event callbacks pushed
	open        map[string]*lcUpload // uploads begun and not finished, by upload_id
	uploads     []LongConnUpload     // uploads finished, in order
}

// LongConnFrame is one frame a client sent.
type LongConnFrame struct {
	Cmd, ReqID string
	Body       json.RawMessage
}

type lcAnswer struct {
	code int
	msg  string
}

// lcPeer is one client connection.
type lcPeer struct {
	ws  *websocket.Conn
	wmu sync.Mutex
}

func (p *lcPeer) send(ctx context.Context, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	return p.ws.Write(ctx, websocket.MessageText, data)
}

// sendHeld is send for a caller that holds p.wmu.
func (p *lcPeer) sendHeld(ctx context.Context, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return p.ws.Write(ctx, websocket.MessageText, data)
}

// NewLongConn starts a fake long-connection server that accepts botID and
// secret. Close it when done.
func NewLongConn(botID, secret string) *LongConn {
	s := &LongConn{
		botID: botID, secret: secret,
		changed: make(chan struct{}),
		peers:   map[*lcPeer]bool{},
		ackErr:  map[string]lcAnswer{},
		events:  map[string]bool{},
		open:    map[string]*lcUpload{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the server's ws:// address, for longconn.Config.URL.
func (s *LongConn) URL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// Close drops every connection and stops the server.
func (s *LongConn) Close() {
	s.cancel()
	s.mu.Lock()
	peers := make([]*lcPeer, 0, len(s.peers))
	for p := range s.peers {
		peers = append(peers, p)
	}
	s.live = nil
	s.mu.Unlock()
	for _, p := range peers {
		_ = p.ws.CloseNow()
	}
	s.srv.Close()
}

// Subscribes is the number of successful subscribes so far.
func (s *LongConn) Subscribes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subscribes
}

// Dials is the number of WebSocket connections accepted so far.
func (s *LongConn) Dials() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials
}

// Frames returns the frames clients sent with cmd, in order; all of them
// when cmd is "".
func (s *LongConn) Frames(cmd string) []LongConnFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.framesLocked(cmd)
}

func (s *LongConn) framesLocked(cmd string) []LongConnFrame {
	var out []LongConnFrame
	for _, f := range s.frames {
		if cmd == "" || f.Cmd == cmd {
			out = append(out, f)
		}
	}
	return out
}

// WaitFrames waits up to timeout until at least n frames with cmd (any cmd
// when "") arrived, and returns them with whether there were n.
func (s *LongConn) WaitFrames(cmd string, n int, timeout time.Duration) ([]LongConnFrame, bool) {
	var out []LongConnFrame
	ok := s.waitFor(timeout, func() bool {
		out = s.framesLocked(cmd)
		return len(out) >= n
	})
	return out, ok
}

// WaitSubscribed waits up to timeout until at least n subscribes succeeded.
func (s *LongConn) WaitSubscribed(n int, timeout time.Duration) bool {
	return s.waitFor(timeout, func() bool { return s.subscribes >= n })
}

// waitFor waits until cond, called with s.mu held, holds.
func (s *LongConn) waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// bump wakes the waiters; s.mu is held.
func (s *LongConn) bump() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// SetAckErr makes the server answer the later frames of cmd with code and
// msg; code 0 goes back to ok.
func (s *LongConn) SetAckErr(cmd string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.ackErr, cmd)
		return
	}
	s.ackErr[cmd] = lcAnswer{code, msg}
}

// IgnorePings stops (on) or resumes acking pings.
func (s *LongConn) IgnorePings(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignorePings = on
}

// Message sends a text aibot_msg_callback to the live connection and returns
// its req_id, or "" when no connection is live. chatID is left out of the
// body when "", as in a single chat (docs/wecom-longconn.md §5).
func (s *LongConn) Message(msgID, chatID, chatType, userID, text string) string {
	body := map[string]any{
		"msgid": msgID, "aibotid": s.botID, "chattype": chatType,
		"from": map[string]string{"userid": userID}, "msgtype": "text",
		"text": map[string]string{"content": text},
	}
	if chatID != "" {
		body["chatid"] = chatID
	}
	return s.push("aibot_msg_callback", body)
}

// EnterChat sends an enter_chat aibot_event_callback to the live connection
// and returns its req_id, or "" when no connection is live.
func (s *LongConn) EnterChat(msgID, userID string) string {
	return s.push("aibot_event_callback", s.event(msgID, userID, "enter_chat"))
}

// Errcode and errmsg of a reply on an event's req_id, which takes only the
// event's own command (docs/cards.md §4).
const (
	LongConnBadReqIDCode = 846605
	LongConnBadReqIDMsg  = "invalid req_id"
)

// Click sends a template_card_event to the live connection, the click
// nested under event.template_card_event as WeCom sends it (a
// vote_interaction when options are given, else a button_interaction), and
// returns its req_id, or "" when no connection is live. chatID is left out
// when "", as in a single chat. Answer it with aibot_respond_update_msg:
// aibot_respond_msg on its req_id is refused (846605).
func (s *LongConn) Click(msgID, chatID, chatType, userID, taskID, key string, options []string) string {
	cb := wxcallback.Callbacks{Mode: wxcallback.ModeBot, BotID: s.botID}
	body := cb.ClickMessage(wxcallback.Click{MsgID: msgID, ChatID: chatID, ChatType: chatType, UserID: userID,
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC-" + msgID,
		TaskID:      taskID, Key: key, Options: options})
	return s.push("aibot_event_callback", json.RawMessage(body))
}

// Kick sends disconnected_event to the live connection, then closes it, as
// WeCom does when another connection of the bot subscribes
// (docs/wecom-longconn.md §8).
func (s *LongConn) Kick() {
	s.mu.Lock()
	p := s.live
	s.live = nil
	s.mu.Unlock()
	if p != nil {
		s.kick(p)
		_ = p.ws.Close(websocket.StatusNormalClosure, "replaced by a new connection")
	}
}

// Drop closes the live connection abruptly, with no event and no close frame.
func (s *LongConn) Drop() {
	s.mu.Lock()
	p := s.live
	s.live = nil
	s.mu.Unlock()
	if p != nil {
		_ = p.ws.CloseNow()
	}
}

// kick sends disconnected_event to p; the caller closes it.
func (s *LongConn) kick(p *lcPeer) {
	_ = p.send(s.ctx, s.callback("aibot_event_callback", s.newReqID("aibot_event_callback"),
		s.event(s.newMsgID(), "", "disconnected_event")))
}

func (s *LongConn) event(msgID, userID, eventType string) map[string]any {
	body := map[string]any{
		"msgid": msgID, "create_time": time.Now().Unix(), "aibotid": s.botID,
		"msgtype": "event", "event": map[string]string{"eventtype": eventType},
	}
	if userID != "" {
		body["from"] = map[string]string{"userid": userID}
	}
	return body
}

// Push sends any callback frame (cmd and body as WeCom would) to the live
// connection and returns its req_id, or "" when no connection is live.
func (s *LongConn) Push(cmd string, body any) string { return s.push(cmd, body) }

func (s *LongConn) push(cmd string, body any) string {
	s.mu.Lock()
	p := s.live
	s.mu.Unlock()
	if p == nil {
		return ""
	}
	reqID := s.newReqID(cmd)
	if cmd == "aibot_event_callback" {
		s.mu.Lock()
		s.events[reqID] = true
		s.mu.Unlock()
	}
	if err := p.send(s.ctx, s.callback(cmd, reqID, body)); err != nil {
		return ""
	}
	return reqID
}

func (s *LongConn) callback(cmd, reqID string, body any) map[string]any {
	return map[string]any{"cmd": cmd, "headers": map[string]string{"req_id": reqID}, "body": body}
}

func (s *LongConn) newReqID(cmd string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s_srv_%d", cmd, s.seq)
}

func (s *LongConn) newMsgID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("msg_srv_%d", s.seq)
}

// serve runs one client connection.
func (s *LongConn) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(1 << 20)
	p := &lcPeer{ws: ws}
	s.mu.Lock()
	s.dials++
	s.peers[p] = true
	s.bump()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.peers, p)
		if s.live == p {
			s.live = nil
		}
		s.mu.Unlock()
		_ = ws.CloseNow()
	}()
	for {
		typ, data, err := ws.Read(s.ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		var f struct {
			Cmd     string `json:"cmd"`
			Headers struct {
				ReqID string `json:"req_id"`
			} `json:"headers"`
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			continue
		}
		s.handle(p, LongConnFrame{Cmd: f.Cmd, ReqID: f.Headers.ReqID, Body: f.Body})
	}
}

// handle records a frame and answers it.
func (s *LongConn) handle(p *lcPeer, f LongConnFrame) {
	if f.Cmd == "aibot_subscribe" {
		// Nothing goes out on p between a subscribe and its ack: a
		// callback sent once the subscribe counts waits for the ack, as
		// WeCom's do.
		p.wmu.Lock()
		defer p.wmu.Unlock()
	}
	s.mu.Lock()
	s.frames = append(s.frames, f)
	ans, forced := s.ackErr[f.Cmd]
	if f.Cmd == "aibot_respond_msg" && s.events[f.ReqID] && !forced {
		// An event's req_id takes its own command only (docs/cards.md §4).
		ans = lcAnswer{LongConnBadReqIDCode, LongConnBadReqIDMsg}
	}
	var ackBody any
	if !forced && isUploadCmd(f.Cmd) {
		ans, ackBody = s.uploadStep(f)
	}
	ignore := f.Cmd == "ping" && s.ignorePings
	var old *lcPeer
	if f.Cmd == "aibot_subscribe" && !forced {
		var b struct {
			BotID  string `json:"bot_id"`
			Secret string `json:"secret"`
		}
		_ = json.Unmarshal(f.Body, &b)
		if b.BotID != s.botID || b.Secret != s.secret {
			// WeCom refuses but leaves the socket open (docs/wecom-longconn.md §3).
			ans = lcAnswer{LongConnBadAuthCode, LongConnBadAuthMsg}
		} else {
			// One connection per bot: the new one kicks the old
			// (docs/wecom-longconn.md §8).
			if s.live != nil && s.live != p {
				old = s.live
			}
			s.live = p
			s.subscribes++
		}
	}
	s.bump()
	s.mu.Unlock()

	if old != nil {
		s.kick(old)
		go func() { _ = old.ws.Close(websocket.StatusNormalClosure, "replaced by a new connection") }()
	}
	if ignore {
		return
	}
	if ans.code == 0 {
		ans.msg = "ok"
	}
	ack := map[string]any{"headers": map[string]string{"req_id": f.ReqID}, "errcode": ans.code, "errmsg": ans.msg}
	if ackBody != nil {
		ack["body"] = ackBody
	}
	if f.Cmd == "aibot_subscribe" {
		_ = p.sendHeld(s.ctx, ack)
		return
	}
	_ = p.send(s.ctx, ack)
}
