package commands_test

import (
	"strings"
	"testing"

	"teambot"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// /加入's supervisor rows (R1, R18) are refused by the engine from the
// row's Who, in today's wording, and /帮助 加入 lists them.
func TestJoinRowsCheckedByEngine(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("lisi", "/加入 李四 美工", "已提交加入申请：李四")
		c.expect("zhangsan", "/加入 列表", "/加入 列表 只有主管可以使用（现任主管：王芳）。")
		c.expect("zhangsan", "/加入 批准 @李四", "/加入 批准 只有主管可以使用（现任主管：王芳）。")
		c.expect("zhangsan", "/加入 拒绝 @李四 不认识", "/加入 拒绝 只有主管可以使用（现任主管：王芳）。")
		if got := c.members(); len(got) != 2 {
			t.Errorf("a member's /加入 批准 changed the roster: %d members", len(got))
		}
		c.expect("wangfang", "/加入 批准 @李四", "已批准 李四 加入团队")
		got := c.expect("zhangsan", "/帮助 加入", "用法：/加入 名字 [角色…] | 批准 @名字 | 拒绝 @名字 [理由] | 列表", "子命令：",
			"/加入 批准 @名字 — 批准加入申请，申请人按申请的名字和角色登记（主管，你目前不能使用）",
			"/加入 列表 — 查看待批准的加入申请（主管，你目前不能使用）")
		if strings.Contains(got, "（主管）") {
			t.Errorf("a member is told they may decide requests:\n%s", got)
		}
	})
}

// /团队's rows: naming the team and its push address are the supervisor's
// (R1), checked by the engine; anyone may look at the join mode, only the
// supervisor changes it.
func TestTeamRowsCheckedByEngine(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/团队 名称 市场部", "只有主管可以给团队命名（现任主管：王芳）。")
		c.expect("zhangsan", "/团队 改名 市场部", "只有主管可以给团队命名")
		if name := c.team().Name; name != "" {
			t.Errorf("a member named the team %q", name)
		}
		r := c.send(teambot.Message{ChatType: teambot.ChatSingle, UserID: "zhangsan", Text: "/团队 推送 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1"})
		if !strings.Contains(r.Text, "只有主管可以设置推送地址（现任主管：王芳）。") {
			t.Errorf("member's /团队 推送: %q", r.Text)
		}
		c.expect("zhangsan", "/团队 加入方式", "加入方式：")
		c.expect("zhangsan", "/团队 加入方式 自由", "修改加入方式 只有主管可以使用（现任主管：王芳）。")
		c.expect("wangfang", "/团队 名称 市场部", "团队名称已改为 市场部。")
		c.expect("zhangsan", "/帮助 团队", "用法：/团队 切换 序号或名称 | 名称 新名称 | 加入方式 自由或审批 | 推送 webhook地址",
			"子命令：", "/团队 名称 新名称 — 给团队命名，方便在多个团队里的成员区分（主管，你目前不能使用）",
			"/团队 切换 序号或名称 — ", "（所有人）", "/团队 推送 webhook地址 — ")
	})
}
