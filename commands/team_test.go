package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"teambot"
	"teambot/commands"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// The acceptance session: an admin names the supervisor (R1), the
// Supervisor assigns roles (R1, R2), a member cannot remove anyone, and the
// roster shows it all (R3).
func TestTeamSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/角色 @张三 文案 美工", "已将 张三 的角色设为：文案、美工（原来：文案）")
		c.expect("zhangsan", "/移除 @王芳", "/移除 只有主管可以使用（现任主管：王芳）")
		got := c.expect("zhangsan", "/团队", "团队名单（2 人）", "主管：王芳（任期 11月25日（周三）至 2027年11月25日（周四））", "文案：张三", "美工：张三")
		if strings.Contains(got, "技术：张三") {
			t.Errorf("roster gives 张三 a role they do not have:\n%s", got)
		}
		var actions []string
		for _, e := range c.audit() {
			actions = append(actions, e.Action+":"+e.Actor+"->"+e.Target)
		}
		want := "[team.create:wangfang->group-1 member.join:wangfang->wangfang member.join:zhangsan->zhangsan supervisor.set:boss->wangfang role.set:wangfang->zhangsan]"
		if fmt.Sprint(actions) != want {
			t.Errorf("audit log:\n got %v\nwant %s", actions, want)
		}
		for _, e := range c.audit() {
			if e.MsgID == "" || !e.At.Equal(now) {
				t.Errorf("audit entry %+v lacks its message id or time", e)
			}
		}
	})
}

// R1: only an admin or the sitting supervisor names a supervisor; a
// handover moves the role and starts a new one-year term.
func TestSupervisorHandover(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/主管 @张三", "只有主管或管理员可以使用（现任主管：王芳）")
		c.expect("wangfang", "/主管 @王芳", "王芳 已经是主管")
		c.expect("wangfang", "/主管 @张三", "主管已由 王芳 移交给 张三，任期 11月25日（周三）至 2027年11月25日（周四）")
		c.expect("wangfang", "/角色 @张三 技术", "只有主管可以使用（现任主管：张三）")
		c.expect("zhangsan", "/团队", "主管：张三（任期", "文案：张三")
		c.expect("zhangsan", "/移除 @张三", "不能移除主管")
	})
}

func TestTerm(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("zhangsan", "/任期", "本团队还没有主管")
		setup(c)
		c.expect("zhangsan", "/任期", "主管：王芳，任期 11月25日（周三）至 2027年11月25日（周四）（还剩 365 天）")
		c.expect("zhangsan", "/任期 2026-01-01", "设置任期只有主管或管理员可以（现任主管：王芳）")
		c.expect("wangfang", "/任期 2026年1月1日", "任期已设为 1月1日（周四）至 2027年1月1日（周五）")
		c.expect("wangfang", "/任期 2026/01/01 2026/12/31", "任期已设为 1月1日（周四）至 12月31日（周四）")
		c.expect("wangfang", "/任期 2026-02-30", "2月没有30日")
		c.expect("wangfang", "/任期 2026-06-01 2026-01-01", "结束日期 1月1日（周四）要晚于开始日期 6月1日（周一）")
		c.expect("boss", "/term 2025-06-01 2025-12-01", "任期已设为 2025年6月1日（周日）")
		c.expect("zhangsan", "/任期", "已经结束 ")
		if n := len(c.audit()); n != 7 {
			t.Errorf("%d audit rows, want 7 (create, 2 joins, supervisor, 3 term changes)", n)
		}
	})
}

func TestJoinAndRemove(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/join 张三 tech", "你已经登记为 张三（文案）")
		c.expect("lisi", "/JOIN Alice Designer TECH", "已提交加入申请：Alice（美工、技术）")
		c.expect("wangfang", "/join approve @Alice", "已批准 Alice 加入团队，角色：美工、技术")
		c.expect("wangwu", "/加入 张三", "名字「张三」已经有人用了")
		c.expect("wangwu", "/加入 王五 主管", "主管不能自己登记")
		c.expect("wangwu", "/加入 文案", "「文案」是角色名")
		c.expect("wangwu", "/加入 @王五", "名字前不用加 @")
		c.expect("wangwu", "/加入 "+strings.Repeat("长", 33), "名字太长")
		c.expect("wangfang", "/移除 @Alice", "已将 Alice 移出团队名单（原角色：美工、技术）")
		c.expect("lisi", "/角色 @张三 技术", "只有主管可以使用")
		c.expect("wangfang", "/移除 @Alice", "没有名为「Alice」的成员")
		// A removed member can come back, under a new name and roles, when
		// the supervisor approves (R18).
		c.expect("lisi", "/加入 李四 客服", "已提交加入申请：李四（客服）")
		c.expect("wangfang", "/加入 批准 @李四", "已批准 李四 重新加入团队，角色：客服")
		if ms := c.members(); len(ms) != 3 || ms[2].Name != "李四" || fmt.Sprint(ms[2].Roles) != "[cs]" {
			t.Errorf("roster after rejoin = %+v", ms)
		}
		// Mentions written by WeCom: the bot's own name first, U+2005 after it.
		c.expect("wangfang", "@TeamBot\u2005/角色\u2005@李四\u2005推广", "已将 李四 的角色设为：推广")
		c.expect("wangfang", "@TeamBot　角色 @lisi 客服", "已将 李四 的角色设为：客服")
	})
}

// Each kind of bad input of the issue gets a clear Chinese answer and changes
// nothing.
func TestBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/wangfang", "没有「wangfang」这个命令")
		c.say("zhangsan", "/加入 张三丰") // a second name for the same person is refused
		c.expect("wangfang", "/加入 张三丰", "你已经登记为 王芳")
		before := len(c.audit())

		cases := []struct {
			user, text string
			want       []string
		}{
			{"zhangsan", "/tem", []string{"没有「tem」这个命令。你是不是想用 /团队（team）"}},
			{"zhangsan", "/团对", []string{"你是不是想用 /团队"}},
			{"zhangsan", "/hepl", []string{"你是不是想用 /帮助（help）"}},
			{"zhangsan", "/xyzzy", []string{"没有「xyzzy」这个命令。发送 /帮助 查看可用的命令"}},
			{"zhangsan", "你好", []string{"没有「你好」这个命令"}},
			{"zhangsan", "@TeamBot", []string{"发送 /帮助 查看可用的命令"}},
			{"newbie", "/join", []string{"请写上你的名字。用法：/加入 名字 [角色…]，例如 /加入 张三 文案"}},
			{"newbie", "/加入 新人 厨师", []string{"不认识的角色「厨师」", "文案（copywriter）、基础文案（copy-base）、策划文案（copy-campaign）、美工（designer）、技术（tech）、推广（promotion）、客服（cs）"}},
			{"wangfang", "/角色 @李四 文案", []string{"没有名为「李四」的成员。团队成员有：王芳、张三"}},
			{"wangfang", "/角色 @张 文案", []string{"没有名为「张」的成员。你是不是指 @张三？"}},
			{"wangfang", "/角色 @张三 厨师", []string{"不认识的角色「厨师」"}},
			{"wangfang", "/角色 @张三", []string{"请写上成员和至少一个角色。用法：/角色 @名字 角色…"}},
			{"wangfang", "/移除", []string{"用法：/移除 @名字"}},
			{"wangfang", "/主管", []string{"用法：/主管 @名字"}},
			{"zhangsan", "/移除 @王芳", []string{"只有主管可以使用（现任主管：王芳）"}},
			{"zhangsan", "/角色 @张三 文案 美工", []string{"只有主管可以使用"}},
			{"stranger", "/角色 @张三 美工", []string{"只有主管可以使用"}},
			{"zhangsan", "/主管 @张三", []string{"只有主管或管理员可以使用"}},
			{"zhangsan", "/加入 " + strings.Repeat("很长的周报", 1100), []string{"消息太长", "上限是 16 KB"}},
			{"zhangsan", "/团队 \xff\xfe", []string{"不是有效的 UTF-8"}},
		}
		for _, tc := range cases {
			c.expect(tc.user, tc.text, tc.want...)
		}
		if after := len(c.audit()); after != before {
			t.Errorf("bad input wrote %d audit rows", after-before)
		}
		if ms := c.members(); len(ms) != 2 || fmt.Sprint(ms[1].Roles) != "[copywriter]" {
			t.Errorf("bad input changed the roster: %+v", ms)
		}
	})
}

// Two members whose names share a fragment: the fragment is ambiguous.
func TestAmbiguousMention(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		admit(c, "zhangsanfeng", "张三丰")
		c.expect("wangfang", "/移除 @张", "「张」对应多位成员：张三、张三丰。请写全名")
		c.expect("wangfang", "/移除 @张三丰", "已将 张三丰 移出团队名单")
	})
}

// Text that looks like SQL is a name like any other: stored verbatim,
// shown verbatim, harming nothing.
func TestSQLLookingInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		name := `Robert');DROP-TABLE-members;--`
		c.expect("bobby", `/加入 "`+name+`" 技术`, "已提交加入申请："+name)
		c.expect("wangfang", "/加入 批准 @"+name, "已批准 "+name)
		c.expect("wangfang", "/团队", "技术："+name, "文案：张三")
		if ms := c.members(); len(ms) != 3 || ms[2].Name != name {
			t.Errorf("roster = %+v, want the name stored verbatim", ms)
		}
	})
}

func TestHelp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		member := c.expect("zhangsan", "/帮助", "/加入（join）", "/团队（team）", "/任期（term）")
		for _, hidden := range []string{"/角色", "/移除", "/主管"} {
			if strings.Contains(member, hidden) {
				t.Errorf("a member's /help lists the supervisor command %s", hidden)
			}
		}
		c.expect("wangfang", "/help", "/角色（role）", "/移除（remove）", "/主管（supervisor）")
		c.expect("boss", "/帮助", "/主管（supervisor）")
		// Every list fits one reply (WeCom's 2 048 bytes; in full they are
		// twice that): the summaries' first clauses, and still every
		// command the caller may use.
		if len(member) > commands.MaxReplyBytes {
			t.Errorf("a member's /帮助 is %d bytes, over one reply's %d:\n%s", len(member), commands.MaxReplyBytes, member)
		}
		supervisor := c.say("wangfang", "/帮助")
		if len(supervisor) > commands.MaxReplyBytes {
			t.Errorf("the supervisor's /帮助 is %d bytes, over one reply's %d:\n%s", len(supervisor), commands.MaxReplyBytes, supervisor)
		}
		for _, cmd := range c.engine.Registry().Commands() {
			if !strings.Contains(supervisor, "/"+cmd.Chinese+"（"+cmd.Name+"）— ") {
				t.Errorf("the supervisor's /帮助 lacks /%s:\n%s", cmd.Chinese, supervisor)
			}
			if one := c.say("wangfang", "/帮助 "+cmd.Chinese); len(one) > commands.MaxReplyBytes {
				t.Errorf("/帮助 %s is %d bytes, over one reply's %d", cmd.Chinese, len(one), commands.MaxReplyBytes)
			}
		}
		if rules := c.say("wangfang", "/帮助 规则"); len(rules) > commands.MaxReplyBytes {
			t.Errorf("/帮助 规则 is %d bytes, over one reply's %d", len(rules), commands.MaxReplyBytes)
		}
		for _, want := range []string{"/周报（report）— 提交本周工作小结\n", "/月报（monthly）— 主管查看本月的月度工作报告和只给主管看的保密附录\n"} {
			if !strings.Contains(supervisor, want) {
				t.Errorf("the supervisor's /帮助 lacks %q", want)
			}
		}
		c.expect("zhangsan", "/帮助 加入", "用法：/加入 名字 [角色…]", "例子：/加入 张三 文案", "谁可以用：所有人")
		c.expect("zhangsan", "/help /role", "用法：/角色 @名字 角色…", "谁可以用：主管（你目前不能使用）")
		c.expect("zhangsan", "／？ team", "/团队（team）")
		c.expect("zhangsan", "/帮助 tema", "你是不是想用 /团队")
	})
}

// Errors of our own never reach the chat in detail.
func TestInternalErrorsAreNotShown(t *testing.T) {
	err := fmt.Errorf("query: %w", teambot.ErrDuplicate)
	if got := teambot.UserMessage(fmt.Errorf("pq: connection refused at 10.0.0.1")); strings.Contains(got, "10.0.0.1") {
		t.Errorf("internal detail leaked: %s", got)
	}
	if teambot.KindOf(err) != teambot.KindConflict {
		t.Errorf("KindOf(duplicate) = %v", teambot.KindOf(err))
	}
}

// admit has user ask to join with "/加入 args" and the supervisor 王芳
// approve it (R1: once a team has a supervisor, the roster is theirs).
func admit(c *chat, user, args string) {
	c.t.Helper()
	c.expect(user, "/加入 "+args, "已提交加入申请")
	name, _, _ := strings.Cut(args, " ")
	c.expect("wangfang", "/加入 批准 @"+name, "已批准 "+name)
}

// R1: once the team has a supervisor, /加入 is a request the supervisor
// hears of and decides; until then the person is not on the roster and is
// told their request waits.
func TestJoinNeedsApproval(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, dm, clock := leaveTeam(t, db)
		c.outbox(*clock)
		before := len(c.members())
		// Without app messages the reply to the request tells the
		// supervisor, by an @mention: the group just saw the request anyway.
		reply := c.send(msgFrom(c, "wangwu", "/加入 王五 推广"))
		if !strings.Contains(reply.Text, "已提交加入申请：王五（推广），等待主管 王芳 批准") || !strings.Contains(reply.Text, "/加入 列表") ||
			strings.Join(reply.Mentions, ",") != "wangfang" {
			t.Errorf("request reply: %+v", reply)
		}
		if got := c.expect("zhangsan", "/团队", "团队名单（3 人）"); strings.Contains(got, "王五") {
			t.Errorf("a pending request is on the roster:\n%s", got)
		}
		if n := len(c.members()); n != before {
			t.Errorf("%d active members, want %d", n, before)
		}
		if out := c.outbox(*clock); len(out) != 0 {
			t.Errorf("outbox: %+v", out)
		}
		c.expect("wangwu", "/周报 本周完成了三篇推文", "你的加入申请正在等待主管批准")
		// In a single chat too: the requester is in no team yet, but is
		// told their request waits rather than to go and join.
		if r := single(c, "wangwu", "/周报 查看"); !strings.Contains(r.Text, "加入申请正在等待主管批准") || strings.Contains(r.Text, "还没有加入任何团队") {
			t.Errorf("pending requester in a single chat: %q", r.Text)
		}
		c.expect("wangwu", "/加入 王五", "你的加入申请已经提交过", "等待主管 王芳 批准")
		c.expect("wangwu", "/加入 列表", "只有主管可以")
		c.expect("zhangsan", "/加入 批准 @王五", "只有主管可以")
		c.expect("wangfang", "/加入 列表", "待批准的加入申请（1 个）", "王五（wangwu）", "推广")
		c.expect("wangfang", "/加入 批准 @王", "没有「王」的加入申请", "王五")
		c.expect("wangfang", "/加入 批准", "请写上申请人")
		c.expect("wangfang", "/加入 批准 @王五", "已批准 王五 加入团队，角色：推广")
		c.expect("zhangsan", "/团队", "团队名单（4 人）", "推广：王五")
		c.expect("wangfang", "/加入 批准 @王五", "没有「王五」的加入申请")

		// With app messages the supervisor is told who asks, by app message.
		c.expect("zhaoliu", "/加入 赵六 客服", "已提交加入申请")
		c.outbox(*clock)
		dm.expect("qianqi", "/加入 钱七 美工", "已提交加入申请", "已私信通知主管")
		out := c.outbox(*clock)
		if len(out) != 1 || out[0].Channel != teambot.ToUsers || fmt.Sprint(out[0].Users) != "[wangfang]" ||
			!strings.Contains(out[0].Text, "钱七（qianqi）申请加入团队") || !strings.Contains(out[0].Text, "/加入 批准 @钱七") {
			t.Errorf("app message to the supervisor: %+v", out)
		}

		// A refusal: the person hears it, the group never sees the reason.
		reply = c.send(msgFrom(c, "wangfang", "/加入 拒绝 @赵六 客服已经够了"))
		if !reply.Private || !strings.Contains(reply.Text, "已拒绝 赵六 的加入申请") {
			t.Errorf("refusal reply: %+v", reply)
		}
		out = c.outbox(*clock)
		if len(out) != 1 || strings.Contains(out[0].Text, "够了") || strings.Join(out[0].Mentions, ",") != "zhaoliu" {
			t.Errorf("refusal notice without app messages: %+v", out)
		}
		c.expect("zhaoliu", "/团队", "团队名单（4 人）")
		c.expect("zhaoliu", "/周报 写了点东西", "只有团队成员可以使用")
		c.expect("wangfang", "/加入 列表", "待批准的加入申请（1 个）", "钱七")

		var actions []string
		for _, e := range c.audit() {
			if strings.HasPrefix(e.Action, "member.") && e.Target != "wangfang" && e.Target != "zhangsan" && e.Target != "lisi" {
				actions = append(actions, e.Action+":"+e.Actor+"->"+e.Target)
			}
		}
		want := "[member.request:wangwu->wangwu member.approve:wangfang->wangwu member.request:zhaoliu->zhaoliu member.request:qianqi->qianqi member.reject:wangfang->zhaoliu]"
		if fmt.Sprint(actions) != want {
			t.Errorf("audit:\n got %v\nwant %s", actions, want)
		}
	})
}

// R1: a supervisor may open the team to anyone (自由) and close it again
// (审批); before there is a supervisor joining is free.
func TestJoinMode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c) // 王芳 and 张三 joined freely: there was no supervisor yet
		c.expect("zhangsan", "/团队 加入方式", "加入方式：审批")
		c.expect("zhangsan", "/团队 加入方式 自由", "只有主管可以")
		c.expect("wangfang", "/团队 加入方式 随便", "加入方式只有 自由 和 审批 两种", "/团队 加入方式 自由")
		c.expect("wangfang", "/团队 加入方式 自由", "加入方式已改为「自由」")
		c.expect("lisi", "/加入 李四 美工", "已登记：李四，角色：美工")
		c.expect("wangfang", "/team join approval", "加入方式已改为「审批」")
		c.expect("wangwu", "/加入 王五", "已提交加入申请")
		if got := c.auditActions("team.join_mode"); len(got) != 2 {
			t.Errorf("join mode audit: %v", got)
		}
	})
}

// R18: a member who was removed, advised to resign or dismissed comes back
// only by the supervisor's approval, even when joining is free; until then
// their accounts stay to be handed over, and no reply invites them back.
func TestRejoinNeedsApproval(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, clock := leaveTeam(t, db)
		c.expect("wangfang", "/团队 加入方式 自由", "加入方式已改为「自由」")
		c.expectSingle("lisi", "/账号 登记 抖音 lisi_dy", "#1")
		c.outbox(*clock)
		replies := []string{
			c.expect("wangfang", "/移除 @李四", "已将 李四 移出团队名单"),
			c.expectSingle("wangfang", "/惩处 @张三 除名 依据4 泄露客户资料", "张三 已移出团队名单"),
			c.expect("wangfang", "/惩处 撤销 1 记错了人", "撤销不会自动恢复团队名单"),
		}
		for _, r := range replies {
			if strings.Contains(r, "可以重新发送 /加入") {
				t.Errorf("a reply invites a removed member back:\n%s", r)
			}
		}
		c.expect("lisi", "/加入 李四 美工", "已提交加入申请", "你曾被移出团队")
		c.expect("zhangsan", "/加入 张三 文案", "已提交加入申请")
		if got := c.expect("wangfang", "/团队", "团队名单（1 人）"); strings.Contains(got, "李四") {
			t.Errorf("a removed member is back without approval:\n%s", got)
		}
		c.expect("lisi", "/请假 明天 回老家", "你的加入申请正在等待主管批准")
		c.expect("wangfang", "/账号 列表 全部", "负责人 李四（已离开团队，待移交）")
		c.expect("wangfang", "/加入 列表", "李四（lisi）", "曾被移出团队")
		c.expect("wangfang", "/加入 批准 @李四", "已批准 李四 重新加入团队", "李四 名下还登记着 1 个账号")
		c.expect("wangfang", "/团队", "美工：李四")
		if got := c.auditActions("member.approve"); len(got) != 2 || got[1] != "member.approve 名字 李四；角色 美工；重新加入" {
			t.Errorf("approval audit: %v", got)
		}
	})
}

// Names can't impersonate: a display name may not be another member's name
// or userid, and an @x that could mean two people is refused with both.
func TestNamesCannotImpersonate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		// Before 王芳 joins, someone takes her userid as a display name.
		c.expect("mallory", "/加入 wangfang", "已登记：wangfang")
		c.expect("wangfang", "/join 王芳", "已登记：王芳")
		c.expect("zhangsan", "/加入 张三 文案", "已登记：张三")
		got := c.expect("boss", "/主管 @wangfang", "「wangfang」可能指 2 位成员", "wangfang（企业微信账号 mallory）", "王芳（企业微信账号 wangfang）")
		if strings.Contains(got, "现在是主管") {
			t.Errorf("an ambiguous mention named a supervisor: %s", got)
		}
		for _, m := range c.members() {
			if m.IsSupervisor() {
				t.Errorf("%s became supervisor through an ambiguous mention", m.UserID)
			}
		}
		c.expect("boss", "/主管 @王芳", "王芳 现在是主管")
		c.expect("wangfang", "/团队 加入方式 自由", "加入方式已改为「自由」")
		// A name equal to another member's userid, any case, is refused.
		c.expect("lisi", "/加入 zhangsan", "名字「zhangsan」是另一位成员的企业微信账号")
		c.expect("lisi", "/加入 ZhangSan", "是另一位成员的企业微信账号")
		c.expect("lisi", "/加入 张三", "名字「张三」已经有人用了")
		c.expect("lisi", "/加入 李四", "已登记：李四")
		// WeCom display names follow the same rule.
		c.send(teambot.Message{ChatID: c.chatID, UserID: "lisi", UserName: "zhangsan", Text: "/团队"})
		c.send(teambot.Message{ChatID: c.chatID, UserID: "lisi", UserName: "王芳", Text: "/团队"})
		for _, m := range c.members() {
			if m.UserID == "lisi" && m.Name != "李四" {
				t.Errorf("lisi renamed to %q, another member's name or userid", m.Name)
			}
		}
		c.send(teambot.Message{ChatID: c.chatID, UserID: "lisi", UserName: "李小四", Text: "/团队"})
		c.expect("zhangsan", "/团队", "李小四")
	})
}

// R2: 基础文案 and 策划文案 are roles of their own, listed under 文案 on the
// roster; plain 文案 stays valid.
func TestCopywriterRoles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("lisi", "/加入 李四 基础文案", "已登记：李四，角色：基础文案")
		c.expect("zhaoliu", "/加入 赵六 campaign-copy 美工", "已登记：赵六，角色：策划文案、美工")
		setup(c)
		c.expect("wangfang", "/角色 @李四 策划文案 基础文案", "已将 李四 的角色设为：基础文案、策划文案（原来：基础文案）")
		got := c.expect("zhangsan", "/团队", "文案：李四（基础文案、策划文案）、赵六（策划文案）、张三", "美工：赵六")
		if strings.Contains(got, "\n基础文案") || strings.Contains(got, "\n策划文案") {
			t.Errorf("sub-roles get their own roster lines:\n%s", got)
		}
		roles := map[string]string{}
		for _, m := range c.members() {
			roles[m.UserID] = fmt.Sprint(m.Roles)
		}
		if roles["zhangsan"] != "[copywriter]" || roles["lisi"] != "[copy-base copy-campaign]" || roles["zhaoliu"] != "[copy-campaign designer]" {
			t.Errorf("stored roles: %v", roles)
		}
	})
}

// concurrently sends msgs at the same moment, each from its own goroutine
// against the one database, and returns the replies in order.
func concurrently(c *chat, msgs []teambot.Message) []string {
	c.t.Helper()
	replies := make([]string, len(msgs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, msg := range msgs {
		c.seq++
		msg.ID, msg.At = fmt.Sprint("m", c.seq), now
		wg.Go(func() {
			<-start
			r, err := c.engine.Handle(context.Background(), msg)
			if err != nil {
				c.t.Errorf("Handle(%q): %v", msg.Text, err)
			}
			replies[i] = r.Text
		})
	}
	close(start)
	wg.Wait()
	return replies
}

// warmUp opens n connections to the database by reading the roster from n
// goroutines at once, so that what the test sends next runs concurrently
// rather than one after another while connections are opened.
func warmUp(c *chat, n int) {
	c.t.Helper()
	var msgs []teambot.Message
	for range n {
		msgs = append(msgs, msgFrom(c, "wangfang", "/团队"))
	}
	concurrently(c, msgs)
}

// Team-changing commands serialize: of handovers sent by the supervisor at
// the same moment one wins, and every other is checked against the state it
// left and refused because the sender is no longer the supervisor — never
// a generic conflict, never "由 X 移交给 X".
func TestConcurrentHandovers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("wangfang", "/join 王芳", "已登记")
		const n = 6
		for i := range n {
			c.expect(fmt.Sprint("u", i), fmt.Sprintf("/加入 成员%d", i), "已登记")
		}
		c.expect("boss", "/主管 @王芳", "王芳 现在是主管")
		warmUp(c, n)

		var msgs []teambot.Message
		for i := range n {
			msgs = append(msgs, msgFrom(c, "wangfang", fmt.Sprintf("/主管 @成员%d", i)))
		}
		var winner string
		for i, r := range concurrently(c, msgs) {
			switch {
			case strings.HasPrefix(r, "主管已由 王芳 移交给 成员"):
				if winner != "" {
					t.Errorf("two handovers succeeded: %q and %q", winner, r)
				}
				winner = fmt.Sprintf("成员%d", i)
			case strings.HasPrefix(r, "你已不是主管") && strings.Contains(r, "现任主管：成员"):
			default:
				t.Errorf("handover %d: %s", i, r)
			}
		}
		var sups []string
		for _, m := range c.members() {
			if m.IsSupervisor() {
				sups = append(sups, m.Name)
			}
		}
		if winner == "" || fmt.Sprint(sups) != "["+winner+"]" {
			t.Errorf("supervisors %v, want the one handover that succeeded (%s)", sups, winner)
		}

		// An admin naming the same member several times at once: one
		// handover, the rest told the member already is the supervisor.
		msgs = msgs[:0]
		for range n {
			msgs = append(msgs, msgFrom(c, "boss", "/主管 @王芳"))
		}
		handovers := 0
		for i, r := range concurrently(c, msgs) {
			switch {
			case r == fmt.Sprintf("主管已由 %s 移交给 王芳，任期 11月25日（周三）至 2027年11月25日（周四）。", winner):
				handovers++
			case strings.HasPrefix(r, "王芳 已经是主管"):
			default:
				t.Errorf("admin handover %d: %s", i, r)
			}
		}
		if handovers != 1 {
			t.Errorf("%d handovers to 王芳, want 1", handovers)
		}
		if got := c.auditActions("supervisor.set"); len(got) != 3 {
			t.Errorf("supervisor audit: %v", got)
		}
	})
}

// Joins under one name at the same moment: one gets it, the others are told
// it is taken (not a generic conflict).
func TestConcurrentJoinsWithOneName(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		c.expect("wangfang", "/join 王芳", "已登记")
		warmUp(c, 6)
		var msgs []teambot.Message
		for i := range 6 {
			msgs = append(msgs, msgFrom(c, fmt.Sprint("u", i), "/加入 小明 文案"))
		}
		joined := 0
		for i, r := range concurrently(c, msgs) {
			switch {
			case r == "已登记：小明，角色：文案。":
				joined++
			case strings.HasPrefix(r, "名字「小明」已经有人用了"):
			default:
				t.Errorf("join %d: %s", i, r)
			}
		}
		if joined != 1 || len(c.members()) != 2 {
			t.Errorf("%d joined, roster %+v", joined, c.members())
		}
	})
}
