package longconn

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Commands of the long connection (docs/wecom-longconn.md §2–§9).
const (
	cmdSubscribe   = "aibot_subscribe"
	cmdPing        = "ping"
	cmdMsgCallback = "aibot_msg_callback"
	cmdEvCallback  = "aibot_event_callback"
	cmdRespond     = "aibot_respond_msg"
	cmdWelcome     = "aibot_respond_welcome_msg"
	cmdUpdate      = "aibot_respond_update_msg"
	cmdSend        = "aibot_send_msg"

	cmdUploadInit   = "aibot_upload_media_init"
	cmdUploadChunk  = "aibot_upload_media_chunk"
	cmdUploadFinish = "aibot_upload_media_finish"

	eventDisconnected = "disconnected_event"
)

// frame is the envelope of every frame, both ways: requests and callbacks carry
// cmd and body, acks carry errcode and errmsg and usually no cmd
// (docs/wecom-longconn.md §2).
type frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers headers         `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	Errcode *int            `json:"errcode,omitempty"`
	Errmsg  string          `json:"errmsg,omitempty"`
}

type headers struct {
	ReqID string `json:"req_id"`
}

// newReqID returns a fresh req_id, <cmd>_<unix ms>_<random hex>
// (docs/wecom-longconn.md §2).
func newReqID(cmd string) string {
	return fmt.Sprintf("%s_%d_%s", cmd, time.Now().UnixMilli(), randHex(6))
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// callbackBody is what the client reads of a callback's body
// (docs/wecom-longconn.md §5).
type callbackBody struct {
	MsgID    string `json:"msgid"`
	ChatID   string `json:"chatid"`
	ChatType string `json:"chattype"`
	MsgType  string `json:"msgtype"`
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	Text struct {
		Content string `json:"content"`
	} `json:"text"`
	Voice struct {
		Content string `json:"content"`
	} `json:"voice"`
	Mixed struct {
		Items []struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		} `json:"msg_item"`
	} `json:"mixed"`
	Event struct {
		EventType string `json:"eventtype"`
	} `json:"event"`
}

// parseCallback reads a callback frame into a Callback.
func parseCallback(f frame) (Callback, error) {
	var b callbackBody
	if err := json.Unmarshal(f.Body, &b); err != nil {
		return Callback{}, fmt.Errorf("%s body: %w", f.Cmd, err)
	}
	cb := Callback{
		Cmd: f.Cmd, ReqID: f.Headers.ReqID, MsgID: b.MsgID, ChatID: b.ChatID,
		ChatType: b.ChatType, UserID: b.From.UserID, MsgType: b.MsgType,
		Event: b.Event.EventType, Body: f.Body,
	}
	switch b.MsgType {
	case "text":
		cb.Text = b.Text.Content
	case "voice": // already transcribed (docs/wecom-longconn.md §5)
		cb.Text = b.Voice.Content
	case "mixed": // text and pictures: the text items are the text
		var parts []string
		for _, it := range b.Mixed.Items {
			if it.MsgType == "text" {
				parts = append(parts, it.Text.Content)
			}
		}
		cb.Text = strings.Join(parts, "\n")
	}
	return cb, nil
}
