package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/bot"
)

type sent struct {
	chat   string
	single bool
	text   string
	card   *bot.TemplateCard // pushed instead of text
}

type nextDeliverer struct{ got []teambot.Outgoing }

func (n *nextDeliverer) Deliver(_ context.Context, _ teambot.Team, msg teambot.Outgoing) error {
	n.got = append(n.got, msg)
	return nil
}

func newSocket(reachable map[string]bool, out *[]sent, next *nextDeliverer) *bot.Socket {
	return &bot.Socket{
		Next: next,
		Reachable: func(_ context.Context, chatID string, single bool) (bool, error) {
			if single {
				return reachable["single:"+chatID], nil
			}
			return reachable["group:"+chatID], nil
		},
		Send: func(_ context.Context, chatID string, single bool, text string) error {
			*out = append(*out, sent{chatID, single, text, nil})
			return nil
		},
		SendCard: func(_ context.Context, chatID string, single bool, card *bot.TemplateCard) error {
			*out = append(*out, sent{chatID, single, "", card})
			return nil
		},
		Names: func(_ context.Context, _ teambot.Team, ids []string) ([]string, error) {
			names := map[string]string{"zhangsan": "张三", "lisi": "李四"}
			var out []string
			for _, id := range ids {
				out = append(out, names[id])
			}
			return out, nil
		},
	}
}

// A team whose group wrote to the bot over the long connection gets its
// pushes there; private messages go to single chats that exist, and a
// member without one is told in the group, without the content (R14).
func TestSocketRoutesPushes(t *testing.T) {
	var out []sent
	next := &nextDeliverer{}
	s := newSocket(map[string]bool{"group:wrgroup": true, "single:zhangsan": true}, &out, next)
	team := teambot.Team{ID: 1, ChatID: "wrgroup"}
	ctx := context.Background()
	if err := s.Deliver(ctx, team, teambot.Outgoing{Channel: teambot.ToGroup, Text: "【周报提醒】"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(ctx, team, teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"zhangsan", "lisi"}, Text: "警告：连续两次缺席"}); err != nil {
		t.Fatal(err)
	}
	want := []sent{
		{"wrgroup", false, "【周报提醒】", nil},
		{"zhangsan", true, "警告：连续两次缺席", nil},
	}
	if len(out) != 3 || out[0] != want[0] || out[1] != want[1] {
		t.Fatalf("sent %+v", out)
	}
	if note := out[2]; note.chat != "wrgroup" || note.single || !strings.Contains(note.text, "@李四") || strings.Contains(note.text, "警告") {
		t.Errorf("group note %+v", note)
	}
	if len(next.got) != 0 {
		t.Errorf("handed on %+v", next.got)
	}

	// Another team's group never wrote over the socket: the webhook path.
	if err := s.Deliver(ctx, teambot.Team{ID: 2, ChatID: "other"}, teambot.Outgoing{Channel: teambot.ToGroup, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// A late answer goes back the way it came.
	if err := s.Deliver(ctx, team, teambot.Outgoing{Channel: teambot.ToGroup, Via: teambot.ViaResponseURL, Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if len(next.got) != 2 {
		t.Errorf("handed on %d messages, want 2", len(next.got))
	}
}

// A full conversation defers the message until room frees, without
// counting a failed attempt.
func TestSocketDefersAFullConversation(t *testing.T) {
	var out []sent
	s := newSocket(map[string]bool{"group:wrgroup": true}, &out, &nextDeliverer{})
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	s.Slots = func(context.Context, string, int) (bool, time.Time, error) {
		return false, now.Add(20 * time.Second), nil
	}
	err := s.Deliver(context.Background(), teambot.Team{ChatID: "wrgroup"}, teambot.Outgoing{Channel: teambot.ToGroup, Text: "x"})
	var retry *teambot.RetryAfterError
	if !errors.As(err, &retry) || retry.Wait != 20*time.Second {
		t.Fatalf("err %v, want a deferral of 20s", err)
	}
	if len(out) != 0 {
		t.Errorf("sent %+v", out)
	}
}

// With the app configured, a member without a single chat with the bot
// gets the private message as an app message, not a note in the group.
func TestSocketPrefersAppMessages(t *testing.T) {
	var out []sent
	next := &nextDeliverer{}
	s := newSocket(map[string]bool{"group:wrgroup": true}, &out, next)
	s.AppMessages = true
	err := s.Deliver(context.Background(), teambot.Team{ChatID: "wrgroup"},
		teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"lisi"}, Text: "警告"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 0 {
		t.Errorf("sent over the socket: %+v", out)
	}
	if len(next.got) != 1 || next.got[0].Users[0] != "lisi" {
		t.Errorf("handed on %+v, want the message for lisi", next.got)
	}
}

// A message with a card is pushed as the card into a conversation the
// socket reaches — a group, or one member's single chat — with its task
// id; a member without a single chat gets the group's note (text), a
// message for several members and one to a group the socket does not
// reach go as text, and a card WeCom refuses goes as its text.
func TestSocketPushesCards(t *testing.T) {
	var out []sent
	next := &nextDeliverer{}
	s := newSocket(map[string]bool{"group:wrgroup": true, "single:zhangsan": true, "single:wangwu": true}, &out, next)
	team := teambot.Team{ID: 1, ChatID: "wrgroup"}
	ctx := context.Background()
	card := func(task string) *teambot.Card {
		return &teambot.Card{Kind: teambot.CardLeave, Subject: 12, TaskID: task, Title: "请假申请 #12",
			Buttons: []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}}}
	}
	for _, msg := range []teambot.Outgoing{
		{Channel: teambot.ToGroup, Text: "投票 #7", Card: card("to-group")},
		{Channel: teambot.ToUsers, Users: []string{"zhangsan"}, Text: "请假申请 #12 待批", Card: card("to-zhangsan")},
		{Channel: teambot.ToUsers, Users: []string{"lisi"}, Text: "请假申请 #12 待批", Card: card("to-lisi")},
		{Channel: teambot.ToUsers, Users: []string{"zhangsan", "wangwu"}, Text: "两人", Card: card("to-two")},
	} {
		if err := s.Deliver(ctx, team, msg); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != 5 {
		t.Fatalf("sent %+v, want 5 pushes", out)
	}
	for i, want := range []struct {
		chat   string
		single bool
		task   string
	}{{"wrgroup", false, "to-group"}, {"zhangsan", true, "to-zhangsan"}} {
		if got := out[i]; got.chat != want.chat || got.single != want.single || got.card == nil ||
			got.card.TaskID != want.task || got.card.CardType != "button_interaction" || got.text != "" {
			t.Errorf("push %d %+v, want the card %s to %s", i, got, want.task, want.chat)
		}
	}
	if note := out[2]; note.card != nil || note.chat != "wrgroup" || !strings.Contains(note.text, "@李四") {
		t.Errorf("note for lisi %+v, want text in the group", note)
	}
	if a, b := out[3], out[4]; a.card != nil || b.card != nil || a.text != "两人" || b.text != "两人" {
		t.Errorf("a card for two members went as %+v and %+v, want their text", a, b)
	}

	// A group the socket does not reach: Next, which carries the text.
	if err := s.Deliver(ctx, teambot.Team{ID: 2, ChatID: "other"}, teambot.Outgoing{Channel: teambot.ToGroup, Text: "投票 #8", Card: card("other")}); err != nil {
		t.Fatal(err)
	}
	if len(next.got) != 1 || next.got[0].Text != "投票 #8" || len(out) != 5 {
		t.Errorf("handed on %+v, want the message for the other group", next.got)
	}

	// WeCom refuses the card for good: its text goes instead.
	s.SendCard = func(context.Context, string, bool, *bot.TemplateCard) error {
		return &teambot.PermanentError{Err: errors.New("errcode 40058")}
	}
	if err := s.Deliver(ctx, team, teambot.Outgoing{Channel: teambot.ToGroup, Text: "第九次投票", Card: card("refused")}); err != nil {
		t.Fatal(err)
	}
	if last := out[len(out)-1]; len(out) != 6 || last.card != nil || last.text != "第九次投票" || last.chat != "wrgroup" {
		t.Errorf("refused card: sent %+v, want its text in the group", out[5:])
	}
}
