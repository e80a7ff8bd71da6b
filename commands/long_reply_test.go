package commands

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"teambot"
)

// cutText never leaves more than n bytes in the head, never cuts a
// character, prefers a line break, and loses nothing.
func TestCutText(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
	}{
		{"短", 10},
		{strings.Repeat("周报内容", 40), 50},
		{strings.Repeat("第一行内容\n", 20), 40},
		{"a\n" + strings.Repeat("长", 30), 31}, // the only break is too early: cut a character
	} {
		head, rest := cutText(tc.text, tc.n)
		if len(head) > tc.n || !utf8.ValidString(head) || !utf8.ValidString(rest) {
			t.Errorf("cutText(%q, %d) = %q, %q", tc.text, tc.n, head, rest)
		}
		if whole := head + rest; whole != tc.text && head+"\n"+rest != tc.text {
			t.Errorf("cutText(%q, %d) lost text: %q + %q", tc.text, tc.n, head, rest)
		}
		if strings.Count(tc.text, "\n") > 2 && rest != "" && !strings.HasSuffix(head, "内容") {
			t.Errorf("cutText(%q, %d) did not cut at a line: %q", tc.text, tc.n, head)
		}
	}
}

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
