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
			*out = append(*out, sent{chatID, single, text})
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
		{"wrgroup", false, "【周报提醒】"},
		{"zhangsan", true, "警告：连续两次缺席"},
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
