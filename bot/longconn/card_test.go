package longconn_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"teambot/bot/longconn"
	"teambot/bot/wecomtest"
)

// card stands for a rendered template_card.
var card = map[string]any{"card_type": "button_interaction", "main_title": map[string]any{"title": "请假申请 #12"}, "task_id": "leave-12-x"}

// A card answers a message (aibot_respond_msg on its req_id), is pushed
// (aibot_send_msg with a new one), and replaces a clicked card for the
// clicker (aibot_respond_update_msg on the click's req_id), each with the
// card as given under template_card.
func TestCards(t *testing.T) {
	srv := newServer(t)
	r := start(t, srv, nil)
	r.waitState(t, longconn.Subscribed)
	ctx := context.Background()
	wantCard := decode(t, []byte(`{"card_type":"button_interaction","main_title":{"title":"请假申请 #12"},"task_id":"leave-12-x"}`))

	msgReq := srv.Message("m-1", "chat-1", "group", "zhangsan", "/请假 明天 病假")
	r.callback(t)
	if err := r.c.RespondCard(ctx, msgReq, card); err != nil {
		t.Fatalf("RespondCard: %v", err)
	}
	f := frames(t, srv, "aibot_respond_msg", 1)[0]
	if b := decode(t, f.Body); f.ReqID != msgReq || b["msgtype"] != "template_card" || !reflect.DeepEqual(b["template_card"], wantCard) {
		t.Errorf("respond frame %+v %s", f, f.Body)
	}

	if err := r.c.SendCard(ctx, "wangfang", longconn.ChatSingle, card); err != nil {
		t.Fatalf("SendCard: %v", err)
	}
	f = frames(t, srv, "aibot_send_msg", 1)[0]
	if b := decode(t, f.Body); b["chatid"] != "wangfang" || b["chat_type"] != float64(1) || b["msgtype"] != "template_card" ||
		!reflect.DeepEqual(b["template_card"], wantCard) || f.ReqID == msgReq {
		t.Errorf("send frame %+v %s", f, f.Body)
	}

	clickReq := srv.Click("c-1", "chat-1", "group", "wangfang", "leave-12-x", "approve", nil)
	if cb := r.callback(t); cb.Cmd != "aibot_event_callback" || cb.Event != "template_card_event" || cb.ReqID != clickReq || cb.UserID != "wangfang" {
		t.Fatalf("click callback %+v", cb)
	}
	// An event's req_id takes its own command only.
	var ae *longconn.AckError
	if err := r.c.RespondCard(ctx, clickReq, card); !errors.As(err, &ae) || ae.Code != wecomtest.LongConnBadReqIDCode {
		t.Errorf("a reply on the click's req_id: %v, want errcode %d", err, wecomtest.LongConnBadReqIDCode)
	}
	if err := r.c.UpdateCard(ctx, clickReq, []string{"wangfang"}, card); err != nil {
		t.Fatalf("UpdateCard: %v", err)
	}
	f = frames(t, srv, "aibot_respond_update_msg", 1)[0]
	if b := decode(t, f.Body); f.ReqID != clickReq || b["response_type"] != "update_template_card" ||
		!reflect.DeepEqual(b["userids"], []any{"wangfang"}) || !reflect.DeepEqual(b["template_card"], wantCard) {
		t.Errorf("update frame %+v %s", f, f.Body)
	}
	// Without userids the card is replaced for everyone it reached.
	if err := r.c.UpdateCard(ctx, clickReq, nil, card); err != nil {
		t.Fatalf("UpdateCard for all: %v", err)
	}
	if b := decode(t, frames(t, srv, "aibot_respond_update_msg", 2)[1].Body); b["userids"] != nil {
		t.Errorf("update for all carries userids %v", b["userids"])
	}
}
