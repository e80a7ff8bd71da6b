// Package longconn is the client of WeCom's AI bot long connection: a
// WebSocket the bot dials out to, subscribes on with its BotID and Secret, and
// then keeps alive with pings while it receives message and event callbacks
// and sends replies and pushes (docs/wecom-longconn.md).
//
// Run owns the connection: it dials, subscribes, pings, reads and reconnects.
// Respond, RespondCard, Welcome, UpdateCard, Send, SendCard, UploadMedia and
// SendFile may be called from any goroutine while Run runs.
package longconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
)

// DefaultURL is WeCom's long-connection endpoint (docs/wecom-longconn.md §2).
const DefaultURL = "wss://openws.work.weixin.qq.com"

// Chat types of aibot_send_msg (docs/wecom-longconn.md §7).
const ChatSingle, ChatGroup = 1, 2

// MaxContentBytes is the most a reply's or a push's markdown may hold
// (docs/wecom-longconn.md §7).
const MaxContentBytes = 20480

var (
	// ErrBadCredentials: subscribe was refused (853000) MaxAuthFailures times
	// in a row. Run stops and does not retry (docs/wecom-longconn.md §3).
	ErrBadCredentials = errors.New("longconn: bot_id or secret refused")
	// ErrReplaced: a disconnected_event arrived, another connection of the same
	// bot took over. Run stops and does not reconnect (docs/wecom-longconn.md §8).
	ErrReplaced = errors.New("longconn: replaced by another connection of the same bot")
	// ErrNotConnected: Send, Respond or Welcome while no subscribed socket.
	ErrNotConnected = errors.New("longconn: not connected")
)

// AckError is a non-zero errcode in an ack (docs/wecom-longconn.md §2).
type AckError struct {
	Code int
	Msg  string
}

func (e *AckError) Error() string {
	return fmt.Sprintf("longconn: errcode %d: %s", e.Code, e.Msg)
}

// Callback is one aibot_msg_callback or aibot_event_callback frame
// (docs/wecom-longconn.md §5).
type Callback struct {
	Cmd      string          // "aibot_msg_callback" or "aibot_event_callback"
	ReqID    string          // headers.req_id: pass to Respond / Welcome
	MsgID    string          // body.msgid
	ChatID   string          // body.chatid ("" in a single chat)
	ChatType string          // "single" or "group"
	UserID   string          // body.from.userid
	MsgType  string          // body.msgtype: text, mixed, voice, image, file, event, ...
	Text     string          // text.content; for "mixed" the text items joined; for voice voice.content
	Event    string          // event.eventtype for events: enter_chat, disconnected_event, template_card_event, ...
	Body     json.RawMessage // the whole body
}

// State is where the client stands, for metrics and readiness.
type State int

const (
	Connecting     State = iota // first dial and subscribe
	Subscribed                  // a subscribed socket is live
	Reconnecting                // waiting to dial again, or dialing again, after a failure
	BadCredentials              // stopped: subscribe refused MaxAuthFailures times
	Replaced                    // stopped: another connection of the bot took over
	Stopped                     // stopped: Run's context ended
)

func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Subscribed:
		return "subscribed"
	case Reconnecting:
		return "reconnecting"
	case BadCredentials:
		return "bad_credentials"
	case Replaced:
		return "replaced"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Client is a long-connection client. Make it with New; it is safe for
// concurrent use.
type Client struct {
	cfg Config
	log *slog.Logger

	mu    sync.Mutex
	conn  *conn // the subscribed socket, nil when none
	state State
}

// New returns a client for cfg, with the zero fields of cfg set to their
// defaults. It does not connect: Run does.
func New(cfg Config) *Client {
	cfg.defaults()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Client{cfg: cfg, log: log, state: Connecting}
}

// Connected reports whether a subscribed socket is live.
func (c *Client) Connected() bool { return c.current() != nil }

// State returns the client's current state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Client) current() *conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn
}

func (c *Client) setConn(cn *conn) {
	c.mu.Lock()
	c.conn = cn
	c.mu.Unlock()
}

// setState records s and tells OnState. Only Run's goroutine calls it, so
// OnState sees the changes in order.
func (c *Client) setState(s State) {
	c.mu.Lock()
	changed := c.state != s
	c.state = s
	c.mu.Unlock()
	if changed && c.cfg.OnState != nil {
		c.cfg.OnState(s)
	}
}

// Respond answers a message callback with one finished stream message:
// aibot_respond_msg on the callback's reqID, then waits for the ack
// (docs/wecom-longconn.md §6).
func (c *Client) Respond(ctx context.Context, reqID, markdown string) error {
	stream := map[string]any{"id": randHex(16), "finish": true, "content": markdown}
	return c.request(ctx, cmdRespond, reqID, typed("stream", stream), nil)
}

// RespondCard answers a message callback with an interactive card:
// aibot_respond_msg, msgtype template_card, on the callback's reqID
// (docs/cards.md §2). card is the template_card JSON.
func (c *Client) RespondCard(ctx context.Context, reqID string, card any) error {
	return c.request(ctx, cmdRespond, reqID, typed("template_card", card), nil)
}

// UpdateCard replaces a clicked card for userIDs (every user the card
// reached when none): aibot_respond_update_msg on the card event's reqID,
// which WeCom takes only within 5 s of the event; card must carry the
// event's task_id (docs/cards.md §4).
func (c *Client) UpdateCard(ctx context.Context, reqID string, userIDs []string, card any) error {
	body := map[string]any{"response_type": "update_template_card", "template_card": card}
	if len(userIDs) > 0 {
		body["userids"] = userIDs
	}
	return c.request(ctx, cmdUpdate, reqID, body, nil)
}

// Welcome answers an enter_chat event: aibot_respond_welcome_msg on the
// event's reqID, which WeCom takes only within 5 s of the event
// (docs/wecom-longconn.md §6).
func (c *Client) Welcome(ctx context.Context, reqID, text string) error {
	return c.request(ctx, cmdWelcome, reqID, typed("text", map[string]string{"content": text}), nil)
}

// Send pushes markdown to a conversation: aibot_send_msg with a new req_id,
// chatType ChatSingle (chatID is a userid) or ChatGroup, then waits for the
// ack (docs/wecom-longconn.md §7).
func (c *Client) Send(ctx context.Context, chatID string, chatType int, markdown string) error {
	return c.push(ctx, chatID, chatType, typed("markdown", map[string]string{"content": markdown}))
}

// SendCard pushes an interactive card to a conversation, as Send pushes
// markdown: aibot_send_msg, msgtype template_card (docs/cards.md §2). card
// is the template_card JSON, with a task id never sent before.
func (c *Client) SendCard(ctx context.Context, chatID string, chatType int, card any) error {
	return c.push(ctx, chatID, chatType, typed("template_card", card))
}

// push sends aibot_send_msg with a new req_id: body, into chatID.
func (c *Client) push(ctx context.Context, chatID string, chatType int, body map[string]any) error {
	body["chatid"], body["chat_type"] = chatID, chatType
	return c.request(ctx, cmdSend, newReqID(cmdSend), body, nil)
}

// typed is a message body of msgtype, its content under the type's name
// ({"msgtype": "markdown", "markdown": {…}}), as every reply and push is.
func typed(msgtype string, content any) map[string]any {
	return map[string]any{"msgtype": msgtype, msgtype: content}
}

// connKey carries, in a handler's context, the connection its callback
// came on.
type connKey struct{}

// request sends a frame and waits for its ack, whose body it decodes into
// out unless out is nil: on the connection the handler's callback came on
// while it lives (a reply belongs to its req_id's socket, and may be sent
// before this client has seen its own subscribe acknowledged), else on the
// current one.
func (c *Client) request(ctx context.Context, cmd, reqID string, body, out any) error {
	cn := c.pick(ctx)
	if cn == nil {
		return ErrNotConnected
	}
	return cn.call(ctx, c.cfg.AckTimeout, cmd, reqID, body, out)
}

// pick is the connection a request goes on: the one ctx's callback came
// on while it lives, else the current one; nil when there is none.
func (c *Client) pick(ctx context.Context) *conn {
	cn, _ := ctx.Value(connKey{}).(*conn)
	if cn != nil {
		select {
		case <-cn.done:
			cn = nil
		default:
		}
	}
	if cn == nil {
		cn = c.current()
	}
	return cn
}
