package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"teambot"
)

type recordingClient struct{ texts []string }

func (c *recordingClient) SendText(_ context.Context, key, content string, _ []string) error {
	c.texts = append(c.texts, key+":"+content)
	return nil
}
func (c *recordingClient) SendMarkdown(_ context.Context, key, content string) error {
	c.texts = append(c.texts, key+":md:"+content)
	return nil
}
func (c *recordingClient) SendApp(_ context.Context, users []string, text string) error {
	c.texts = append(c.texts, "app "+strings.Join(users, ",")+":"+text)
	return nil
}
func (c *recordingClient) SendAppMarkdown(_ context.Context, users []string, content string) error {
	c.texts = append(c.texts, "app "+strings.Join(users, ",")+":md:"+content)
	return nil
}
func (c *recordingClient) UploadMedia(_ context.Context, kind, filename string, data []byte) (string, error) {
	c.texts = append(c.texts, "upload "+kind+" "+filename)
	return "MEDIA", nil
}
func (c *recordingClient) SendAppFile(_ context.Context, users []string, mediaID string) error {
	c.texts = append(c.texts, "app "+strings.Join(users, ",")+":file:"+mediaID)
	return nil
}
func (c *recordingClient) Respond(_ context.Context, url, markdown string) error {
	c.texts = append(c.texts, "respond "+url+":"+markdown)
	return nil
}

// A group message takes its robot's slots before it is sent, one per part;
// without room it is deferred, not sent and not failed.
func TestPusherKeepsToTheSharedRobotLimit(t *testing.T) {
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	var asked []string
	room := true
	client := &recordingClient{}
	p := &Pusher{Client: client, DefaultKey: "KEY-1", Now: func() time.Time { return now },
		Slots: func(_ context.Context, robot string, n int) (bool, time.Time, error) {
			asked = append(asked, robot+"/"+string(rune('0'+n)))
			return room, now.Add(40 * time.Second), nil
		}}
	team := teambot.Team{ID: 1, ChatID: "g1"}
	if err := p.Deliver(context.Background(), team, teambot.Outgoing{Channel: teambot.ToGroup, Text: strings.Repeat("长", 1000)}); err != nil {
		t.Fatal(err)
	}
	if len(client.texts) != 1 || len(asked) != 1 || !strings.HasSuffix(asked[0], "/2") || strings.Contains(asked[0], "KEY-1") {
		t.Fatalf("3000 bytes are two parts, asked %v, sent %d", asked, len(client.texts))
	}
	room = false
	err := p.Deliver(context.Background(), team, teambot.Outgoing{Channel: teambot.ToGroup, Text: "第 21 条"})
	var later *teambot.RetryAfterError
	if !errors.As(err, &later) || later.Wait != 40*time.Second || len(client.texts) != 1 {
		t.Fatalf("without room: err %v, sent %d; want a 40 s deferral and nothing sent", err, len(client.texts))
	}
	if err := p.Deliver(context.Background(), team, teambot.Outgoing{Channel: teambot.ToUsers, Users: []string{"u"}, Text: "私信"}); err != nil {
		t.Errorf("app messages do not take robot slots: %v", err)
	}
}

// A late answer goes the way its callback allows, its URL or key opened
// from the seal: the AI bot's response_url until it expires, then the
// group's webhook or, from a single chat, an app message, saying it is
// late; a group robot's answer to the webhook its callback carried, within
// the robot's limit.
func TestPusherDeliversLateAnswers(t *testing.T) {
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	sealer, err := NewKeySealer("secret")
	if err != nil {
		t.Fatal(err)
	}
	seal := func(s string) string { sealed, _ := sealer.Seal(s); return sealed }
	var slots []int
	client := &recordingClient{}
	p := &Pusher{Client: client, Open: sealer.Open, DefaultKey: "DEFAULT", Now: func() time.Time { return now },
		Slots: func(_ context.Context, _ string, n int) (bool, time.Time, error) {
			slots = append(slots, n)
			return true, now, nil
		}}
	team := teambot.Team{ID: 7, ChatID: "g7", PushKey: seal("TEAM-KEY")}
	url := "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC"
	answer := teambot.Outgoing{Via: teambot.ViaResponseURL, Target: seal(url), NotAfter: now.Add(time.Second),
		Channel: teambot.ToGroup, TeamID: 7, Markdown: true, Text: "已登记：张三"}
	for _, tc := range []struct {
		name string
		team teambot.Team
		msg  func(m teambot.Outgoing) teambot.Outgoing
		want string
	}{
		{"response_url in time", team, func(m teambot.Outgoing) teambot.Outgoing { return m }, "respond " + url + ":已登记：张三"},
		{"response_url expired, group", team, func(m teambot.Outgoing) teambot.Outgoing { m.NotAfter = now; return m },
			"TEAM-KEY:md:" + LateNote + "已登记：张三"},
		{"response_url expired, single chat", teambot.Team{}, func(m teambot.Outgoing) teambot.Outgoing {
			m.NotAfter, m.Channel, m.TeamID, m.Users = now.Add(-time.Hour), teambot.ToUsers, 0, []string{"zhangsan"}
			return m
		}, "app zhangsan:md:" + LateNote + "已登记：张三"},
		{"robot webhook", teambot.Team{}, func(m teambot.Outgoing) teambot.Outgoing {
			return teambot.Outgoing{Via: teambot.ViaWebhook, Target: seal("CALLBACK-KEY"), Channel: teambot.ToGroup, Text: "已登记：李四", Mentions: []string{"lisi"}}
		}, "CALLBACK-KEY:已登记：李四"},
	} {
		client.texts = nil
		if err := p.Deliver(context.Background(), tc.team, tc.msg(answer)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if len(client.texts) != 1 || client.texts[0] != tc.want {
			t.Errorf("%s: sent %q, want %q", tc.name, client.texts, tc.want)
		}
	}
	if len(slots) != 2 {
		t.Errorf("robot slots taken %v, want one for the expired answer to the group and one for the webhook", slots)
	}
	// A target that does not open (sealed under another secret) is given up.
	var perm *teambot.PermanentError
	bad := answer
	bad.Target = "v1:garbage"
	if err := p.Deliver(context.Background(), team, bad); !errors.As(err, &perm) {
		t.Errorf("an unopenable target: %v, want a permanent error", err)
	}
}
