package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
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
			// A passive answer is a text message (2 048 bytes) but for the
			// AI bot's stream (20 480).
			if want := map[Mode]int{ModeBot: 20480, ModeRobot: 2048, ModeApp: 2048}[tc.mode]; in.msg.ReplyLimit != want {
				t.Errorf("%s: ReplyLimit %d, want %d", name, in.msg.ReplyLimit, want)
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

// NUL and bytes that are not UTF-8 — text PostgreSQL cannot store and
// SQLite would keep — are refused in every field of every format at
// decoding, so that both databases see the same: nothing (docs/wecom-protocol.md §4).
// Each field gets each bad text in the form its format can carry it.
func TestDecodeRefusesTextNoDatabaseStoresAlike(t *testing.T) {
	type format struct {
		mode    Mode
		json    bool
		fields  any // the format's decoded struct
		marshal func(any) ([]byte, error)
		bad     []string // what replaces a field's value in the encoded text
	}
	jsonBad := []string{`\u0000`, "a\\u0000b", "\xff", "a\xc3(b"}
	xmlBad := []string{"\x00", "a&#0;b", "&#x0;", "\xff", "a\xc3(b"}
	for _, f := range []format{
		{ModeBot, true, &botJSON{}, json.Marshal, jsonBad},
		{ModeRobot, true, &robotJSON{}, json.Marshal, jsonBad},
		{ModeRobot, false, &robotXML{}, xml.Marshal, xmlBad},
		{ModeApp, false, &appXML{}, xml.Marshal, xmlBad},
	} {
		n := fillStrings(reflect.ValueOf(f.fields).Elem(), -1, new(int))
		for field := range n {
			v := reflect.New(reflect.TypeOf(f.fields).Elem())
			fillStrings(v.Elem(), field, new(int))
			doc, err := f.marshal(v.Interface())
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s json=%v field %d", f.mode, f.json, field)
			good := bytes.ReplaceAll(doc, []byte("MARK"), []byte("好"))
			if _, err := decode(f.mode, good, f.json); err != nil {
				t.Fatalf("%s: the same message with good text is refused: %v\n%s", name, err, good)
			}
			for _, bad := range f.bad {
				plain := bytes.ReplaceAll(doc, []byte("MARK"), []byte(bad))
				_, err := decode(f.mode, plain, f.json)
				var xmlErr *xml.SyntaxError // XML forbids NUL: its parser refuses &#0;
				if !errors.Is(err, errBadText) && !(errors.As(err, &xmlErr) && !f.json) {
					t.Errorf("%s holding %q: %v, want errBadText\n%s", name, bad, err, plain)
				}
			}
		}
	}
}

// fillStrings gives every string field under v a good value, but the one
// numbered mark (counting from 0 in field order) the value "MARK"; a slice
// gets one element; text messages get a type and a sender. It returns how
// many string fields there are.
func fillStrings(v reflect.Value, mark int, n *int) int {
	switch v.Kind() {
	case reflect.String:
		value := "ok"
		if *n == mark {
			value = "MARK"
		}
		v.SetString(value)
		*n++
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), mark, n)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillStrings(v.Index(0), mark, n)
	}
	return *n
}

// A click on a card is read from event.template_card_event, as doc 101027
// shows it (this is its 投票选择 example): the task id, the key and the
// options chosen; every AI bot message says the chat shows cards, a group
// robot's does not.
func TestDecodeCardClick(t *testing.T) {
	official := []byte(`{"msgid":"CAIQ16HMjQYY\/NGagIOAgAMgq4KM0AI=","create_time":1700000000,"aibotid":"AIBOTID",
		"from":{"corpid":"CORPID","userid":"USERID"},"chatid":"CHATID","chattype":"group","response_url":"RESPONSEURL",
		"msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"vote_interaction",
		"event_key":"button_replace_text","task_id":"fBmjTL7ErRCQSNA6GZKMlcFiWX1shOvg",
		"selected_items":{"selected_item":[{"question_key":"button_selection_key1","option_ids":{"option_id":["one","two"]}}]}}}}`)
	in, err := decode(ModeBot, official, true)
	if err != nil {
		t.Fatal(err)
	}
	want := cardClick{cardType: "vote_interaction", taskID: "fBmjTL7ErRCQSNA6GZKMlcFiWX1shOvg", key: "button_replace_text", options: []string{"one", "two"}}
	if in.click == nil || !reflect.DeepEqual(*in.click, want) || in.msgType != "event" || in.event != EventTemplateCard ||
		in.msg.UserID != "USERID" || in.msg.ChatID != "CHATID" || !in.msg.Cards || in.responseURL != "RESPONSEURL" {
		t.Errorf("decoded %+v (click %+v)", in, in.click)
	}

	// As the fakes build it, and as the long connection hands it on.
	cb := &wecomtest.Callbacks{Mode: wecomtest.ModeBot}
	body := cb.ClickMessage(wecomtest.Click{MsgID: "c1", UserID: "wangfang", TaskID: "leave-12-x", Key: "approve"})
	lc, err := DecodeLongConn(body)
	if err != nil {
		t.Fatal(err)
	}
	wantClick := teambot.Click{Message: teambot.Message{Source: "bot", ID: "c1", ChatType: teambot.ChatSingle, UserID: "wangfang", Cards: true, ReplyLimit: 20480},
		TaskID: "leave-12-x", Key: "approve"}
	if lc.Click == nil || !reflect.DeepEqual(*lc.Click, wantClick) || lc.MsgType != "event" || lc.Event != EventTemplateCard {
		t.Errorf("long connection click %+v, want %+v", lc.Click, wantClick)
	}

	// Text over the AI bot shows cards; over the group robot it does not.
	if in, _ := decode(ModeBot, cb.TextMessage(wecomtest.Text{MsgID: "m1", UserID: "u", Content: "/帮助"}), true); !in.msg.Cards || in.click != nil {
		t.Errorf("AI bot text: Cards %v, click %+v", in.msg.Cards, in.click)
	}
	robot := &wecomtest.Callbacks{Mode: wecomtest.ModeRobot}
	if in, _ := decode(ModeRobot, robot.TextMessage(wecomtest.Text{MsgID: "m2", ChatID: "g", UserID: "u", Content: "/帮助"}), false); in.msg.Cards {
		t.Error("a group robot message says the chat shows cards")
	}
}

// The flat form one SDK documents (event.event_key, event.task_id) is not
// taken for a click's fields: it is a card event that names no card, and
// the engine is not asked to run it.
func TestFlatCardEventIsNotRun(t *testing.T) {
	flat := []byte(`{"msgid":"f1","aibotid":"A","chattype":"single","from":{"userid":"wangfang"},"msgtype":"event",
		"event":{"eventtype":"template_card_event","event_key":"approve","task_id":"leave-12-x"}}`)
	in, err := decode(ModeBot, flat, true)
	if err != nil {
		t.Fatal(err)
	}
	if in.click == nil || in.click.taskID != "" || in.click.key != "" {
		t.Fatalf("flat card event decoded as %+v", in.click)
	}
	e := &engine{}
	res := runEngine(context.Background(), e, slog.New(slog.DiscardHandler), in)
	if len(e.clicks) != 0 || len(e.events) != 0 || res.outcome != "bad_click" || clickUpdate(in.click, res) != nil {
		t.Errorf("flat card event: engine got %+v / %+v, outcome %q", e.clicks, e.events, res.outcome)
	}
}
