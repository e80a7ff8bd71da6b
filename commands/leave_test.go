package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

var pendingJob = builtJob("leave_pending")

// leaveTeam is reportTeam (王芳 supervises, 张三 and 李四 report) on a
// clock the test moves, starting at now (Wednesday 2026-11-25 10:00), and
// the same chat on an engine that may send direct messages.
func leaveTeam(t *testing.T, db *storage.DB) (c, dm *chat, clock *time.Time) {
	t.Helper()
	c, clock = clockChat(t, db)
	reportTeam(c)
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return *clock },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"}, DirectMessages: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := *c
	d.engine = e
	return c, &d, clock
}

// leaves is every leave request of the chat's team, by first day.
func (c *chat) leaves() []teambot.Leave {
	c.t.Helper()
	return teamRead(c, func(ctx context.Context, tx *storage.Tx, team teambot.Team) ([]teambot.Leave, error) {
		return tx.Leaves(ctx, teambot.LeaveFilter{TeamID: team.ID})
	})
}

// leave is the request with the given id.
func (c *chat) leave(id int64) teambot.Leave {
	c.t.Helper()
	return withID(c, c.leaves(), id, "leave", func(l teambot.Leave) int64 { return l.ID })
}

// leaveAudit is the team's leave.* audit rows as "action target detail".
func (c *chat) leaveAudit() []string {
	var out []string
	for _, e := range c.audit() {
		if strings.HasPrefix(e.Action, "leave.") {
			out = append(out, e.Action+" "+e.Target+" "+e.Detail)
		}
	}
	return out
}

func single(c *chat, user, text string) teambot.Reply {
	return c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: user, Text: text})
}

// A request echoes its absolute dates and id, is stored pending with the
// reason as written, notifies the supervisor by @mention, and is audited
// without its reason.
func TestRequestLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		r := c.send(msgFrom(c, "zhangsan", "/请假 下周一到下周三\u3000回老家办事，周四回来"))
		if want := "已提交请假申请 #1：11月30日（周一）至 12月2日（周三），共 3 天，理由：回老家办事，周四回来。等待主管 王芳 批准"; !strings.Contains(r.Text, want) {
			t.Errorf("reply %q\nwant it to contain %q", r.Text, want)
		}
		if fmt.Sprint(r.Mentions) != "[wangfang]" || r.Private {
			t.Errorf("reply mentions %v, private %v; want the supervisor mentioned in the group", r.Mentions, r.Private)
		}
		got := c.leave(1)
		want := teambot.Leave{ID: 1, TeamID: got.TeamID, MemberID: got.MemberID, UserID: "zhangsan", Name: "张三",
			From: teambot.Date{Year: 2026, Month: 11, Day: 30}, To: teambot.Date{Year: 2026, Month: 12, Day: 2},
			Reason: "回老家办事，周四回来", Status: teambot.LeavePending, CreatedAt: now}
		if got != want {
			t.Errorf("stored\n %+v\nwant\n %+v", got, want)
		}

		c.expect("zhangsan", "/请假 12月7日 下午 看牙医", "已提交请假申请 #2：12月7日（周一）下午，理由：看牙医。")
		c.expect("zhangsan", "/请假 12-7 上午：陪家人", "已提交请假申请 #3：12月7日（周一）上午，理由：陪家人。")
		c.expect("zhangsan", "/请假 今天 家里有事", "#4：11月25日（周三），理由：家里有事")
		if l := c.leave(2); l.Half != teambot.HalfAfternoon || l.From != l.To {
			t.Errorf("half day stored as %+v", l)
		}
		// The supervisor asks too, and approves their own request later.
		c.expect("wangfang", "/请假 周五 参加行业会议", "#5：11月27日（周五）", "你是主管，发送 /请假 批准 5 记下批准。")

		if got := strings.Join(c.leaveAudit(), "\n"); got != strings.Join([]string{
			"leave.request zhangsan #1 2026-11-30 至 2026-12-02",
			"leave.request zhangsan #2 2026-12-07 下午",
			"leave.request zhangsan #3 2026-12-07 上午",
			"leave.request zhangsan #4 2026-11-25",
			"leave.request wangfang #5 2026-11-27",
		}, "\n") {
			t.Errorf("audit:\n%s", got)
		}
		for _, e := range c.audit() {
			if strings.Contains(e.Detail, "老家") || strings.Contains(e.Detail, "牙") {
				t.Errorf("the audit holds a reason: %+v", e)
			}
		}
	})
}

// Every refusal of a request, and nothing stored for any of them.
func TestRequestLeaveRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 12月3日到12月5日 回老家", "#1")
		for _, tc := range []struct{ user, text, want string }{
			{"stranger", "/请假 明天 有事", "/请假 只有团队成员可以使用"},
			{"zhangsan", "/请假", "请写上请假的日期和理由。用法：/请假 日期[到日期] [上午|下午] 理由"},
			{"zhangsan", "/请假 明天", "请写上请假理由"},
			{"zhangsan", "/请假 明天上午", "请写上请假理由"},
			{"zhangsan", "/请假 身体不舒服", "看不懂日期「身体不舒服」"},
			{"zhangsan", "/请假 2月30日 有事", "2月没有30日"},
			{"zhangsan", "/请假 周八 有事", "没有「周八」"},
			{"zhangsan", "/请假 昨天 发烧", "11月24日（周二）已经过去了，不能补请假（今天是 11月25日（周三））"},
			{"zhangsan", "/请假 上周五到下周一 补假", "11月20日（周五）已经过去了，不能补请假"},
			{"zhangsan", "/请假 12月1日到1月15日 长假", "一次最多 31 天"},
			{"zhangsan", "/请假 12/4 补休", "和你已有的请假冲突：#1 12月3日（周四）至 12月5日（周六），共 2 天（只算工作日，不含休息日 1 天）（待批）"},
			{"zhangsan", "/请假 12月5日到12月8日 出差", "冲突：#1"},
			{"zhangsan", "/请假 12月4日 上午 看病", "冲突：#1"},
			{"zhangsan", "/请假 12月5日 上午 看病", "12月5日（周六）是休息日，不用请假"},
			{"zhangsan", "/请假 明天 密码：Abc12345 忘了", "像是写了密码，没有保存"},
			{"zhangsan", "/请假 明天 " + strings.Repeat("很", 201), "理由最多 200 字，这条有 201 字"},
			{"zhangsan", "/请假 会议 出差", "现在没有安排中的会议"},
			{"zhangsan", "/请假 meeting", "现在没有安排中的会议"},
		} {
			c.expect(tc.user, tc.text, tc.want)
		}
		if n := len(c.leaves()); n != 1 {
			t.Errorf("%d requests stored, want only the first", n)
		}
		// A morning and an afternoon of one day are two requests; a
		// rejected or cancelled request frees its days.
		c.expect("zhangsan", "/请假 明天上午 看病", "#2")
		c.expect("zhangsan", "/请假 明天下午 取药", "#3")
		c.expect("zhangsan", "/请假 明天 休息", "冲突：#2 11月26日（周四）上午（待批）")
		c.expect("wangfang", "/请假 驳回 1 那几天要上线", "已驳回")
		c.expect("zhangsan", "/请假 取消 2", "已取消")
		c.expect("zhangsan", "/请假 12月4日 回老家", "#4")
		c.expect("zhangsan", "/请假 明天上午 看病", "#5")
		// Another member's days are theirs.
		c.expect("lisi", "/请假 12月4日 也有事", "#6")
	})
}

// A team without a supervisor still takes requests, and says who will
// decide them.
func TestRequestLeaveWithoutSupervisor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("zhangsan", "/加入 张三 文案", "已登记")
		r := c.send(msgFrom(c, "zhangsan", "/请假 明天 有事"))
		if !strings.Contains(r.Text, "团队还没有主管，指定主管后由主管批准。") || len(r.Mentions) != 0 {
			t.Errorf("reply %+v", r)
		}
	})
}

// pending → approved and pending → rejected, by the supervisor only, once;
// the member is @mentioned in the group, which never sees the reason.
func TestDecideLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 12月3日到12月5日 回老家", "#1")
		c.expect("lisi", "/请假 下周一 搬家", "#2")
		c.expect("lisi", "/请假 下周二 上午 办证件", "#3")

		c.expect("lisi", "/请假 批准 1", "批准请假只有主管可以操作（现任主管：王芳）")
		c.expect("zhangsan", "/请假 驳回 2 不行", "驳回请假只有主管可以操作")
		c.expect("wangfang", "/请假 批准", "请写上请假申请的编号，例如 /请假 批准 3")
		c.expect("wangfang", "/请假 批准 三", "「三」不是请假申请的编号")
		c.expect("wangfang", "/请假 批准 0", "「0」不是请假申请的编号")
		c.expect("wangfang", "/请假 批准 42", "没有编号 #42 的请假申请")
		c.expect("wangfang", "/请假 驳回 2", "驳回要写理由，例如 /请假 驳回 2 ")

		*clock = now.Add(time.Hour)
		r := c.send(msgFrom(c, "wangfang", "/请假 批准 #1"))
		if r.Text != "已批准 张三 的请假 #1：12月3日（周四）至 12月5日（周六），共 2 天（只算工作日，不含休息日 1 天）。" || fmt.Sprint(r.Mentions) != "[zhangsan]" || r.Private {
			t.Errorf("approve: %+v", r)
		}
		if l := c.leave(1); l.Status != teambot.LeaveApproved || l.DecidedBy != "wangfang" || !l.DecidedAt.Equal(now.Add(time.Hour)) {
			t.Errorf("approved: %+v", l)
		}

		r = c.send(msgFrom(c, "wangfang", "/请假 驳回 2 周一要拍新品，请换一天"))
		if !strings.Contains(r.Text, "已驳回 李四 的请假 #2：11月30日（周一）。驳回理由已记下，不在群里显示") ||
			strings.Contains(r.Text, "拍新品") || fmt.Sprint(r.Mentions) != "[lisi]" || r.Private {
			t.Errorf("reject in the group: %+v", r)
		}
		if l := c.leave(2); l.Status != teambot.LeaveRejected || l.DecisionNote != "周一要拍新品，请换一天" {
			t.Errorf("rejected: %+v", l)
		}

		// A second decision, either way, is refused and names the first.
		c.expect("wangfang", "/请假 驳回 1 改主意了", "请假 #1 已经由 主管 王芳 在 11月25日（周三）11:00 批准了，不能再改")
		c.expect("wangfang", "/请假 批准 2", "请假 #2 已经由 主管 王芳 在 11月25日（周三）11:00 驳回了")
		if l := c.leave(1); l.Status != teambot.LeaveApproved || l.DecisionNote != "" {
			t.Errorf("a refused second decision changed #1: %+v", l)
		}

		// In a single chat the supervisor sees the reason; nobody else is told.
		r = single(c, "wangfang", "/请假 驳回 3 下周二全员培训")
		if !r.Private || !strings.Contains(r.Text, "驳回理由：下周二全员培训。这是私聊，李四 不会收到通知") || len(r.Mentions) != 0 {
			t.Errorf("reject in a single chat: %+v", r)
		}

		// Ids are the team's: another group cannot decide them.
		c.chatID = "group-2"
		c.expect("boss", "/加入 老板", "已登记")
		c.expect("boss", "/主管 @老板", "老板 现在是主管")
		c.expect("boss", "/请假 批准 1", "没有编号 #1 的请假申请")

		c.chatID = "group-1"
		if got := strings.Join(c.leaveAudit(), "\n"); got != strings.Join([]string{
			"leave.request zhangsan #1 2026-12-03 至 2026-12-05",
			"leave.request lisi #2 2026-11-30",
			"leave.request lisi #3 2026-12-01 上午",
			"leave.approve zhangsan #1 2026-12-03 至 2026-12-05",
			"leave.reject lisi #2 2026-11-30",
			"leave.reject lisi #3 2026-12-01 上午",
		}, "\n") {
			t.Errorf("audit:\n%s", got)
		}
		for _, e := range c.audit() {
			if strings.Contains(e.Detail, "拍新品") || strings.Contains(e.Detail, "培训") {
				t.Errorf("the audit holds a rejection's reason: %+v", e)
			}
		}
	})
}

// pending → cancelled and approved → cancelled, by the member, before the
// first day; never someone else's, never twice, never a decided one.
func TestCancelLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 明天 有事", "#1")
		c.expect("zhangsan", "/请假 12月3日 有事", "#2")
		c.expect("zhangsan", "/请假 12月4日 有事", "#3")
		c.expect("zhangsan", "/请假 今天下午 有事", "#4")
		c.expect("wangfang", "/请假 批准 2", "已批准")
		c.expect("wangfang", "/请假 驳回 3 不行", "已驳回")
		c.expect("wangfang", "/请假 批准 4", "已批准")

		c.expect("lisi", "/请假 取消 1", "请假 #1 是 张三 的申请，只有申请人本人可以取消。")
		c.expect("wangfang", "/请假 取消 1", "只有申请人本人可以取消")
		c.expect("zhangsan", "/请假 取消", "请写上请假申请的编号，例如 /请假 取消 3")
		c.expect("zhangsan", "/请假 取消 9", "没有编号 #9 的请假申请")
		c.expect("zhangsan", "/请假 取消 3", "请假 #3 已经由 主管 王芳 在 11月25日（周三）10:00 驳回了")
		c.expect("zhangsan", "/请假 取消 4", "请假 #4 从 11月25日（周三）开始，已经开始了，不能取消。")

		r := c.send(msgFrom(c, "zhangsan", "/请假 取消 1"))
		if r.Text != "已取消请假 #1：11月26日（周四）。" || len(r.Mentions) != 0 {
			t.Errorf("cancel pending: %+v", r)
		}
		r = c.send(msgFrom(c, "zhangsan", "/请假 撤销 2"))
		if !strings.Contains(r.Text, "已取消请假 #2：12月3日（周四）。这条请假原已由主管批准，已告知主管 王芳。") || fmt.Sprint(r.Mentions) != "[wangfang]" {
			t.Errorf("cancel approved: %+v", r)
		}
		c.expect("zhangsan", "/请假 12月9日 有事", "#5")
		c.expect("wangfang", "/请假 批准 5", "已批准")
		if r := single(c, "zhangsan", "/请假 取消 5"); !r.Private || !strings.Contains(r.Text, "这是私聊，主管 王芳 不会收到通知") {
			t.Errorf("cancel approved in a single chat: %+v", r)
		}
		for id, want := range map[int64]string{1: teambot.LeaveCancelled, 2: teambot.LeaveCancelled, 3: teambot.LeaveRejected, 4: teambot.LeaveApproved} {
			if l := c.leave(id); l.Status != want {
				t.Errorf("#%d is %s, want %s", id, l.Status, want)
			}
		}
		if l := c.leave(2); l.DecidedBy != "zhangsan" {
			t.Errorf("cancelled by %q, want the member", l.DecidedBy)
		}
		c.expect("zhangsan", "/请假 取消 1", "请假 #1 已经由 张三 在 11月25日（周三）10:00 取消了")
		c.expect("wangfang", "/请假 批准 1", "请假 #1 已经由 张三 在 11月25日（周三）10:00 取消了")

		// A request that waited past its first day can no longer be withdrawn.
		c.expect("lisi", "/请假 明天 有事", "#6")
		*clock = at(2026, 11, 26, 9, 0)
		c.expect("lisi", "/请假 取消 6", "已经开始了，不能取消")

		audit := strings.Join(c.leaveAudit(), "\n")
		for _, want := range []string{"leave.cancel zhangsan #1 2026-11-26，原待批", "leave.cancel zhangsan #2 2026-12-03，原已批准"} {
			if !strings.Contains(audit, want) {
				t.Errorf("audit lacks %q:\n%s", want, audit)
			}
		}
	})
}

// /请假 列表: private; the supervisor sees everyone's, a member their own;
// from today on (plus whatever still waits), or one week.
func TestListLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("zhangsan", "/请假 明天 看病", "#1")
		c.expect("lisi", "/请假 12月3日到12月4日 回老家", "#2")
		c.expect("zhangsan", "/请假 12月10日 搬家", "#3")
		c.expect("wangfang", "/请假 驳回 2 那周要上线", "已驳回")

		r := c.send(msgFrom(c, "zhangsan", "/请假 列表"))
		if !r.Private || !strings.Contains(r.Text, "你从今天起的请假申请（2 条）：\n#1 11月26日（周四） · 待批 · 理由：看病\n#3 12月10日（周四） · 待批 · 理由：搬家") ||
			strings.Contains(r.Text, "李四") || strings.Contains(r.Text, "老家") {
			t.Errorf("member's list: %+v", r)
		}
		r = c.send(msgFrom(c, "lisi", "/请假 list"))
		if !r.Private || !strings.Contains(r.Text, "#2 12月3日（周四）至 12月4日（周五），共 2 天 · 已驳回 · 理由：回老家 · 驳回理由：那周要上线") {
			t.Errorf("the rejected member sees the reason privately: %+v", r)
		}
		r = c.send(msgFrom(c, "wangfang", "/请假 列表"))
		if !r.Private || !strings.Contains(r.Text, "团队从今天起的请假申请（3 条）：\n#1 张三") || !strings.Contains(r.Text, "#2 李四") {
			t.Errorf("supervisor's list: %+v", r)
		}
		c.expect("wangfang", "/请假 列表 下周", "团队在 2026-W49（11月30日–12月6日）的请假申请（1 条）：\n#2 李四")
		c.expect("wangfang", "/请假 列表 2026-W50", "（1 条）：\n#3 张三 12月10日")
		c.expect("wangfang", "/请假 列表 上周", "2026-W47（11月16日–11月22日）的请假申请：没有。")
		c.expect("wangfang", "/请假 列表 上周 下周", "/请假 列表 后面最多写一个周")
		c.expect("wangfang", "/请假 列表 12月", "看不懂周「12月」")

		// A week later #1 is over but still waits: it is listed first.
		*clock = at(2026, 12, 2, 10, 0)
		c.expect("zhangsan", "/请假 列表", "你从今天起的请假申请（2 条）：\n#1 11月26日（周四） · 待批")
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("zhangsan", "/请假 列表", "你从今天起的请假申请（1 条）：\n#3 ")
	})
}

// /谁请假 is public and shows names only: no reasons, no pending requests,
// nobody removed from the team.
func TestWhoIsOff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("stranger", "/谁请假", "今天 11月25日（周三）没有人请假。")
		c.expect("zhangsan", "/请假 今天 发烧", "#1")
		c.expect("lisi", "/请假 今天下午 接孩子", "#2")
		c.expect("wangfang", "/请假 今天上午 体检", "#3")
		c.expect("stranger", "/谁请假", "没有人请假") // pending is not leave yet
		for _, id := range []string{"1", "2", "3"} {
			c.expect("wangfang", "/请假 批准 "+id, "已批准")
		}
		got := c.say("stranger", "/谁请假")
		if got != "今天 11月25日（周三）请假的有 3 人：王芳（上午）、张三、李四（下午）。" {
			t.Errorf("who is off: %q", got)
		}
		if strings.Contains(got, "发烧") || strings.Contains(got, "接孩子") {
			t.Errorf("reasons shown: %q", got)
		}
		c.expect("zhangsan", "/今天谁请假", "3 人")
		c.expect("wangfang", "/移除 @李四", "")
		c.expect("zhangsan", "/off", "请假的有 2 人：王芳（上午）、张三。")
		*clock = at(2026, 11, 26, 10, 0)
		c.expect("zhangsan", "/谁请假", "今天 11月26日（周四）没有人请假。")
	})
}

// Approved leave for every workday of a week excuses a member from that
// week's report: no nag, and "请假" in status and digest. Partial weeks,
// pending requests and rejected ones excuse nobody.
func TestLeaveExcusesWeeklyReport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, _ := leaveTeam(t, db)
		admit(c, "zhaoliu", "赵六 推广")
		admit(c, "sunqi", "孙七 客服")
		// Week 49, 11月30日–12月6日: 张三 Monday to Friday; 李四 Monday to
		// Wednesday plus Thursday and the two halves of Friday; 赵六 Monday
		// to Thursday only; 孙七 the whole week, but still pending.
		for _, line := range []string{
			"zhangsan /请假 下周一到下周五 出国", "lisi /请假 下周一到下周三 培训", "lisi /请假 下周四 培训",
			"lisi /请假 下周五 上午 培训", "lisi /请假 下周五 下午 培训", "zhaoliu /请假 下周一到下周四 出差",
			"sunqi /请假 下周一到下周日 休假",
		} {
			user, text, _ := strings.Cut(line, " ")
			c.expect(user, text, "已提交请假申请")
		}
		for id := 1; id <= 6; id++ {
			c.expect("wangfang", fmt.Sprintf("/请假 批准 %d", id), "已批准")
		}
		c.expect("zhangsan", "/周报 状态 2026-W49", "应交 2 人，已交 0 人，请假免交 2 人", "未交（2）：赵六、孙七", "请假（2）：张三（请假）、李四（请假）")
		nag := c.fire(nagJob, at(2026, 12, 4, 15, 0))
		if len(nag) != 1 || strings.Join(nag[0].Mentions, ",") != "zhaoliu,sunqi" {
			t.Errorf("nag = %+v, want only 赵六 and 孙七 mentioned", nag)
		}
		digest := dm.fire(digestApp, at(2026, 12, 7, 9, 30))
		if len(digest) != 1 || !strings.Contains(digest[0].Text, "请假：张三（请假）、李四（请假）") {
			t.Errorf("digest = %+v", digest)
		}
		// The week before and after are ordinary weeks for them.
		c.expect("zhangsan", "/周报 状态 2026-W50", "未交（4）：张三、李四、赵六、孙七")

		// A week whose Friday is a holiday (元旦, 2027-01-01) needs only
		// Monday to Thursday; a day the team takes off needs none either.
		c.expect("zhangsan", "/请假 12月28日到12月31日 回老家", "#8")
		c.expect("lisi", "/请假 12月21日到12月24日 回老家", "#9")
		c.expect("wangfang", "/请假 批准 8", "已批准")
		c.expect("wangfang", "/请假 批准 9", "已批准")
		c.expect("wangfang", "/周报 状态 2026-W53", "请假（1）：张三（请假）")
		c.expect("wangfang", "/周报 状态 2026-W52", "未交（4）：张三、李四、赵六、孙七")
		c.expect("wangfang", "/假期 添加 2026-12-25 休息 年终团建", "已记下")
		c.expect("wangfang", "/周报 状态 2026-W52", "未交（3）：张三、赵六、孙七", "请假（1）：李四（请假）")

		// A cancelled request excuses nobody any more.
		c.expect("zhangsan", "/请假 取消 8", "已取消")
		c.expect("wangfang", "/周报 状态 2026-W53", "未交（4）")
	})
}

// 待审批: the supervisor hears of waiting requests — privately with days
// and reasons, or in the group with counts and names only — and nothing
// when none waits. The texts are reviewed in testdata/leave_jobs.golden.
func TestLeavePendingReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		var b strings.Builder
		b.WriteString(render("待审批 Thursday 2026-11-26 10:00, nothing waits", c.fire(pendingJob, at(2026, 11, 26, 10, 0))))

		c.expect("zhangsan", "/请假 明天 上午 看牙医", "#1")
		c.expect("zhangsan", "/请假 12月3日到12月5日 回老家办事", "#2")
		c.expect("lisi", "/请假 12月7日 搬家", "#3")
		c.expect("lisi", "/请假 12月8日 办证件", "#4")
		c.expect("wangfang", "/请假 批准 4", "已批准")

		*clock = at(2026, 11, 26, 9, 0)
		group := c.fire(pendingJob, at(2026, 11, 26, 10, 0))
		b.WriteString(render("待审批 Thursday 2026-11-26 10:00, group only", group))
		if len(group) != 1 || group[0].Channel != teambot.ToGroup || fmt.Sprint(group[0].Mentions) != "[wangfang]" {
			t.Errorf("group reminder = %+v", group)
		}
		for _, m := range group {
			if strings.Contains(m.Text, "牙") || strings.Contains(m.Text, "老家") || strings.Contains(m.Text, "搬家") {
				t.Errorf("the group reminder shows a reason:\n%s", m.Text)
			}
		}
		private := dm.fire(pendingJob, at(2026, 11, 26, 10, 0))
		b.WriteString(render("待审批 Thursday 2026-11-26 10:00, app configured", private))
		if len(private) != 1 || private[0].Channel != teambot.ToUsers || fmt.Sprint(private[0].Users) != "[wangfang]" {
			t.Errorf("private reminder = %+v", private)
		}

		// The supervisor's test shows the same text, to them alone.
		r := c.send(msgFrom(c, "wangfang", "/提醒 测试 待审批"))
		if !r.Private || !strings.Contains(r.Text, "（测试）「待审批」现在发送的话是") || !strings.Contains(r.Text, "有 3 件事等你审批：请假 3 件（张三 2 件、李四）") {
			t.Errorf("/提醒 测试: %+v", r)
		}
		c.expect("zhangsan", "/提醒", "待审批：工作日 10:00 · 开启，下次 11月26日（周四）10:00")

		// A removed member's request waits for nobody, and 张三's #1, whose
		// Day has passed, is about to expire: neither is listed any more.
		c.expect("wangfang", "/移除 @李四", "")
		b.WriteString(render("待审批 Friday 2026-11-27 10:00, 李四 removed", c.fire(pendingJob, at(2026, 11, 27, 10, 0))))

		// Once decided, nothing waits and nothing is sent.
		c.expect("wangfang", "/请假 批准 1", "已批准")
		c.expect("wangfang", "/请假 驳回 2 月初要上线", "已驳回")
		for _, e := range []*chat{c, dm} {
			if out := e.fire(pendingJob, at(2026, 11, 30, 10, 0)); len(out) != 0 {
				t.Errorf("reminder with nothing waiting: %+v", out)
			}
		}
		checkGolden(t, "testdata/leave_jobs.golden", b.String())

		// A team without a supervisor has nobody to remind.
		c.chatID = "group-2"
		c.expect("zhaoliu", "/加入 赵六 推广", "已登记")
		c.expect("zhaoliu", "/请假 12月1日 有事", "已提交")
		if out := c.fire(pendingJob, at(2026, 11, 30, 10, 0)); len(out) != 0 {
			t.Errorf("reminder without a supervisor: %+v", out)
		}
	})
}

// /请假 会议 asks leave for the half day of the next meeting; approved, it
// excuses that meeting.
func TestMeetingLeave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/会议 设置 周五 15:00", "每周五 15:00")
		c.expect("zhangsan", "/请假 会议", "请写上理由")
		c.expect("zhangsan", "/请假 会议 外出拜访客户", "11月27日（周五）下午", "这是 11月27日（周五）15:00 那次会议的请假")
		c.expect("wangfang", "/请假 批准 1", "已批准")
	})
}

// With app messages, the member hears a decision privately, reason included,
// through the outbox written in the decision's transaction.
func TestLeaveDecisionByAppMessage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		e, err := rulebook.New(commands.Config{Store: commands.StoreOf(db.Update), Now: func() time.Time { return now },
			Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", DirectMessages: true})
		if err != nil {
			t.Fatal(err)
		}
		c.engine = e
		setup(c)
		c.expect("zhangsan", "/请假 明天 看病", "#1")
		c.expect("wangfang", "/请假 驳回 1 人手不够", "已驳回 张三 的请假 #1", "已私信通知 张三")
		var msgs []teambot.Outgoing
		err = db.Update(context.Background(), func(tx *storage.Tx) (err error) {
			msgs, _, err = tx.LeaseOutbox(context.Background(), now.Add(time.Minute), time.Minute, 10, "t")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].Channel != teambot.ToUsers || msgs[0].Users[0] != "zhangsan" || !strings.Contains(msgs[0].Text, "理由：人手不够") {
			t.Errorf("outbox %+v", msgs)
		}
	})
}
