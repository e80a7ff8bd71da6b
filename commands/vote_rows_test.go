package commands_test

import (
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /投票's subcommands are rows of the table (R11): the engine refuses a
// member's 否决 before the handler looks for the vote, reads the vote
// number of 查看 and the shortcuts (full-width too), and /帮助 投票 lists
// every row with who may use it.
func TestVoteSubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		// No vote #9 exists: the refusal is the row's Who, not a lookup.
		c.expect("zhangsan", "/投票 否决 9 不行", "否决投票只有主管可以操作（现任主管：王芳）。")
		c.expect("zhangsan", "/投票 否决", "否决投票只有主管可以操作")
		c.expect("wangfang", "/投票 否决", "请写成 /投票 否决 编号 理由")
		c.expect("wangfang", "/投票 否决 九 不行", "「九」不是投票编号。")
		c.expect("wangfang", "/投票 否决 9 不行", "没有编号为 #9 的投票")

		c.expect("zhangsan", "/投票 发起 周五团建", "#1")
		c.expect("zhangsan", "/投票 查看 ＃1", "表决 #1「周五团建」")
		c.expect("zhangsan", "/投票 查看", "请写上投票编号，例如 /投票 查看 3。")
		c.expect("zhangsan", "/同意 x", "「x」不是投票编号。")
		c.expect("zhangsan", "/投票 撤回 x", "「x」不是投票编号。")
		c.expect("zhangsan", "/同意 ＃1", "投了「同意」")
		c.expect("zhangsan", "/投票 1", "请写上你的选择，例如 /投票 1 同意")
		c.expect("zhangsan", "/投票 开会", "没有「开会」这个投票操作。用法：/投票 [编号 选项] | 列表 [全部] | 发起 标题")

		got := c.expect("zhangsan", "/帮助 投票", "子命令：",
			"/投票 列表 [全部] — ", "/投票 发起 标题 [选项 A | B | C] [截止 时间] [匿名] [实时] — ",
			"/投票 撤回 [编号] — ", "/投票 查看 编号 — ", "/投票 结束 编号 — ", "/投票 规则 [通过 过半 法定 过半] — ",
			"/投票 否决 编号 理由 — 否决进行中的投票或 24 小时内通过的表决（主管，你目前不能使用）")
		if strings.Contains(got, "/投票 查看 编号 — 查看投票的规则、进度和结果（团队成员，你目前不能使用）") {
			t.Errorf("a member is told they may not use 查看:\n%s", got)
		}
	})
}
