package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"teambot"
	"teambot/bot/wecom"
)

// Inbox keeps the callbacks whose answer misses the passive reply, so that
// they are run and answered even if this process dies: the row is written
// before the empty 200, and the answer is enqueued in the durable outbox
// with the row marked done, in one transaction.
type Inbox interface {
	// Keep records a message (payload is sealed), leased to token until
	// until; its own short transaction.
	Keep(ctx context.Context, source, msgID, payload, token string, until time.Time) error
	// Done enqueues answers and marks the record done, in one transaction,
	// if token still holds it; false when it does not (the record is
	// another's to finish, or finished). chatID names the group of the
	// message, "" for a single chat.
	Done(ctx context.Context, source, msgID, token, chatID string, answers []teambot.Outgoing) (bool, error)
}

// Sealer seals what an inbox record and a late answer keep of private
// input (the message, the response_url, the webhook key); *KeySealer
// satisfies it.
type Sealer interface {
	Seal(plain string) (string, error)
	Open(sealed string) (string, error)
}

// responseURLLife is how long the AI bot's response_url takes an answer.
const responseURLLife = time.Hour

// Late turns a callback's answer into the outbox messages that deliver it
// late, and finishes a recorded callback whose owner died.
type Late struct {
	Engine Engine
	Sealer Sealer
	// AppMessages says app messages can be sent (the app is configured):
	// a private answer in a robot group then goes to its sender alone.
	AppMessages bool
	Log         *slog.Logger
}

// lateRecord is what an inbox row holds (sealed, as JSON): enough to run
// the message again and to answer it.
type lateRecord struct {
	Mode        Mode            `json:"mode"`
	Msg         teambot.Message `json:"msg"`
	MsgType     string          `json:"msg_type"`
	Event       string          `json:"event,omitempty"`
	ResponseURL string          `json:"response_url,omitempty"`
	WebhookURL  string          `json:"webhook_url,omitempty"`
}

func (l *Late) seal(mode Mode, in inbound) (string, error) {
	b, err := json.Marshal(lateRecord{Mode: mode, Msg: in.msg, MsgType: in.msgType, Event: in.event,
		ResponseURL: in.responseURL, WebhookURL: in.webhookURL})
	if err != nil {
		return "", err
	}
	return l.Sealer.Seal(string(b))
}

func (l *Late) open(payload string) (Mode, inbound, error) {
	plain, err := l.Sealer.Open(payload)
	if err != nil {
		return "", inbound{}, fmt.Errorf("inbox record: %w", err)
	}
	var r lateRecord
	if err := json.Unmarshal([]byte(plain), &r); err != nil {
		return "", inbound{}, fmt.Errorf("inbox record: %w", err)
	}
	return r.Mode, inbound{msg: r.Msg, msgType: r.MsgType, event: r.Event, responseURL: r.ResponseURL, webhookURL: r.WebhookURL}, nil
}

// Resumed is a recorded callback run again, with its answers to enqueue.
type Resumed struct {
	Source, MsgID, ChatID string
	Answers               []teambot.Outgoing
}

// Resume runs a recorded callback through the engine: the command runs,
// or, if its first run committed, the engine gives the answer kept with
// the message id. An error wrapping teambot.ErrUnavailable means it could
// not run now: the record stays for another try.
func (l *Late) Resume(ctx context.Context, payload string) (Resumed, error) {
	mode, in, err := l.open(payload)
	if err != nil {
		return Resumed{}, err
	}
	res := runEngine(ctx, l.Engine, l.log(), in)
	if res.unavailable {
		return Resumed{}, fmt.Errorf("resume %s/%s: %w", in.msg.Source, in.msg.ID, teambot.ErrUnavailable)
	}
	answers, err := l.answers(mode, in, res.reply)
	return Resumed{Source: in.msg.Source, MsgID: in.msg.ID, ChatID: in.msg.ChatID, Answers: answers}, err
}

func (l *Late) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

// privateLateNote is said in a robot group instead of a private answer
// that can no longer be shown to its sender alone (R14).
const privateLateNote = "你刚才的命令已执行，但回复只给你本人看，不能发在群里。请在和我的单聊中再发一次查看的命令。"

// answers are the outbox messages that deliver reply late, the way the
// mode allows: the AI bot's response_url (then the group, or the app),
// the group robot's webhook, or an app message.
//
// A card in the reply is dropped: the text says the same. A card sent late
// would need a task row of its own (its task id is sent once, and this one
// belongs to the passive answer that was never given).
func (l *Late) answers(mode Mode, in inbound, reply teambot.Reply) ([]teambot.Outgoing, error) {
	if reply.Text == "" {
		return nil, nil
	}
	group := in.msg.ChatType == teambot.ChatGroup
	out := teambot.Outgoing{Origin: "late " + in.msg.Source + "/" + in.msg.ID, Text: reply.Text,
		Channel: teambot.ToUsers, Users: []string{in.msg.UserID}}
	switch {
	case mode == ModeBot:
		out.Markdown, out.Text = true, MarkdownOf(reply)
		if group {
			out.Channel, out.Users = teambot.ToGroup, nil
		}
		if in.responseURL != "" {
			target, err := l.Sealer.Seal(in.responseURL)
			if err != nil {
				return nil, err
			}
			out.Via, out.Target, out.NotAfter = teambot.ViaResponseURL, target, in.msg.At.Add(responseURLLife)
		}
	case mode == ModeRobot && group && reply.Private && l.AppMessages:
		// The group's webhook would show it to everyone (R14).
	case mode == ModeRobot:
		if group && reply.Private {
			reply = teambot.Reply{Text: privateLateNote}
		}
		out.Text, out.Users = reply.Text, nil
		if group {
			out.Mentions = mentionList(in.msg.UserID, reply.Mentions)
		}
		key, err := wecom.WebhookKey(in.webhookURL)
		if err != nil {
			if !group {
				return nil, fmt.Errorf("late answer to a robot single chat: no webhook: %w", err)
			}
			out.Channel = teambot.ToGroup // the team's own push key
			break
		}
		target, err := l.Sealer.Seal(key)
		if err != nil {
			return nil, err
		}
		out.Via, out.Target, out.Channel = teambot.ViaWebhook, target, teambot.ToGroup
	}
	return []teambot.Outgoing{out}, nil
}

// result is what the engine made of a callback.
type result struct {
	reply   teambot.Reply
	outcome string
	// unavailable: the command could not run for the infrastructure's
	// sake, or was cut off by its deadline (rolled back); it may be run
	// again.
	unavailable bool
}

func (res result) passive() (*teambot.Reply, string) {
	if res.reply.Text == "" && res.reply.Card == nil {
		return nil, res.outcome
	}
	return &res.reply, res.outcome
}

// runEngine hands a callback to the engine. A panic is contained: the chat
// gets an apology and the process stays up.
func runEngine(ctx context.Context, engine Engine, log *slog.Logger, in inbound) (res result) {
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "callback: handler panicked", "panic", p, "msgid", in.msg.ID)
			res = result{reply: teambot.Reply{Text: teambot.UserMessage(fmt.Errorf("panic"))}, outcome: "panic"}
		}
	}()
	var reply teambot.Reply
	var err error
	switch {
	case in.click != nil && in.click.taskID == "":
		// Not in the nested form WeCom documents: nothing names the card.
		log.WarnContext(ctx, "callback: a card event without event.template_card_event.task_id; ignored", "msgid", in.msg.ID)
		return result{outcome: "bad_click"}
	case in.click != nil:
		reply, err = engine.HandleClick(ctx, in.click.of(in.msg))
	case in.msgType == "text":
		reply, err = engine.Handle(ctx, in.msg)
	case in.msgType == "event":
		reply, err = engine.HandleEvent(ctx, teambot.Event{Message: in.msg, Kind: in.event})
	default:
		return result{reply: teambot.Reply{Text: "我只看得懂文字命令。发送 /帮助 查看可用的命令。"}, outcome: "not_text"}
	}
	switch {
	case errors.Is(err, teambot.ErrAlreadyHandled):
		// The answer of the first run, again: WeCom retries only when it
		// did not get one.
		return result{reply: reply, outcome: "duplicate"}
	case errors.Is(err, teambot.ErrUnavailable), err == nil && ctx.Err() != nil && reply.Text == teambot.UserMessage(ctx.Err()):
		return result{outcome: "unavailable", unavailable: true}
	}
	return result{reply: reply, outcome: "handled"}
}

// KeepLongConn records a long-connection message in inbox before it runs
// (docs/wecom-longconn.md §5): the socket acknowledges nothing, so a
// process that dies mid-command leaves the record, and another finishes it
// once until has passed (Resume), answering by a push into the
// conversation. A replay of a kept message keeps nothing new.
func (l *Late) KeepLongConn(ctx context.Context, inbox Inbox, msg teambot.Message, token string, until time.Time) error {
	payload, err := l.seal(ModeBot, inbound{msg: msg, msgType: "text"})
	if err != nil {
		return err
	}
	return inbox.Keep(ctx, msg.Source, msg.ID, payload, token, until)
}

// LongConnAnswers are the outbox messages that deliver reply to a
// long-connection message whose req_id could not take it: the group, or
// the sender's single chat.
func (l *Late) LongConnAnswers(msg teambot.Message, reply teambot.Reply) ([]teambot.Outgoing, error) {
	return l.answers(ModeBot, inbound{msg: msg, msgType: "text"}, reply)
}

// RunLongConn runs a long-connection message as runEngine runs a
// callback's: text through the engine (a replay of a command that wrote
// gets the answer kept; one that only read runs again),
// enter_chat through HandleEvent, any other kind answered with how to
// write a command, a panic contained. again reports a message that could
// not run for the database's sake and may run later.
func RunLongConn(ctx context.Context, engine Engine, log *slog.Logger, msg teambot.Message, msgType, event string) (reply teambot.Reply, again bool) {
	res := runEngine(ctx, engine, log, inbound{msg: msg, msgType: msgType, event: event})
	return res.reply, res.unavailable
}

// RunLongConnClick runs a click on a card from the long connection as a
// callback's click is run — through HandleClick (a repeated click id gets
// the kept answer), a panic contained — and returns the card that replaces
// the clicker's (docs/cards.md §4): the clicked card as it now stands, or,
// when the database could not take the click, a card saying so. nil: there
// is nothing to update.
func RunLongConnClick(ctx context.Context, engine Engine, log *slog.Logger, click teambot.Click) *TemplateCard {
	c := &cardClick{taskID: click.TaskID, key: click.Key, options: click.Options}
	return clickUpdate(c, runEngine(ctx, engine, log, inbound{msg: click.Message, msgType: "event", event: EventTemplateCard, click: c}))
}

// clickUpdate is the card that answers a click, with the click's task id
// (WeCom takes an update only with it, docs/cards.md §4); nil when there
// is none.
func clickUpdate(c *cardClick, res result) *TemplateCard {
	card := res.reply.Card
	if res.unavailable {
		card = clickUnavailable(c.taskID)
	}
	tc := RenderCard(card)
	if tc != nil {
		tc.TaskID = c.taskID
	}
	return tc
}
