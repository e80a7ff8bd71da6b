package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// The acceptance session: an admin names the supervisor (R1), the
// supervisor assigns roles (R1, R2), a member cannot remove anyone, and the
// roster shows it all (R3).
func TestTeamSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/角色 @张三 文案 美工", "已将 张三 的角色设为：文案、美工（原来：文案）")
		c.expect("zhangsan", "/移除 @王芳", "/移除 只有主管可以使用（现任主管：王芳）")
		got := c.expect("zhangsan", "/团队", "团队名单（2 人）", "主管：王芳（任期 2026-11-25 至 2027-11-25）", "文案：张三", "美工：张三")
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
		c.expect("wangfang", "/主管 @张三", "主管已由 王芳 移交给 张三，任期 2026-11-25 至 2027-11-25")
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
		c.expect("zhangsan", "/任期", "主管：王芳，任期 2026-11-25 至 2027-11-25（还剩 365 天）")
		c.expect("zhangsan", "/任期 2026-01-01", "设置任期只有主管或管理员可以（现任主管：王芳）")
		c.expect("wangfang", "/任期 2026年1月1日", "任期已设为 2026-01-01（周四）至 2027-01-01（周五）")
		c.expect("wangfang", "/任期 2026/01/01 2026/12/31", "任期已设为 2026-01-01（周四）至 2026-12-31（周四）")
		c.expect("wangfang", "/任期 2026-02-30", "看不懂日期「2026-02-30」")
		c.expect("wangfang", "/任期 2026-06-01 2026-01-01", "结束日期 2026-01-01 要晚于开始日期 2026-06-01")
		c.expect("boss", "/term 2025-06-01 2025-12-01", "任期已设为 2025-06-01")
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
		c.expect("lisi", "/JOIN Alice Designer TECH", "已登记：Alice，角色：美工、技术")
		c.expect("wangwu", "/加入 张三", "名字「张三」已经有人用了")
		c.expect("wangwu", "/加入 王五 主管", "主管不能自己登记")
		c.expect("wangwu", "/加入 文案", "「文案」是角色名")
		c.expect("wangwu", "/加入 @王五", "名字前不用加 @")
		c.expect("wangwu", "/加入 "+strings.Repeat("长", 33), "名字太长")
		c.expect("wangfang", "/移除 @Alice", "已将 Alice 移出团队名单（原角色：美工、技术）")
		c.expect("lisi", "/角色 @张三 技术", "只有主管可以使用")
		c.expect("wangfang", "/移除 @Alice", "没有名为「Alice」的成员")
		// A removed member can come back, under a new name and roles.
		c.expect("lisi", "/加入 李四 客服", "已登记：李四，角色：客服")
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
			{"newbie", "/加入 新人 厨师", []string{"不认识的角色「厨师」", "文案（copywriter）、美工（designer）、技术（tech）、推广（promotion）、客服（cs）"}},
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
		c.expect("zhangsanfeng", "/加入 张三丰")
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
		c.expect("bobby", `/加入 "`+name+`" 技术`, "已登记："+name)
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
