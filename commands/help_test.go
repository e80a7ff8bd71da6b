package commands_test

import (
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /帮助 of a command lists its subcommands from the table, each with its
// usage and who may use it; a member is told which they may not use.
func TestHelpListsSubcommands(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		got := c.expect("zhangsan", "/帮助 请假", "子命令：",
			"/请假 取消 编号 — 取消自己还没开始的请假（团队成员）",
			"/请假 批准 编号 — 批准请假申请（主管，你目前不能使用）",
			"/请假 @名字 日期[到日期] [上午|下午] 理由 — 替成员记下请假",
			"/请假 会议 理由")
		if strings.Contains(got, "/请假 批准 编号 — 批准请假申请（主管）\n") {
			t.Errorf("a member is not told they may not approve:\n%s", got)
		}
		c.expect("wangfang", "/帮助 请假", "/请假 批准 编号 — 批准请假申请（主管）")
	})
}
