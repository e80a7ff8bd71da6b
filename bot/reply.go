package bot

import (
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"

	"teambot"
	"teambot/bot/wecom"
)

// passive encodes a reply as the plaintext of the mode's passive answer
// (before encryption).
// receiveID is the app's CorpID (the reply's FromUserName).
// jsonFormat is the group robot's robot_callback_format=json: its reply is
// JSON too.
func passive(mode Mode, receiveID string, in inbound, reply teambot.Reply, now int64, jsonFormat bool) ([]byte, error) {
	switch {
	case mode == ModeBot:
		return botPassive(in, reply)
	case mode == ModeRobot && jsonFormat:
		return json.Marshal(robotReply(in, reply).json())
	case mode == ModeRobot:
		return xml.Marshal(robotReply(in, reply))
	}
	return xml.Marshal(appReplyXML{ToUserName: in.msg.UserID, FromUserName: receiveID, CreateTime: now, MsgType: "text", Content: reply.Text})
}

// botPassive is an AI bot reply: a finished stream message carrying markdown,
// or plain text for the enter_chat welcome (the only reply that event takes),
// or, for a reply that carries a card, the card (docs/cards.md §2).
func botPassive(in inbound, reply teambot.Reply) ([]byte, error) {
	if in.msgType == "event" {
		return json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": reply.Text}})
	}
	if in.msg.Cards {
		if card := RenderCard(reply.Card); card != nil {
			return json.Marshal(map[string]any{"msgtype": "template_card", "template_card": card})
		}
	}
	return json.Marshal(map[string]any{
		"msgtype": "stream",
		"stream":  map[string]any{"id": streamID(), "finish": true, "content": MarkdownOf(reply)},
	})
}

func streamID() string { return teambot.RandomHex(8) }

type robotReplyXML struct {
	XMLName xml.Name `xml:"xml"`
	MsgType string   `xml:"MsgType"`
	Text    struct {
		Content   string   `xml:"Content"`
		Mentioned []string `xml:"MentionedList>Item,omitempty"`
	} `xml:"Text"`
	VisibleToUser string `xml:"VisibleToUser,omitempty"`
}

// robotReply is a group robot reply: text that @mentions the sender, or,
// for a private reply, text visible to the sender only.
func robotReply(in inbound, reply teambot.Reply) robotReplyXML {
	var r robotReplyXML
	r.MsgType = "text"
	r.Text.Content = reply.Text
	if in.msg.UserID != "" && in.msg.ChatType == teambot.ChatGroup {
		if reply.Private {
			r.VisibleToUser = in.msg.UserID
		} else {
			r.Text.Mentioned = mentionList(in.msg.UserID, reply.Mentions)
		}
	}
	return r
}

// json is the same reply in the group robot's JSON callback format, whose
// field names follow its webhook messages (text.content, mentioned_list).
func (r robotReplyXML) json() map[string]any {
	out := map[string]any{
		"msgtype": r.MsgType,
		"text":    map[string]any{"content": r.Text.Content, "mentioned_list": r.Text.Mentioned},
	}
	if r.VisibleToUser != "" {
		out["visible_to_user"] = r.VisibleToUser
	}
	return out
}

// mentionList is the sender followed by the reply's own mentions, once each.
func mentionList(sender string, more []string) []string {
	out := []string{sender}
	for _, m := range more {
		if m != sender {
			out = append(out, m)
		}
	}
	return out
}

type appReplyXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

// MarkdownOf renders a plain-text reply as WeCom markdown, its own mentions
// (userids from our records) as <@userid>.
func MarkdownOf(reply teambot.Reply) string {
	var b strings.Builder
	b.WriteString(wecom.EscapeMarkdown(reply.Text))
	for _, m := range reply.Mentions {
		b.WriteString(" <@" + wecom.EscapeMarkdownInline(m) + ">")
	}
	return b.String()
}

// timestamp formats Unix seconds as WeCom sends them.
func timestamp(sec int64) string { return strconv.FormatInt(sec, 10) }
