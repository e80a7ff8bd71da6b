package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// A group robot's answer carries 2 048 bytes (Message.ReplyLimit): a week's
// report viewed in the group is cut at a line, says the rest follows, and
// the rest is queued for the group in the command's transaction — nothing
// lost; with no limit (the console) it is shown whole.
func TestALongAnswerIsCutAndTheRestFollows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		var lines []string
		for i := range 60 {
			lines = append(lines, fmt.Sprintf("第%d项：完成公众号推文一篇，阅读过千。", i+1))
		}
		c.expect("zhangsan", "/周报 "+strings.Join(lines, "\n"), "已提交")
		c.outbox(now)
		view := teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/周报 查看", ReplyLimit: 2048}
		got := c.send(view)
		const more = "\n（未完，其余内容随后发出）"
		if len(got.Text) > 2048 || !strings.HasSuffix(got.Text, more) {
			t.Fatalf("a %d-byte answer, want at most 2048 ending in %q:\n%s", len(got.Text), more, got.Text)
		}
		var rest []string
		for _, m := range c.outbox(now) {
			if m.Channel != teambot.ToGroup {
				t.Errorf("the rest went to %s %v, want the group", m.Channel, m.Users)
			}
			rest = append(rest, m.Text)
		}
		whole := strings.TrimSuffix(got.Text, more) + "\n" + strings.Join(rest, "\n")
		for _, l := range lines {
			if !strings.Contains(whole, l) {
				t.Errorf("line %q lost between the answer and the rest", l)
			}
		}
		view.ReplyLimit = 0
		if got := c.send(view); !strings.Contains(got.Text, lines[0]) || !strings.Contains(got.Text, lines[59]) || strings.Contains(got.Text, "未完") {
			t.Errorf("with no limit the answer is cut: %q", got.Text)
		}
	})
}
