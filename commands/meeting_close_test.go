package commands_test

import (
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// privateTo is the text of the messages in out sent privately to user.
func privateTo(out []teambot.Outgoing, user string) string {
	var texts []string
	for _, m := range out {
		if m.Channel == teambot.ToUsers && strings.Join(m.Users, ",") == user {
			texts = append(texts, m.Text)
		}
	}
	return strings.Join(texts, "\n")
}

// R12: after a proposal the streak starts again, so no absence is in two
// proposals: four absences in a row make two proposals, not three. The
// supervisor gets each proposal itself privately — who, which meetings and
// the ledger commands that act on it.
func TestMeetingProposalsRestartTheStreak(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		_, c, clock := meetingTeamDM(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		for _, day := range []int{30, 7, 14, 21} {
			month := time.December
			if day == 30 {
				month = time.November
			}
			*clock = at(2026, month, day, 10, 0)
			for _, who := range []string{"zhangsan", "lisi", "wangwu"} {
				c.expect(who, "/签到", "已签到")
			}
			*clock = at(2026, month, day, 11, 0)
			c.expect("wangfang", "/会议 结束", "缺席 1 人：赵六")
			out := c.outbox(*clock)
			dm := privateTo(out, "wangfang")
			switch day {
			case 7, 21:
				for _, want := range []string{"赵六 连续两次会议无故缺席", "建议警告", "/惩处 确认", "/惩处 驳回"} {
					if !strings.Contains(dm, want) {
						t.Errorf("12-%02d: the supervisor's private message lacks %q:\n%s", day, want, dm)
					}
				}
				if strings.Contains(dm, "上线后") {
					t.Errorf("12-%02d: stale text in:\n%s", day, dm)
				}
			default:
				if dm != "" {
					t.Errorf("%d: no proposal expected, the supervisor got:\n%s", day, dm)
				}
			}
		}
		if got, want := proposalSummary(c.proposals()), "赵六 11-30,12-07 proposed; 赵六 12-14,12-21 proposed"; got != want {
			t.Errorf("proposals %q, want %q", got, want)
		}
		reply := single(c, "wangfang", "/会议 建议")
		if strings.Contains(reply.Text, "上线后") || !strings.Contains(reply.Text, "/惩处 确认 1") {
			t.Errorf("single-chat proposals:\n%s", reply.Text)
		}
	})
}
