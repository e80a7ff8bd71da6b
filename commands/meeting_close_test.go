package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"teambot"
	"teambot/commands/meeting"
	"teambot/scheduler"
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
// Supervisor gets each proposal itself privately — who, which meetings and
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

// closeReplica is one replica's self-closing of meetings, as serve wires it.
func closeReplica(c *chat) *scheduler.Oneoffs {
	return &scheduler.Oneoffs{
		Store: scheduler.StoreOf(c.db.Update), Due: meeting.Jobs{Engine: c.engine}.CloseFirings,
		Act: func(ctx context.Context, tx scheduler.Tx, f teambot.Firing) ([]teambot.Outgoing, error) {
			return meeting.Jobs{Engine: c.engine}.CloseEnded(ctx, tx.(*storage.Tx), f)
		},
	}
}

// tickClose runs two replicas of c's self-closing at the same instant and
// returns what the outbox then holds.
func tickClose(c *chat, clock *time.Time, t time.Time) []teambot.Outgoing {
	c.t.Helper()
	*clock = t
	var wg sync.WaitGroup
	for range 2 {
		r := closeReplica(c)
		wg.Go(func() {
			if err := r.Run(context.Background(), t); err != nil {
				c.t.Errorf("close tick at %v: %v", t, err)
			}
		})
	}
	wg.Wait()
	return c.outbox(t)
}

// R12 needs attendance to count without anyone typing /会议 结束: a
// meeting closes itself at its end with the attendance recorded so far,
// once across replicas, also a weekly occurrence nobody touched; the
// Supervisor gets the summary privately (app message, else an @mention in
// the group); 点名 and 申诉 still correct it for 48 hours after the close,
// then refuse with the reason.
func TestMeetingClosesItselfAtItsEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		group, c, clock := meetingTeamDM(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		if out := tickClose(c, clock, at(2026, 11, 25, 12, 0)); len(out) != 0 {
			t.Errorf("the Monday before the schedule was set closed itself: %+v", out)
		}

		// 11-30: 赵六 and 王五 absent; nobody closes the meeting.
		*clock = at(2026, 11, 30, 10, 0)
		for _, who := range []string{"wangfang", "zhangsan", "lisi"} {
			c.expect(who, "/签到", "已签到")
		}
		if out := tickClose(c, clock, at(2026, 11, 30, 10, 59)); len(out) != 0 {
			t.Errorf("closed before its end: %+v", out)
		}
		out := tickClose(c, clock, at(2026, 11, 30, 11, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToUsers || strings.Join(out[0].Users, ",") != "wangfang" {
			t.Fatalf("at the end: want one private message to the supervisor, got %+v", out)
		}
		for _, want := range []string{"11月30日（周一）10:00 的会议已结束", "出席 3 人：王芳、张三、李四", "缺席 2 人：王五、赵六", "/会议 点名"} {
			if !strings.Contains(out[0].Text, want) {
				t.Errorf("summary lacks %q:\n%s", want, out[0].Text)
			}
		}
		if out := tickClose(c, clock, at(2026, 11, 30, 11, 1)); len(out) != 0 {
			t.Errorf("closed twice: %+v", out)
		}
		c.expect("wangfang", "/会议 结束", "11月30日（周一）10:00 的会议已在 11月30日（周一）11:00 结束", "/会议 点名 @名字")
		c.expect("zhaoliu", "/会议 记录", "11月30日（周一）10:00 缺席")

		// 12-7: 赵六's second absence in a row: the proposal reaches the
		// Supervisor with the summary. 李四 is absent too.
		*clock = at(2026, 12, 7, 10, 0)
		for _, who := range []string{"wangfang", "zhangsan", "wangwu"} {
			c.expect(who, "/签到", "已签到")
		}
		out = tickClose(c, clock, at(2026, 12, 7, 11, 0))
		if dm := privateTo(out, "wangfang"); !strings.Contains(dm, "缺席 2 人：李四、赵六") || !strings.Contains(dm, "赵六 连续两次会议无故缺席") {
			t.Errorf("12-07 close: %+v", out)
		}

		// Within 48 hours of the close the supervisor corrects it and a
		// Member disputes; the proposal built on the corrected absence goes.
		*clock = at(2026, 12, 9, 10, 0)
		c.expect("wangfang", "/会议 点名 @赵六 @张三", "12月7日（周一）10:00 的会议", "赵六 改记为出席", "已有记录，未改：张三（出席）")
		if got, want := proposalSummary(c.proposals()), "赵六 11-30,12-07 dismissed"; got != want {
			t.Errorf("after the correction: proposals %q, want %q", got, want)
		}
		c.expect("lisi", "/会议 申诉 12月7日 那天在外地拍摄", "已提交申诉 #1")
		*clock = at(2026, 12, 9, 11, 1)
		c.expect("wangfang", "/会议 点名 @李四", "48 小时", "12月9日（周三）11:00", "/会议 申诉")
		c.expect("wangwu", "/会议 申诉 11月30日 忘了", "48 小时")

		// 12-14, a weekly occurrence nobody touched, without app messages:
		// it closes all the same; the supervisor is @mentioned in the group.
		*clock = at(2026, 12, 14, 11, 0)
		out = tickClose(group, clock, at(2026, 12, 14, 11, 0))
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || strings.Join(out[0].Mentions, ",") != "wangfang" ||
			!strings.Contains(out[0].Text, "12月14日（周一）10:00 的会议已结束") || !strings.Contains(out[0].Text, "缺席 5 人") {
			t.Errorf("12-14 close without app messages: %+v", out)
		}
		if strings.Contains(out[0].Text, "连续") {
			t.Errorf("the group sees a proposal:\n%s", out[0].Text)
		}
	})
}

// A dispute's decision reaches the member privately, the rejection's
// reason too (R14), and a decision already made is refused in plain
// words: "申诉 #1 已在 … 批准，不能再改".
func TestDisputeDecisionReachesTheMember(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		group, c, clock := meetingTeamDM(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		*clock = at(2026, 11, 30, 10, 0)
		c.expect("wangfang", "/签到", "已签到")
		*clock = at(2026, 11, 30, 11, 0)
		c.expect("wangfang", "/会议 结束", "缺席 4 人")
		c.outbox(*clock)
		*clock = at(2026, 11, 30, 12, 0)
		c.expect("zhaoliu", "/会议 申诉 11月30日 那天发烧", "已提交申诉 #1")
		c.expect("lisi", "/会议 申诉 11月30日 路上堵车", "已提交申诉 #2")
		c.expect("wangwu", "/会议 申诉 11月30日 忘了", "已提交申诉 #3")

		r := c.send(msgFrom(c, "wangfang", "/会议 申诉 批准 1"))
		if !strings.Contains(r.Text, "已批准 赵六 的申诉 #1：11月30日（周一）10:00 的会议改记为请假") || !strings.Contains(r.Text, "已私信通知 赵六") {
			t.Errorf("approve reply: %+v", r)
		}
		r = c.send(msgFrom(c, "wangfang", "/会议 申诉 驳回 2 当天没有请假"))
		if !strings.Contains(r.Text, "已驳回 李四 的申诉 #2：11月30日（周一）10:00 的会议仍记为缺席") || strings.Contains(r.Text, "当天没有请假") {
			t.Errorf("reject reply (the group must not see the reason): %+v", r)
		}
		out := c.outbox(*clock)
		if dm := privateTo(out, "zhaoliu"); !strings.Contains(dm, "你对 11月30日（周一）10:00 会议缺席的申诉 #1 已被主管批准") || !strings.Contains(dm, "改记为请假") {
			t.Errorf("赵六's message: %q (outbox %+v)", dm, out)
		}
		if dm := privateTo(out, "lisi"); !strings.Contains(dm, "申诉 #2 已被主管驳回") || !strings.Contains(dm, "理由：当天没有请假") {
			t.Errorf("李四's message: %q (outbox %+v)", dm, out)
		}
		c.expect("wangfang", "/会议 申诉 驳回 1", "申诉 #1 已在 11月30日（周一）12:00 批准，不能再改。")

		// Without app messages, a decision made in a single chat still
		// reaches the member: an @mention in the group, without the reason.
		if got := single(group, "wangfang", "/会议 申诉 驳回 3 没有理由").Text; !strings.Contains(got, "已在群里提醒 王五") {
			t.Errorf("single-chat reject without app messages: %q", got)
		}
		out = group.outbox(*clock)
		if len(out) != 1 || out[0].Channel != teambot.ToGroup || strings.Join(out[0].Mentions, ",") != "wangwu" ||
			!strings.Contains(out[0].Text, "/会议 申诉 列表") || strings.Contains(out[0].Text, "没有理由") {
			t.Errorf("group notice of the decision: %+v", out)
		}
	})
}
