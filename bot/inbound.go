package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"teambot"
	"teambot/bot/wecom"
)

// Mode is one of WeCom's three ways in (docs/wecom-protocol.md §1).
type Mode string

const (
	ModeBot   Mode = "bot"   // AI bot 智能机器人: JSON, receiveid ""
	ModeRobot Mode = "robot" // group robot callback 群机器人: XML (or JSON), receiveid ""
	ModeApp   Mode = "app"   // self-built app 自建应用: XML, receiveid = CorpID
)

// inbound is a decrypted callback in the terms the bot acts on.
type inbound struct {
	msg         teambot.Message
	msgType     string     // "text", "event", "image", …
	event       string     // the event type when msgType is "event"
	responseURL string     // AI bot: one-shot URL for a late answer
	webhookURL  string     // group robot: the group's webhook, for a late answer and pushes
	click       *cardClick // AI bot: a template_card_event, a click on a card
}

// EventTemplateCard is the AI bot's event of a click on a card
// (docs/cards.md §3).
const EventTemplateCard = "template_card_event"

// cardClick is what a template_card_event says of the click: read from
// event.template_card_event only (docs/cards.md §3). The flat form one SDK
// documents (event.event_key, event.task_id) is not read: a click in it
// has no task id, and the engine is not asked to run it.
type cardClick struct {
	cardType, taskID, key string
	options               []string // the option ids chosen, of every question
}

// of is the click as the engine takes it, by msg.
func (c *cardClick) of(msg teambot.Message) teambot.Click {
	return teambot.Click{Message: msg, TaskID: c.taskID, Key: c.key, Options: c.options}
}

var errNoSender = errors.New("callback has no sender")

// errBadText is a callback holding text that PostgreSQL cannot store and
// SQLite would: NUL, or bytes that are not UTF-8.
var errBadText = errors.New("callback text holds NUL or is not UTF-8")

// holdsNUL reports whether any string under v holds NUL, as JSON's \u0000
// writes it (XML cannot carry NUL at all: the parser refuses it).
func holdsNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.IndexByte(v.String(), 0) >= 0
	case reflect.Struct:
		for i := range v.NumField() {
			if holdsNUL(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if holdsNUL(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// decode reads the plaintext of a callback of the given mode (docs/wecom-protocol.md
// §4). jsonFormat is the group robot's robot_callback_format=json.
//
// Text that both databases would not store alike — NUL, bytes that are not
// UTF-8 — is refused in any field (errBadText), so that PostgreSQL and
// SQLite see the same messages.
func decode(mode Mode, plain []byte, jsonFormat bool) (inbound, error) {
	if !utf8.Valid(plain) || bytes.IndexByte(plain, 0) >= 0 {
		return inbound{}, errBadText
	}
	var in inbound
	var err error
	switch {
	case mode == ModeBot:
		in, err = decodeBot(plain)
	case mode == ModeRobot && jsonFormat:
		in, err = decodeRobotJSON(plain)
	case mode == ModeRobot:
		in, err = decodeRobotXML(plain)
	default:
		in, err = decodeApp(plain)
	}
	if err != nil {
		return inbound{}, err
	}
	if in.msg.UserID == "" && in.msgType != "event" {
		return inbound{}, errNoSender
	}
	in.msg.Source = string(mode)
	if in.msg.ChatType == "" {
		in.msg.ChatType = teambot.ChatSingle
	}
	if in.msg.ChatType != teambot.ChatSingle && in.msg.ChatID == "" {
		in.msg.ChatType = teambot.ChatSingle // no chat to name a team: treat as one-to-one
	}
	// Only the group robot's passive reply can be shown to the sender
	// alone (VisibleToUser); the AI bot's is seen by the whole group.
	in.msg.Whisper = mode == ModeRobot
	// Only the AI bot shows interactive cards (docs/cards.md §5).
	in.msg.Cards = mode == ModeBot
	// A passive answer is a text message, but for the AI bot's stream.
	in.msg.ReplyLimit = wecom.MaxTextBytes
	if mode == ModeBot {
		in.msg.ReplyLimit = wecom.MaxRespondBytes
	}
	return in, nil
}

type botJSON struct {
	MsgID       string `json:"msgid"`
	ChatID      string `json:"chatid"`
	ChatType    string `json:"chattype"`
	ResponseURL string `json:"response_url"`
	MsgType     string `json:"msgtype"`
	From        struct {
		UserID string `json:"userid"`
	} `json:"from"`
	Text struct {
		Content string `json:"content"`
	} `json:"text"`
	Mixed struct {
		Items []struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		} `json:"msg_item"`
	} `json:"mixed"`
	Event struct {
		EventType string        `json:"eventtype"`
		Card      cardEventJSON `json:"template_card_event"`
	} `json:"event"`
}

// cardEventJSON is event.template_card_event (docs/cards.md §3).
type cardEventJSON struct {
	CardType      string `json:"card_type"`
	EventKey      string `json:"event_key"`
	TaskID        string `json:"task_id"`
	SelectedItems struct {
		SelectedItem []struct {
			QuestionKey string `json:"question_key"`
			OptionIDs   struct {
				OptionID []string `json:"option_id"`
			} `json:"option_ids"`
		} `json:"selected_item"`
	} `json:"selected_items"`
}

func decodeBot(plain []byte) (inbound, error) {
	var m botJSON
	if err := json.Unmarshal(plain, &m); err != nil {
		return inbound{}, err
	}
	if holdsNUL(reflect.ValueOf(m)) {
		return inbound{}, errBadText
	}
	text := m.Text.Content
	if m.MsgType == "mixed" { // text and pictures: the text parts are the command
		var parts []string
		for _, it := range m.Mixed.Items {
			if it.MsgType == "text" {
				parts = append(parts, it.Text.Content)
			}
		}
		text, m.MsgType = strings.Join(parts, "\n"), "text"
	}
	in := inbound{
		msg:     teambot.Message{ID: m.MsgID, ChatID: m.ChatID, ChatType: m.ChatType, UserID: m.From.UserID, Text: text},
		msgType: m.MsgType, event: m.Event.EventType, responseURL: m.ResponseURL,
	}
	if m.MsgType == "event" && m.Event.EventType == EventTemplateCard {
		ev := m.Event.Card
		in.click = &cardClick{cardType: ev.CardType, taskID: ev.TaskID, key: ev.EventKey}
		for _, item := range ev.SelectedItems.SelectedItem {
			in.click.options = append(in.click.options, item.OptionIDs.OptionID...)
		}
	}
	return in, nil
}

type robotXML struct {
	WebhookURL string `xml:"WebhookUrl"`
	MsgID      string `xml:"MsgId"`
	ChatID     string `xml:"ChatId"`
	ChatType   string `xml:"ChatType"`
	From       struct {
		UserID string `xml:"UserId"`
		Name   string `xml:"Name"`
	} `xml:"From"`
	MsgType string `xml:"MsgType"`
	Text    struct {
		Content string `xml:"Content"`
	} `xml:"Text"`
	Event struct {
		EventType string `xml:"EventType"`
	} `xml:"Event"`
}

func decodeRobotXML(plain []byte) (inbound, error) {
	var m robotXML
	if err := unmarshalXML(plain, &m); err != nil {
		return inbound{}, err
	}
	if holdsNUL(reflect.ValueOf(m)) {
		return inbound{}, errBadText
	}
	return robotInbound(m), nil
}

type robotJSON struct {
	WebhookURL string `json:"webhook_url"`
	MsgID      string `json:"msgid"`
	ChatID     string `json:"chatid"`
	ChatType   string `json:"chattype"`
	From       struct {
		UserID string `json:"userid"`
		Name   string `json:"name"`
	} `json:"from"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Event struct {
		EventType string `json:"event_type"` // the AI bot spells it "eventtype"
	} `json:"event"`
}

func decodeRobotJSON(plain []byte) (inbound, error) {
	var m robotJSON
	if err := json.Unmarshal(plain, &m); err != nil {
		return inbound{}, err
	}
	if holdsNUL(reflect.ValueOf(m)) {
		return inbound{}, errBadText
	}
	return robotInbound(robotXML(m)), nil
}

func robotInbound(m robotXML) inbound {
	in := inbound{
		msg: teambot.Message{ID: m.MsgID, ChatID: m.ChatID, ChatType: m.ChatType, UserID: m.From.UserID,
			UserName: strings.TrimSpace(m.From.Name), Text: m.Text.Content},
		msgType: m.MsgType, event: m.Event.EventType, webhookURL: m.WebhookURL,
	}
	if key, err := wecom.WebhookKey(m.WebhookURL); err == nil {
		in.msg.WebhookKey = key
	}
	return in
}

type appXML struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        string `xml:"MsgId"`
	Event        string `xml:"Event"`
}

func decodeApp(plain []byte) (inbound, error) {
	var m appXML
	if err := unmarshalXML(plain, &m); err != nil {
		return inbound{}, err
	}
	if holdsNUL(reflect.ValueOf(m)) {
		return inbound{}, errBadText
	}
	id := m.MsgID
	if id == "" { // events carry no MsgId: FromUserName + CreateTime identify them (docs/wecom-protocol.md §5)
		id = m.FromUserName + "@" + strconv.FormatInt(m.CreateTime, 10)
	}
	return inbound{
		msg:     teambot.Message{ID: id, ChatType: teambot.ChatSingle, UserID: m.FromUserName, Text: m.Content},
		msgType: m.MsgType, event: m.Event,
	}, nil
}

// unmarshalXML decodes a decrypted XML message strictly enough for hostile
// input (see wecom.NewXMLDecoder).
func unmarshalXML(b []byte, v any) error {
	return wecom.NewXMLDecoder(b).Decode(v)
}

// LongConnCallback is a long-connection callback as the bot acts on it.
type LongConnCallback struct {
	Msg     teambot.Message // its Source "bot", as over HTTP, so that the two never run one message twice
	MsgType string
	Event   string         // the event's type, for an event
	Click   *teambot.Click // a template_card_event: the click on a card (docs/cards.md §3); nil otherwise
}

// DecodeLongConn reads the body of a long-connection callback, which is
// the AI bot's callback JSON (docs/wecom-longconn.md §5).
func DecodeLongConn(body []byte) (LongConnCallback, error) {
	in, err := decode(ModeBot, body, false)
	if err != nil {
		return LongConnCallback{}, err
	}
	cb := LongConnCallback{Msg: in.msg, MsgType: in.msgType, Event: in.event}
	if in.click != nil {
		c := in.click.of(in.msg)
		cb.Click = &c
	}
	return cb, nil
}
