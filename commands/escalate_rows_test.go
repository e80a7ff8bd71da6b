package commands_test

import (
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /上报's subcommands are rows of the table (R16): a stranger is refused
// 列表 by the command's Who before the row runs, a member's text that
// starts with another word is still a report, the usage line is rebuilt
// from the rows as before, and /帮助 上报 lists them.
func TestEscalationSubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("stranger", "/上报 列表", "/上报 只有团队成员可以使用")
		c.expectSingle("zhangsan", "/上报 查看一下评论区的广告", "#1")
		c.expectSingle("zhangsan", "/上报 list", "#1")
		c.expectSingle("lisi", "/上报 解决 1 好了", "处理上报只有主管可以操作（现任主管：王芳）。")
		c.expectSingle("wangfang", "/上报 解决 1 已拉黑", "已处理 张三 上报的问题 #1")
		c.expectSingle("zhangsan", "/上报", "用法：/上报 问题描述 | 列表 [全部] | 处理 编号 处理说明")
		c.expect("lisi", "/帮助 上报", "子命令：", "/上报 列表 [全部] — ", "/上报 处理 编号 处理说明 — 主管在单聊里处理上报")
	})
}
