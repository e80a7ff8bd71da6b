package bot

import (
	"testing"

	"teambot"
	"teambot/bot/wecomtest"
)

// Every mode's messages, as the fake WeCom builds them, decode to the same
// terms: id, chat, sender, text, events and reply channels.
func TestDecodeEveryFormat(t *testing.T) {
	text := wecomtest.Text{
		MsgID: "m1", ChatID: "g1", UserID: "zhangsan", Name: "张三", Content: "@teambot /团队",
		WebhookURL:  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1",
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=R1",
	}
	for _, tc := range []struct {
		mode Mode
		json bool
	}{{ModeBot, true}, {ModeRobot, false}, {ModeRobot, true}, {ModeApp, false}} {
		cb := &wecomtest.Callbacks{Mode: wecomtest.Mode(tc.mode), JSON: tc.json && tc.mode == ModeRobot}
		name := string(tc.mode)
		if cb.JSON {
			name += "-json"
		}
		t.Run(name, func(t *testing.T) {
			msg := text
			if tc.mode == ModeApp {
				msg.ChatID, msg.MsgID = "", "4561255354251345929"
			}
			in, err := decode(tc.mode, cb.TextMessage(msg), tc.json)
			if err != nil {
				t.Fatal(err)
			}
			if in.msgType != "text" || in.msg.Text != "@teambot /团队" || in.msg.UserID != "zhangsan" || in.msg.ID != msg.MsgID || in.msg.Source != name[:len(tc.mode)] {
				t.Errorf("decoded %+v", in)
			}
			switch tc.mode {
			case ModeBot:
				if in.msg.ChatID != "g1" || in.msg.Single() || in.responseURL != text.ResponseURL {
					t.Errorf("AI bot: %+v", in)
				}
			case ModeRobot:
				if in.msg.ChatID != "g1" || in.msg.UserName != "张三" || in.msg.WebhookKey != "K1" {
					t.Errorf("robot: %+v", in)
				}
				ev, err := decode(tc.mode, cb.EventMessage(wecomtest.Event{MsgID: "e1", ChatID: "g1", UserID: "admin", EventType: "add_to_chat", WebhookURL: text.WebhookURL}), tc.json)
				if err != nil || ev.msgType != "event" || ev.event != teambot.EventAddToChat || ev.msg.ChatID != "g1" {
					t.Errorf("robot event: %+v, %v", ev, err)
				}
			case ModeApp:
				if !in.msg.Single() || in.msg.ChatID != "" {
					t.Errorf("app: %+v", in)
				}
			}
			img, err := decode(tc.mode, cb.ImageMessage(msg), tc.json)
			if err != nil || img.msgType != "image" {
				t.Errorf("image: %+v, %v", img, err)
			}
		})
	}
}

// A decrypted message without a sender is refused rather than guessed.
func TestDecodeRefusesMessagesWithoutSender(t *testing.T) {
	if _, err := decode(ModeApp, []byte("<xml><MsgType>text</MsgType><Content>hi</Content></xml>"), false); err == nil {
		t.Error("a message without FromUserName was accepted")
	}
	if _, err := decode(ModeBot, []byte("{not json"), true); err == nil {
		t.Error("malformed JSON was accepted")
	}
}

// Whatever a (correctly signed and encrypted) callback decrypts to, decoding
// neither panics nor accepts a message without a sender.
func FuzzDecode(f *testing.F) {
	for _, mode := range []wecomtest.Mode{wecomtest.ModeBot, wecomtest.ModeRobot, wecomtest.ModeApp} {
		cb := &wecomtest.Callbacks{Mode: mode}
		f.Add(string(mode), false, cb.TextMessage(wecomtest.Text{MsgID: "1", ChatID: "g", UserID: "u", Content: "/帮助"}))
		f.Add(string(mode), false, cb.EventMessage(wecomtest.Event{MsgID: "2", ChatID: "g", EventType: "add_to_chat"}))
	}
	f.Add("robot", true, (&wecomtest.Callbacks{Mode: wecomtest.ModeRobot, JSON: true}).TextMessage(wecomtest.Text{MsgID: "3", UserID: "u"}))
	f.Add("app", false, []byte("<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&lt;x&gt;</Content></xml>"))
	f.Fuzz(func(t *testing.T, mode string, jsonFormat bool, plain []byte) {
		m := Mode(mode)
		if m != ModeBot && m != ModeRobot && m != ModeApp {
			return
		}
		in, err := decode(m, plain, jsonFormat)
		if err == nil && in.msgType != "event" && in.msg.UserID == "" {
			t.Errorf("accepted a %q message without a sender", in.msgType)
		}
	})
}
