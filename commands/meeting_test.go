package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/meeting"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// meetingTeam is five people: 王芳 supervises; 张三, 李四, 王五 and 赵六.
func meetingTeam(t *testing.T, db *storage.DB) (*chat, *time.Time) {
	t.Helper()
	c, clock := clockChat(t, db)
	reportTeam(c)
	admit(c, "wangwu", "王五 技术")
	admit(c, "zhaoliu", "赵六 推广")
	return c, clock
}

// proposals is every warning proposal of the chat's team.
func (c *chat) proposals() []teambot.MeetingProposal {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.MeetingProposal, error) {
		return tx.MeetingProposals(ctx, team.ID)
	})
}

func proposalSummary(ps []teambot.MeetingProposal) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.Name+" "+p.FirstAt.In(shanghai).Format("01-02")+","+
			p.SecondAt.In(shanghai).Format("01-02")+" "+p.Status)
	}
	return strings.Join(parts, "; ")
}

// A month of weekly meetings: approved leave excuses, a cancelled meeting
// neither breaks nor extends a streak, the second unexcused absence in a
// row proposes exactly one warning (shown in a single chat only), and an
// approved dispute excuses the absence and dismisses the proposal.
func TestMeetingMonth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("zhangsan", "/会议", "还没有安排会议")
		c.expect("zhangsan", "/会议 设置 周一 10:00", "设置每周例会只有主管可以操作", "现任主管：王芳")
		c.expect("wangfang", "/会议 设置 周八 10:00", "看不懂例会时间")
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00", "下次会议：11月30日（周一）10:00")
		c.expect("wangfang", "/会议 议程 复盘双十一；各模块先交周报", "已更新 11月30日（周一）10:00 会议的议程")
		c.expect("lisi", "/会议 下次", "下次会议：11月30日（周一）10:00–11:00（每周例会）", "议程：复盘双十一", "签到：09:45 到 11:00", "10:10 以后算迟到")
		c.expect("wangwu", "/请假 11月30日 回老家", "已提交请假申请 #1")
		c.expect("wangfang", "/请假 批准 1", "已批准 王五 的请假 #1")

		// Monday 11-30: 张三 on time, 李四 late, 王五 on leave, 赵六 absent.
		*clock = at(2026, 11, 30, 9, 40)
		c.expect("zhangsan", "/签到", "现在还不能签到", "11月30日（周一）09:45 到 11:00")
		*clock = at(2026, 11, 30, 9, 50)
		c.expect("zhangsan", "/签到", "张三 已签到：11月30日（周一）10:00 的会议。")
		c.expect("zhangsan", "/checkin", "你已经在 09:50 签到了（出席）")
		*clock = at(2026, 11, 30, 10, 15)
		c.expect("lisi", "/签到", "迟到 15 分钟")
		*clock = at(2026, 11, 30, 10, 55)
		r := c.expect("wangfang", "/会议 结束", "11月30日（周一）10:00 的会议已结束", "出席 2 人：王芳、张三", "迟到 1 人：李四", "请假 1 人：王五", "缺席 1 人：赵六")
		if strings.Contains(r, "缺勤提醒") {
			t.Errorf("first absence proposes something:\n%s", r)
		}
		c.expect("wangfang", "/会议 结束", "11月30日（周一）10:00 的会议已在 11月30日（周一）10:55 结束", "12月2日（周三）11:00 前用 /会议 点名")
		*clock = at(2026, 11, 30, 11, 30)
		c.expect("zhaoliu", "/签到", "现在还不能签到", "12月7日（周一）09:45 到 11:00")

		// Monday 12-7 is cancelled: it never counts.
		*clock = at(2026, 12, 7, 9, 0)
		c.expect("zhangsan", "/会议 取消 团建", "取消会议只有主管可以操作")
		c.expect("wangfang", "/会议 取消", "请写上取消的原因")
		c.expect("wangfang", "/会议 取消 团建改期", "已取消 12月7日（周一）10:00 的会议，原因：团建改期。这次会议不计出勤。")
		c.expect("zhangsan", "/会议", "下次会议：12月14日（周一）10:00")

		// Monday 12-14: 王五 and 赵六 absent. 赵六's second absence in a row
		// (the cancelled meeting between does not break it) is proposed;
		// 王五's leave excused the one before, so his is not.
		*clock = at(2026, 12, 14, 10, 5)
		c.expect("zhangsan", "/签到", "已签到")
		c.expect("wangfang", "/会议 点名 @李四 @张三", "李四 记为出席", "已有记录，未改：张三（出席）")
		*clock = at(2026, 12, 14, 11, 0)
		r = c.expect("wangfang", "/会议 结束", "缺席 2 人：王五、赵六", "主管请在单聊中查看缺勤提醒")
		if strings.Contains(r, "连续") || strings.Contains(r, "建议警告") {
			t.Errorf("the group summary shows the proposal:\n%s", r)
		}
		if got, want := proposalSummary(c.proposals()), "赵六 11-30,12-14 proposed"; got != want {
			t.Errorf("proposals %q, want %q", got, want)
		}
		c.expect("wangfang", "/会议 建议", "只在单聊中查看")
		reply := single(c, "wangfang", "/会议 建议")
		if !reply.Private || !strings.Contains(reply.Text, "赵六 连续两次会议无故缺席（11月30日（周一）、12月14日（周一））") {
			t.Errorf("single-chat proposals: %+v", reply)
		}
		c.expect("zhangsan", "/会议 记录 @赵六", "只能查看自己的出勤记录")

		// 赵六 disputes in time; 王五 too late.
		*clock = at(2026, 12, 15, 9, 0)
		c.expect("zhaoliu", "/会议 申诉 12月14日", "请写上申诉理由")
		c.expect("zhaoliu", "/会议 申诉 12月7日 那天有事", "没有你缺席的已结束会议")
		c.expect("zhangsan", "/会议 申诉 12月14日 我来了", "记为出席，不是缺席")
		c.expect("zhaoliu", "/会议 申诉 12月14日 那天发烧在医院，有病历", "已提交申诉 #1：12月14日（周一）10:00 会议的缺席", "等待主管 王芳 处理")
		c.expect("zhaoliu", "/会议 申诉 12月14日 再说一次", "已经申诉过")
		c.expect("zhaoliu", "/会议 申诉 批准 1", "批准申诉只有主管可以操作")
		*clock = at(2026, 12, 16, 11, 1)
		c.expect("wangwu", "/会议 申诉 12月14日 忘了", "48 小时内", "12月16日（周三）11:00")
		c.expect("wangfang", "/会议 申诉 批准 1", "已批准 赵六 的申诉 #1：12月14日（周一）10:00 的会议改记为请假")
		c.expect("wangfang", "/会议 申诉 驳回 1", "申诉 #1 已在 12月16日（周三）11:01 批准，不能再改。")
		if got, want := proposalSummary(c.proposals()), "赵六 11-30,12-14 dismissed"; got != want {
			t.Errorf("after the dispute: proposals %q, want %q", got, want)
		}
		if reply := single(c, "wangfang", "/会议 建议"); reply.Text != "没有待处理的缺勤提醒。" {
			t.Errorf("after the dispute: %q", reply.Text)
		}

		// Monday 12-21: 王五 misses again (two in a row: one proposal); 赵六
		// misses once after an excused one (none). Closed in a single chat,
		// the reply carries the proposal.
		*clock = at(2026, 12, 21, 10, 0)
		c.expect("zhangsan", "/签到", "已签到")
		c.expect("lisi", "/签到", "已签到")
		*clock = at(2026, 12, 21, 11, 0)
		reply = single(c, "wangfang", "/会议 结束")
		for _, want := range []string{"缺席 2 人：王五、赵六", "缺勤提醒 #2：王五 连续两次会议无故缺席（12月14日（周一）、12月21日（周一））", "/惩处 确认 2"} {
			if !strings.Contains(reply.Text, want) {
				t.Errorf("single-chat close:\n%s\nwant %q", reply.Text, want)
			}
		}
		if got, want := proposalSummary(c.proposals()), "赵六 11-30,12-14 dismissed; 王五 12-14,12-21 proposed"; got != want {
			t.Errorf("proposals %q, want %q", got, want)
		}

		reply = single(c, "zhaoliu", "/会议 记录")
		for _, want := range []string{"你最近 3 次会议的出勤", "12月21日（周一）10:00 缺席", "12月14日（周一）10:00 请假（申诉 #1 已批准）", "11月30日（周一）10:00 缺席", "合计：出席 0，迟到 0，请假 1，缺席 2"} {
			if !strings.Contains(reply.Text, want) || !reply.Private {
				t.Errorf("history:\n%s\nwant %q (private)", reply.Text, want)
			}
		}
		if r := c.send(msgFrom(c, "wangfang", "/会议 记录 @李四")); !r.Private || !strings.Contains(r.Text, "迟到（10:15 签到）") {
			t.Errorf("supervisor sees 李四's history: %+v", r)
		}

		var actions []string
		for _, e := range c.audit() {
			if strings.HasPrefix(e.Action, "meeting.") {
				actions = append(actions, e.Action)
			}
		}
		got := strings.Join(actions, " ")
		for _, want := range []string{"meeting.schedule", "meeting.create", "meeting.agenda", "meeting.checkin", "meeting.roll", "meeting.close", "meeting.cancel", "meeting.propose", "meeting.dispute", "meeting.dispute.approve"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit %s\nlacks %s", got, want)
			}
		}
	})
}

// An ad-hoc meeting: 会议 通知 sets date, time and agenda; it cannot be in
// the past or at the time of another meeting.
func TestCallMeeting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("wangfang", "/会议 通知 明天 15:00", "请写上议程")
		c.expect("wangfang", "/会议 通知 明天 25:00 分工", "看不懂开会时间")
		c.expect("wangfang", "/会议 通知 后天 9点5 早会", "已安排会议 #1：11月27日（周五）09:05–10:05")
		c.expect("wangfang", "/会议 通知 今天 9:00 分工", "已经过去了")
		c.expect("wangfang", "/会议 通知 明天下午 3点 双十二活动分工", "已安排会议 #2：11月26日（周四）15:00–16:00，议程：双十二活动分工")
		c.expect("wangfang", "/会议 通知 11月26日 15:00 又一个", "已经有一个会议了")
		c.expect("zhangsan", "/会议", "下次会议：11月26日（周四）15:00–16:00（临时会议）", "议程：双十二活动分工", "本团队没有每周例会")
		*clock = at(2026, 11, 26, 14, 59)
		c.expect("wangfang", "/会议 结束", "会议还没开始")
		*clock = at(2026, 11, 26, 15, 30)
		c.expect("zhangsan", "/签到", "迟到 30 分钟")
		c.expect("wangfang", "/会议 结束", "出席 1 人：王芳", "迟到 1 人：张三", "缺席 3 人：李四、王五、赵六")
	})
}

// Half-day leave excuses a meeting only when it covers the half the
// meeting starts in.
func TestMeetingHalfDayLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := meetingTeam(t, db)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		c.expect("zhangsan", "/请假 11月30日 上午 看牙医", "#1")
		c.expect("lisi", "/请假 11月30日 下午 接孩子", "#2")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("wangfang", "/请假 批准 2", "已批准")
		*clock = at(2026, 11, 30, 11, 0)
		c.expect("wangfang", "/会议 结束", "请假 1 人：张三", "缺席 3 人：李四、王五、赵六")
	})
}

// R8 and the work calendar: a weekly meeting that falls on a holiday moves
// to the same time on the next workday of its week (National Day 2026:
// Monday 10-05 becomes Thursday 10-08), and its reminders follow it.
func TestWeeklyMeetingMovesOffHolidays(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		clock := time.Date(2026, 10, 2, 4, 0, 0, 0, time.UTC) // 12:00 in Shanghai, a holiday Friday
		e, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return clock },
			Admins: []string{"boss"}, TimeZone: "Asia/Shanghai"})
		if err != nil {
			t.Fatal(err)
		}
		c.engine = e
		c.expect("wangfang", "/会议 设置 周一 10:00", "下次会议：10月8日（周四）10:00")
		c.expect("zhangsan", "/会议", "10月8日（周四）10:00")
		firings, err := (meeting.Jobs{Engine: e}).ReminderFirings(context.Background(), time.Date(2026, 10, 8, 1, 35, 0, 0, time.UTC)) // 09:35 on 10-08
		if err != nil {
			t.Fatal(err)
		}
		if len(firings) != 1 || !firings[0].Subject.Equal(time.Date(2026, 10, 8, 2, 0, 0, 0, time.UTC)) {
			t.Errorf("firings at 09:35 on the moved day: %+v, want the 30-minute reminder of 10:00", firings)
		}
	})
}
