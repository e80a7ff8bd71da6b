package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/wecomtest"
)

// opened is the plaintext of an encrypted passive answer, as JSON.
func (s *lateSetup) opened(t *testing.T, body []byte) map[string]any {
	t.Helper()
	plain, err := s.client.OpenReply(body)
	if err != nil {
		t.Fatalf("passive answer %q: %v", body, err)
	}
	var m map[string]any
	if err := json.Unmarshal(plain, &m); err != nil {
		t.Fatalf("passive answer %s: %v", plain, err)
	}
	return m
}

// click posts wangfang's click on the card leave-12-x in group g1.
func (s *lateSetup) click(t *testing.T, msgID, key string, options ...string) (int, []byte) {
	t.Helper()
	return s.post(t, s.client.ClickMessage(wecomtest.Click{MsgID: msgID, ChatID: "g1", UserID: "wangfang",
		ResponseURL: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC9",
		TaskID:      "leave-12-x", Key: key, Options: options}))
}

// checkUpdate checks a passive answer to wangfang's click: the card
// replaced for the clicker alone, with the click's task id.
func checkUpdate(t *testing.T, got map[string]any) map[string]any {
	t.Helper()
	card, _ := got["template_card"].(map[string]any)
	if got["response_type"] != "update_template_card" || !reflect.DeepEqual(got["userids"], []any{"wangfang"}) ||
		card == nil || card["task_id"] != "leave-12-x" {
		t.Fatalf("answer %v, want the card updated for wangfang with task id leave-12-x", got)
	}
	return card
}

// A click on a card posted to the AI bot's callback runs through
// HandleClick, and its passive answer replaces the clicker's card with the
// card as it now stands (the click's task id, whatever the card carried);
// the same click again gets the card kept with its id. Nothing of it goes
// into the inbox.
func TestClickIsAnsweredWithTheUpdatedCard(t *testing.T) {
	s := newLateWithin(t, bot.ModeBot, "", false, 2*time.Second)
	close(s.engine.release)
	s.engine.reply = teambot.Reply{Text: "已批准王芳的请假 #12",
		Card: &teambot.Card{Kind: teambot.CardLeave, Subject: 12, Title: "请假申请 #12", Done: "已批准 · 王芳"}}
	for _, id := range []string{"c1", "c1"} {
		status, body := s.click(t, id, "approve")
		if status != http.StatusOK {
			t.Fatalf("click: HTTP %d", status)
		}
		card := checkUpdate(t, s.opened(t, body))
		want := []any{map[string]any{"text": "已批准 · 王芳", "style": float64(2), "key": "done"}}
		if card["card_type"] != "button_interaction" || card["main_title"].(map[string]any)["title"] != "请假申请 #12" ||
			!reflect.DeepEqual(card["button_list"], want) {
			t.Errorf("updated card %v", card)
		}
	}
	s.click(t, "c2", "vote", "A")
	clicks := s.engine.clicked()
	if len(clicks) != 3 {
		t.Fatalf("engine ran %d clicks, want 3", len(clicks))
	}
	c := clicks[0]
	if c.TaskID != "leave-12-x" || c.Key != "approve" || len(c.Options) != 0 || c.Source != "bot" || c.ID != "c1" ||
		c.UserID != "wangfang" || c.ChatID != "g1" || !c.Cards || !c.At.Equal(clock) {
		t.Errorf("click as the engine got it: %+v", c)
	}
	if v := clicks[2]; v.Key != "vote" || !reflect.DeepEqual(v.Options, []string{"A"}) {
		t.Errorf("vote click as the engine got it: %+v", v)
	}
	if n := len(s.inbox.answers()); n != 0 || s.inbox.row("bot/c1").payload != "" {
		t.Errorf("a click went into the inbox")
	}
}

// A click the database could not take — after the tries within the
// budget — is answered 200, never 503 (WeCom sends a card event once):
// the clicker's card says it did not take effect and offers to show the
// card again.
func TestClickWhileUnavailableSaysSo(t *testing.T) {
	s := newLateWithin(t, bot.ModeBot, "", false, 300*time.Millisecond)
	s.engine.err = fmt.Errorf("begin: %w", teambot.ErrUnavailable)
	close(s.engine.release)
	status, body := s.click(t, "c3", "approve")
	if status != http.StatusOK {
		t.Fatalf("click with the database away: HTTP %d, want 200", status)
	}
	card := checkUpdate(t, s.opened(t, body))
	title := card["main_title"].(map[string]any)
	want := []any{map[string]any{"text": "重新载入卡片", "style": float64(2), "key": "refresh"}}
	if title["title"] != "暂时无法处理" || title["desc"] != "数据库暂时不可用，这次点击没有生效。" || !reflect.DeepEqual(card["button_list"], want) {
		t.Errorf("card %v, want 暂时无法处理 with one button to reload", card)
	}
	if s.inbox.row("bot/c3").payload != "" {
		t.Error("the click went into the inbox")
	}
}

// A click whose command misses the passive budget is answered with an
// empty 200 and runs on; it is never recorded in the inbox, and no answer
// is enqueued for it.
func TestSlowClickIsAnEmpty200(t *testing.T) {
	s := newLate(t, bot.ModeBot, "", false)
	s.engine.reply = teambot.Reply{Text: "已批准", Card: &teambot.Card{Title: "请假申请 #12", Done: "已批准"}}
	status, body := s.click(t, "c4", "approve")
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("slow click: %d %q, want an empty 200", status, body)
	}
	close(s.engine.release)
	s.cb.Wait()
	if n := len(s.engine.clicked()); n != 1 {
		t.Errorf("the click ran %d times, want once", n)
	}
	if s.inbox.row("bot/c4").payload != "" || len(s.inbox.answers()) != 0 {
		t.Error("the slow click went into the inbox")
	}
}

// A reply that carries a card is the card where the chat shows cards (the
// AI bot: msgtype template_card), and its text where it does not (the
// group robot).
func TestReplyWithACard(t *testing.T) {
	reply := teambot.Reply{Text: "投票 #7 已发起。发送 /投票 7 A 投票。",
		Card: &teambot.Card{Kind: teambot.CardVote, Subject: 7, TaskID: "vote-7-abc", Title: "投票 #7",
			Choice: &teambot.CardChoice{Options: []teambot.CardOption{{ID: "A", Text: "爬山"}}, Submit: "投票", Key: "vote"}}}

	s := newLateWithin(t, bot.ModeBot, "", false, 2*time.Second)
	close(s.engine.release)
	s.engine.reply = reply
	status, body := s.post(t, s.client.TextMessage(s.text("m7", "g1")))
	if status != http.StatusOK {
		t.Fatalf("AI bot: HTTP %d", status)
	}
	got := s.opened(t, body)
	card, _ := got["template_card"].(map[string]any)
	if got["msgtype"] != "template_card" || card["card_type"] != "vote_interaction" || card["task_id"] != "vote-7-abc" {
		t.Errorf("AI bot passive answer %v, want the vote card", got)
	}

	r := newLateWithin(t, bot.ModeRobot, "", false, 2*time.Second)
	close(r.engine.release)
	r.engine.reply = reply
	status, body = r.post(t, r.client.TextMessage(r.text("m7", "g1")))
	plain, err := r.client.OpenReply(body)
	if status != http.StatusOK || err != nil || !strings.Contains(string(plain), "发送 /投票 7 A") || strings.Contains(string(plain), "template_card") {
		t.Errorf("group robot passive answer %d %s (%v), want the text", status, plain, err)
	}
}
