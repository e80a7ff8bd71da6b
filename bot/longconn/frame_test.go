package longconn

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseCallbackTextKinds(t *testing.T) {
	for _, tc := range []struct{ body, text string }{
		{`{"msgtype":"text","text":{"content":"/帮助"}}`, "/帮助"},
		{`{"msgtype":"voice","voice":{"content":"请假 明天"}}`, "请假 明天"},
		{`{"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"@bot 看图"}},{"msgtype":"image","image":{"url":"U"}},{"msgtype":"text","text":{"content":"第二行"}}]}}`, "@bot 看图\n第二行"},
		{`{"msgtype":"image","image":{"url":"U","aeskey":"K"}}`, ""},
	} {
		cb, err := parseCallback(frame{Cmd: cmdMsgCallback, Headers: headers{ReqID: "r"}, Body: json.RawMessage(tc.body)})
		if err != nil || cb.Text != tc.text {
			t.Errorf("%s: text %q, %v; want %q", tc.body, cb.Text, err, tc.text)
		}
	}
	if _, err := parseCallback(frame{Cmd: cmdMsgCallback, Body: json.RawMessage(`[1]`)}); err == nil {
		t.Error("a body that is not an object was read")
	}
}

// Acks are matched by req_id whether or not they echo the cmd, and two
// waiters on one req_id get its acks in the order they asked.
func TestDeliverByReqID(t *testing.T) {
	cn := &conn{pending: map[string][]chan ack{}}
	a, b := make(chan ack, 1), make(chan ack, 1)
	cn.queue("r1", a)
	cn.queue("r1", b)
	var f frame
	if err := json.Unmarshal([]byte(`{"cmd":"aibot_respond_msg","headers":{"req_id":"r1"},"errcode":0,"errmsg":"ok"}`), &f); err != nil {
		t.Fatal(err)
	}
	if !cn.deliver(f) {
		t.Fatal("ack with a cmd not delivered")
	}
	if err := json.Unmarshal([]byte(`{"headers":{"req_id":"r1"},"errcode":846605,"errmsg":"invalid req_id"}`), &f); err != nil {
		t.Fatal(err)
	}
	f.Cmd = ""
	if !cn.deliver(f) {
		t.Fatal("ack without a cmd not delivered")
	}
	if got := <-a; got.code != 0 {
		t.Errorf("first waiter got %+v", got)
	}
	if got := <-b; got.code != 846605 {
		t.Errorf("second waiter got %+v", got)
	}
	if cn.deliver(f) || len(cn.pending) != 0 {
		t.Errorf("pending left: %v", cn.pending)
	}
}

func TestReqIDShape(t *testing.T) {
	id := newReqID(cmdSend)
	parts := strings.Split(strings.TrimPrefix(id, cmdSend+"_"), "_")
	if !strings.HasPrefix(id, cmdSend+"_") || len(parts) != 2 || len(parts[0]) != 13 || len(parts[1]) != 12 {
		t.Errorf("req_id %q, want %s_<unix ms>_<hex>", id, cmdSend)
	}
	if newReqID(cmdSend) == id {
		t.Error("two req_ids alike")
	}
}
