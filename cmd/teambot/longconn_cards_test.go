package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
	"teambot/bot/longconn"
	"teambot/bot/wecomtest"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// cardEngine is the real engine with cards: its message answers carry
// card, and its clicks are answered as the test says (the cards area is
// built apart from the transport).
type cardEngine struct {
	bot.Engine
	card *teambot.Card // carried by every answer to a message

	mu       sync.Mutex
	clicks   []teambot.Click
	clickErr error         // returned for a click instead of running it
	clicked  teambot.Reply // the answer to a click
}

func (e *cardEngine) Handle(ctx context.Context, msg teambot.Message) (teambot.Reply, error) {
	reply, err := e.Engine.Handle(ctx, msg)
	reply.Card = e.card
	return reply, err
}

func (e *cardEngine) HandleClick(_ context.Context, c teambot.Click) (teambot.Reply, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.clickErr != nil {
		return teambot.Reply{}, e.clickErr
	}
	e.clicks = append(e.clicks, c)
	return e.clicked, nil
}

func (e *cardEngine) ran() []teambot.Click {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]teambot.Click(nil), e.clicks...)
}

// startCardConn runs the long connection of an app on SQLite, its engine
// wrapped in a cardEngine, until the test ends.
func startCardConn(t *testing.T, fake *wecomtest.LongConn, clock *metricsClock) (*longConn, *cardEngine) {
	t.Helper()
	getenv := env("TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t), "TEAMBOT_ADMINS", "boss",
		"WECOM_BOT_ID", "bot-1", "WECOM_BOT_SECRET", "secret-1", "WECOM_BOT_WS_URL", fake.URL())
	a, err := openApp(context.Background(), getenv, slog.New(slog.NewTextHandler(testLog{t}, nil)), clock.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	e := &cardEngine{Engine: a.engine}
	l := a.newLongConn(clock.Now)
	l.engine = e
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = l.client.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.db.Close() })
	if !fake.WaitSubscribed(1, 10*time.Second) {
		t.Fatal("never subscribed")
	}
	waitConnected(t, l.client)
	return l, e
}

// waitConnected waits until the client has read the subscribe's ack: the
// fake counts a subscribe when it arrives, the client only then.
func waitConnected(t *testing.T, c *longconn.Client) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !c.Connected(); {
		if time.Now().After(deadline) {
			t.Fatal("the client never took the subscribe's ack")
		}
		time.Sleep(time.Millisecond) // a socket event, not a timer of the bot's
	}
}

// updateFrame waits for the n-th aibot_respond_update_msg and returns its
// req_id and body.
func updateFrame(t *testing.T, fake *wecomtest.LongConn, n int) (string, map[string]any) {
	t.Helper()
	frames, ok := fake.WaitFrames("aibot_respond_update_msg", n, 10*time.Second)
	if !ok {
		t.Fatalf("%d card updates, want %d", len(frames), n)
	}
	var body map[string]any
	if err := json.Unmarshal(frames[n-1].Body, &body); err != nil {
		t.Fatal(err)
	}
	return frames[n-1].ReqID, body
}

// A click on a card over the long connection runs through HandleClick —
// not recorded in the inbox — and the clicker's card is replaced on the
// click's req_id (aibot_respond_update_msg) with the card as it now
// stands, under the click's task id; when the database cannot take it,
// with a card saying the click did not take effect.
func TestLongConnClickUpdatesTheCard(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	l, e := startCardConn(t, fake, clock)
	e.clicked = teambot.Reply{Text: "已批准", Card: &teambot.Card{TaskID: "leave-12-x", Title: "请假申请 #12", Done: "已批准 · 王芳"}}

	reqID := fake.Click("c1", "wrgroup", "group", "wangfang", "leave-12-x", "approve", nil)
	got, body := updateFrame(t, fake, 1)
	card, _ := body["template_card"].(map[string]any)
	done := []any{map[string]any{"text": "已批准 · 王芳", "style": float64(2), "key": "done"}}
	if got != reqID || body["response_type"] != "update_template_card" || !reflect.DeepEqual(body["userids"], []any{"wangfang"}) ||
		card["task_id"] != "leave-12-x" || card["card_type"] != "button_interaction" || !reflect.DeepEqual(card["button_list"], done) {
		t.Errorf("update on %q: %v; want wangfang's card on the click's %q", got, body, reqID)
	}
	fake.Click("c2", "wrgroup", "group", "lisi", "vote-7", "vote", []string{"B"})
	updateFrame(t, fake, 2)
	clicks := e.ran()
	want := teambot.Click{Message: teambot.Message{Source: "bot", ID: "c1", ChatID: "wrgroup", ChatType: teambot.ChatGroup,
		UserID: "wangfang", At: clock.Now(), Cards: true, ReplyLimit: 20480}, TaskID: "leave-12-x", Key: "approve"}
	if len(clicks) != 2 || !reflect.DeepEqual(clicks[0], want) || !reflect.DeepEqual(clicks[1].Options, []string{"B"}) || clicks[1].Key != "vote" {
		t.Errorf("clicks as the engine got them: %+v\nwant first %+v", clicks, want)
	}
	if n := len(fake.Frames("aibot_respond_msg")); n != 0 {
		t.Errorf("%d replies on a click's req_id, which WeCom refuses", n)
	}
	// Not in the inbox: a record of c1 made now is the only one there.
	if err := l.a.db.Update(context.Background(), func(tx *storage.Tx) error {
		if err := tx.KeepInbox(context.Background(), "bot", "c1", "probe", "probe", clock.Now(), clock.Now().Add(time.Hour)); err != nil {
			return err
		}
		mine, err := tx.FinishInbox(context.Background(), "bot", "c1", "probe", clock.Now())
		if err == nil && !mine {
			t.Error("the click was recorded in the inbox")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	e.mu.Lock()
	e.clickErr = teambot.ErrUnavailable
	e.mu.Unlock()
	fake.Click("c3", "", "single", "wangfang", "leave-12-x", "approve", nil)
	_, body = updateFrame(t, fake, 3)
	card, _ = body["template_card"].(map[string]any)
	title, _ := card["main_title"].(map[string]any)
	reload := []any{map[string]any{"text": "重新载入卡片", "style": float64(2), "key": "refresh"}}
	if title["title"] != "暂时无法处理" || card["task_id"] != "leave-12-x" || !reflect.DeepEqual(card["button_list"], reload) ||
		!reflect.DeepEqual(body["userids"], []any{"wangfang"}) {
		t.Errorf("update with the database away: %v", body)
	}
}

// A reply that carries a card answers the message with the card
// (aibot_respond_msg, msgtype template_card); the outbox pushes a card
// into a conversation the socket reaches (aibot_send_msg, msgtype
// template_card), and hands one it does not reach to the webhook or app,
// which carry the text.
func TestLongConnRepliesAndPushesCards(t *testing.T) {
	fake := wecomtest.NewLongConn("bot-1", "secret-1")
	defer fake.Close()
	clock := &metricsClock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	l, e := startCardConn(t, fake, clock)
	e.card = &teambot.Card{Kind: teambot.CardVote, Subject: 7, TaskID: "vote-7-abc", Title: "投票 #7",
		Choice: &teambot.CardChoice{Options: []teambot.CardOption{{ID: "A", Text: "爬山"}}, Submit: "投票", Key: "vote"}}

	reqID := fake.Message("m1", "wrgroup", "group", "wangfang", "@TeamBot /帮助")
	frames, ok := fake.WaitFrames("aibot_respond_msg", 1, 10*time.Second)
	if !ok {
		t.Fatal("no reply")
	}
	var reply struct {
		MsgType string         `json:"msgtype"`
		Card    map[string]any `json:"template_card"`
	}
	if err := json.Unmarshal(frames[0].Body, &reply); err != nil {
		t.Fatal(err)
	}
	if frames[0].ReqID != reqID || reply.MsgType != "template_card" || reply.Card["card_type"] != "vote_interaction" || reply.Card["task_id"] != "vote-7-abc" {
		t.Errorf("reply %+v %s, want the vote card on %q", frames[0], frames[0].Body, reqID)
	}

	next := &nextCards{}
	socket := l.socket(next)
	ctx := context.Background()
	push := teambot.Outgoing{Channel: teambot.ToGroup, Text: "投票 #8 已发起", Card: &teambot.Card{TaskID: "vote-8-def", Title: "投票 #8",
		Buttons: []teambot.CardButton{{Key: "checkin", Text: "签到", Primary: true}}}}
	if err := socket.Deliver(ctx, teambot.Team{ID: 1, ChatID: "wrgroup"}, push); err != nil {
		t.Fatal(err)
	}
	sent, ok := fake.WaitFrames("aibot_send_msg", 1, 10*time.Second)
	var body struct {
		ChatID   string         `json:"chatid"`
		ChatType int            `json:"chat_type"`
		MsgType  string         `json:"msgtype"`
		Card     map[string]any `json:"template_card"`
	}
	if ok {
		ok = json.Unmarshal(sent[0].Body, &body) == nil
	}
	if !ok || body.ChatID != "wrgroup" || body.ChatType != 2 || body.MsgType != "template_card" || body.Card["task_id"] != "vote-8-def" {
		t.Errorf("pushed %+v, want the card into the group", body)
	}
	if err := socket.Deliver(ctx, teambot.Team{ID: 2, ChatID: "elsewhere"}, push); err != nil {
		t.Fatal(err)
	}
	if len(next.got) != 1 || next.got[0].Text != "投票 #8 已发起" || len(fake.Frames("aibot_send_msg")) != 1 {
		t.Errorf("a card for a group the socket does not reach: handed on %+v", next.got)
	}
}

// nextCards is the webhook and app pusher behind the socket: it keeps
// what it is handed.
type nextCards struct{ got []teambot.Outgoing }

func (n *nextCards) Deliver(_ context.Context, _ teambot.Team, msg teambot.Outgoing) error {
	n.got = append(n.got, msg)
	return nil
}
