package commands_test

import (
	"fmt"
	"testing"

	"teambot"
	"teambot/commands/roster"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// R3: /团队 导出 is the roster as the "about us" page shows it: the
// supervisor first, then the roles in the rulebook's order, names only, no
// empty role, a member with two roles under both, the removed and the
// roleless nowhere; the team's name in the title once it has one. Only the
// supervisor may ask for it.
func TestRosterExport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/团队 加入方式 自由", "自由")
		c.expect("lisi", "/加入 李四 美工 技术", "已登记：李四，角色：美工、技术")
		c.expect("wangwu", "/加入 王五 文案", "已登记：王五")
		c.expect("zhouba", "/加入 周八 基础文案", "已登记：周八")
		c.expect("zhaoliu", "/加入 赵六 客服", "已登记：赵六")
		c.expect("sunqi", "/加入 孙七", "已登记：孙七，暂无角色")
		c.expect("wangfang", "/移除 @赵六", "已将 赵六 移出团队名单")
		c.expect("wangfang", "/角色 @王芳 推广", "已将 王芳 的角色设为：主管、推广")

		body := "主管：王芳\n文案：张三、王五\n基础文案：周八\n美工：李四\n技术：李四\n推广：王芳"
		if got := c.say("wangfang", "/团队 导出"); got != "【团队名单】\n"+body {
			t.Errorf("/团队 导出:\n got %q\nwant %q", got, "【团队名单】\n"+body)
		}
		c.expect("wangfang", "/团队 名称 市场部", "团队名称已改为 市场部")
		if got := c.say("wangfang", "/team export"); got != "【团队名单】市场部\n"+body {
			t.Errorf("/team export:\n got %q\nwant %q", got, "【团队名单】市场部\n"+body)
		}

		refusal := "只有主管可以导出团队名单（现任主管：王芳）。"
		for _, user := range []string{"zhangsan", "lisi"} {
			if got := c.say(user, "/团队 导出"); got != refusal {
				t.Errorf("%s: /团队 导出 = %q, want only the refusal %q", user, got, refusal)
			}
		}
		c.expect("zhaoliu", "/团队 导出", "只有主管可以导出团队名单")
		// The internal roster is unchanged by the new row.
		c.expect("zhangsan", "/团队", "团队名单（6 人）", "主管：王芳（任期", "未分配角色：孙七")
	})
}

// Public is pure: it reads the roles of the members it is given, keeps
// their order within a role, and skips a member who is not active even if
// a caller hands one in.
func TestPublicRoster(t *testing.T) {
	members := []teambot.Member{
		{Name: "王芳", Status: teambot.MemberActive, Roles: []teambot.Role{teambot.RoleSupervisor, teambot.RoleCopyCampaign}},
		{Name: "李四", Status: teambot.MemberActive, Roles: []teambot.Role{teambot.RoleDesigner, teambot.RoleCS}},
		{Name: "赵六", Status: teambot.MemberRemoved, Roles: []teambot.Role{teambot.RoleTech}},
		{Name: "孙七", Status: teambot.MemberActive},
		{Name: "Alice", Status: teambot.MemberActive, Roles: []teambot.Role{teambot.RoleCS}},
	}
	var got []string
	for _, g := range roster.Public(members) {
		got = append(got, roster.PublicLine(g))
	}
	want := "[主管：王芳 策划文案：王芳 美工：李四 客服：李四、Alice]"
	if fmt.Sprint(got) != want {
		t.Errorf("Public:\n got %v\nwant %s", got, want)
	}
	if groups := roster.Public(nil); len(groups) != 0 {
		t.Errorf("Public(nil) = %v, want no groups", groups)
	}
	if got := roster.PublicText("", nil); got != "【团队名单】\n（还没有成员登记角色）" {
		t.Errorf("PublicText of no groups = %q", got)
	}
}
