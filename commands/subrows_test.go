package commands_test

import (
	"fmt"
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
// Supervisor changes it.
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

// /账号's rows read the account number and the new owner through the
// engine, with today's refusals (R13); the usage line is rebuilt from the
// rows as it read before, and /帮助 账号 lists them.
func TestAccountRowsReadByEngine(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("stranger", "/账号 移交 1 @张三", "/账号 只有团队成员可以使用")
		c.expectSingle("zhangsan", "/账号 登记 微博 团队官方号", "#1")
		c.expect("zhangsan", "/账号 移交 1", "请写上账号编号和新负责人，例如 /账号 移交 3 @李四。")
		c.expect("zhangsan", "/账号 移交 1 @王芳 现在", "请写上账号编号和新负责人，例如 /账号 移交 3 @李四。")
		c.expect("zhangsan", "/账号 已改密 一号", "「一号」不是账号编号，编号是数字，例如 /账号 已改密 3。发送 /账号 列表 查看编号。")
		c.expect("zhangsan", "/账号 注销", "请写上账号编号，例如 /账号 注销 3 平台停用。")
		c.expect("zhangsan", "/账号 注销 ＃1", "请写上注销原因，例如 /账号 注销 1 平台停用。")
		c.expect("zhangsan", "/账号 移交 #1 @王芳", "已把账号 #1（微博）从 张三 移交给 王芳。")
		c.expect("zhangsan", "/账号 已改密 1", "只有负责人本人或主管可以报备改密")
		c.expect("zhangsan", "/账号 开通 1", "没有「开通」这个账号操作。用法：/账号 [列表 [全部]] | 登记 平台 账号名 [@负责人] [备注 说明] | 已改密 编号 | 移交 编号 @新负责人 | 注销 编号 原因 | 核对 [编号…]，例如")
		c.expect("zhangsan", "/帮助 账号", "子命令：", "/账号 移交 编号 @新负责人 — ", "/账号 核对 [编号…] — ", "（团队成员）")
	})
}

// /更新 状态 is a row (R6): a stranger is refused before it runs, the usage
// is rebuilt as it read, and /帮助 更新 lists the row.
func TestUpdateStatusRow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("stranger", "/更新 状态", "/更新 只有团队成员可以使用")
		c.expect("zhangsan", "/更新 状态 上周 下周", "/更新 状态 后面最多写一个周。用法：/更新 平台 标题或链接 | 平台 活动 标题 | 状态 [周]，例如")
		c.expect("zhangsan", "/更新 公众号 双十二预告推文", "已记下")
		c.expect("zhangsan", "/更新 STATUS", "双十二预告推文")
		c.expect("zhangsan", "/帮助 更新", "子命令：", "/更新 状态 [周] — 查看各平台本周（或那一周）的更新和本月还没有专题活动的平台（团队成员）")
	})
}

// A row's Who is checked again once the team is locked (R1): join requests
// the supervisor approves while handing over at the same moment are either
// decided before the handover or refused after it, never decided by the
// former supervisor.
func TestJoinDecisionsRaceHandover(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		const n = 4
		for i := range n {
			c.expect(fmt.Sprint("li", i), fmt.Sprintf("/加入 李%d", i), "已提交加入申请")
		}
		warmUp(c, n+1)
		msgs := []teambot.Message{msgFrom(c, "wangfang", "/主管 @张三")}
		for i := range n {
			msgs = append(msgs, msgFrom(c, "wangfang", fmt.Sprintf("/加入 批准 @李%d", i)))
		}
		replies := concurrently(c, msgs)
		if !strings.HasPrefix(replies[0], "主管已由 王芳 移交给 张三") {
			t.Fatalf("handover: %s", replies[0])
		}
		for i, r := range replies[1:] {
			if !strings.HasPrefix(r, "已批准 李") && !strings.HasPrefix(r, "你已不是主管：/加入 批准 只有主管可以使用（现任主管：张三）") {
				t.Errorf("approval %d: %s", i, r)
			}
		}
		var handover int64
		for _, e := range c.audit() {
			switch {
			case e.Action == "supervisor.set" && e.Actor == "wangfang":
				handover = e.ID
			case e.Action == "member.approve" && handover != 0:
				t.Errorf("%s approved %s after handing over", e.Actor, e.Target)
			}
		}
	})
}
