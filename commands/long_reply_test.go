package commands

import (
	"context"
	"strings"
	"testing"

	"teambot"
)

// R14: a private answer too long for one reply, where no app message can
// carry the rest to the sender alone, is cut and says so — its rest never
// goes to the group.
func TestAPrivateAnswerWithNoWayToFollowIsCut(t *testing.T) {
	r := &Request{Invocation: teambot.Invocation{Message: teambot.Message{ChatID: "g", ChatType: teambot.ChatGroup, ReplyLimit: 120}},
		Team: &teambot.Team{ID: 1}, Engine: &Engine{}}
	got, err := fitReply(context.Background(), r, teambot.Reply{Text: strings.Repeat("只给你看的内容\n", 20), Private: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Text) > 120 || !strings.HasSuffix(got.Text, cutNote) || !got.Private {
		t.Errorf("fitReply = %q (%d bytes, private %v), want it cut within 120 bytes, saying so, still private", got.Text, len(got.Text), got.Private)
	}
}
