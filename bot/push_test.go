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
func (c *recordingClient) SendApp(context.Context, []string, string) error         { return nil }
func (c *recordingClient) SendAppMarkdown(context.Context, []string, string) error { return nil }

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
