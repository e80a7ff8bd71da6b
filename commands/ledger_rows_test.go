package commands_test

import (
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// The ledger's subcommands are rows of the table (R17-R19): /记录 全部 is
// the supervisor's by its row's Who, with the ledger's own wording; record
// and proposal numbers are read by the engine with today's refusals; /帮助
// lists every row.
func TestLedgerSubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, _, _ := leaveTeam(t, db)
		c.expect("zhangsan", "/记录 全部", "全队的记录只有主管可以查看（现任主管：王芳）。发送 /记录 查看你自己的。")
		c.expect("wangfang", "/记录 全部", "全队还没有嘉奖或惩处记录。")
		c.expect("wangfang", "/记录 all", "全队还没有嘉奖或惩处记录。")

		c.expect("wangfang", "/嘉奖 撤销", "请写上记录编号。请写成 /嘉奖 撤销 编号 理由，例如 /嘉奖 撤销 3 记错了人。")
		c.expect("wangfang", "/惩处 撤销 三 记错了", "「三」不是记录编号。请写成 /惩处 撤销 编号 理由")
		c.expect("wangfang", "/惩处 撤销 ＃9 记错了", "没有编号为 #9 的记录")
		c.expect("wangfang", "/惩处 确认", "请写上缺勤提醒的编号。请写成 /惩处 确认 编号。 发送 /会议 建议 查看编号。")
		c.expect("wangfang", "/惩处 驳回 x 请过假", "「x」不是缺勤提醒编号。请写成 /惩处 驳回 编号 理由")

		got := c.expect("zhangsan", "/帮助 记录", "子命令：", "/记录 全部 — 查看全队的嘉奖和惩处记录（主管，你目前不能使用）")
		if !strings.Contains(got, "用法：/记录 [@名字] | 全部") {
			t.Errorf("usage of /记录:\n%s", got)
		}
		c.expect("wangfang", "/帮助 惩处", "用法：/惩处 @名字 等级 依据编号 理由 | 确认 提醒编号 | 驳回 提醒编号 理由 | 依据 | 撤销 编号 理由",
			"/惩处 确认 提醒编号 — ", "/惩处 驳回 提醒编号 理由 — ", "/惩处 撤销 编号 理由 — 撤销一条记录")
		c.expect("wangfang", "/帮助 嘉奖", "用法：/嘉奖 @名字 等级 依据编号 理由 | 依据 | 撤销 编号 理由", "/嘉奖 撤销 编号 理由 — ", "/嘉奖 依据 — 列出规章规定的嘉奖依据")
	})
}
