package commands_test

import (
	"strings"
	"testing"

	"teambot/storage"
	"teambot/storage/storagetest"
)

// /周报's subcommands are rows: the engine refuses a member closing a week
// (R4: the supervisor closes it), with the row's own wording, also when the
// Word ends at a colon; /帮助 周报 lists the rows; a report whose text only
// looks like a subcommand word is still a report.
func TestReportSubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/周报 结束 上周", "结束一周的周报只有主管可以操作（现任主管：王芳）")
		c.expect("zhangsan", "/周报 结束：上周", "结束一周的周报只有主管可以操作（现任主管：王芳）")
		c.expect("zhangsan", "/周报 查看：本周", "张三 的周报，2026-W48（11月23日–11月29日）", "未提交")
		c.expect("zhangsan", `/周报 "查看" 了竞品的数据`, "已提交 2026-W48（11月23日–11月29日）的周报，第 1 版")
		c.expect("zhangsan", "/周报 查看", "查看\" 了竞品的数据")
		got := c.expect("zhangsan", "/帮助 周报",
			"用法：/周报 内容 | 上周 内容 | --week 2026-W47 内容 | 查看 [@名字] [周|周..周] | 状态 [周] | 结束 周 | 截止 [周五 18:00]",
			"子命令：", "/周报 查看 [@名字] [周|周..周] — ", "/周报 状态 [周] — ",
			"/周报 结束 周 — 结束一周的周报，之后不能再提交或修改（主管，你目前不能使用）",
			"/周报 截止 [周五 18:00] — ")
		if strings.Contains(got, "/周报 截止 [周五 18:00] — 查看每周的截止时间；主管写上新的时间就改（团队成员，你目前不能使用）") {
			t.Errorf("a member is told they may not look at the deadline:\n%s", got)
		}
		c.expect("wangfang", "/周报 结束 上周", "已结束 2026-W47（11月16日–11月22日）的周报")
	})
}

// /提醒's changes are rows only the supervisor may use: a member is refused
// by the engine before the reminder's name is read; listing stays open to
// members, as 列表 or bare; a word that is no row is named back.
func TestRemindSubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		for _, text := range []string{"/提醒 测试 周报汇总", "/提醒 开启", "/提醒 设置 月报 10:00", "/reminders set report_nag 10:00"} {
			c.expect("zhangsan", text, "修改或测试提醒只有主管可以（现任主管：王芳）；发送 /提醒 查看提醒。")
		}
		c.expect("zhangsan", "/提醒 列表", "本团队的提醒（时区 Asia/Shanghai）", "周报提醒：每周一 09:00")
		c.expect("zhangsan", "/提醒 改时间", "不认识「改时间」。用法：/提醒 列表 | 设置 名称 时间 | 关闭 名称 | 开启 名称 | 测试 名称")
		c.expect("wangfang", "/提醒 开启", "请写上提醒的名称。用法：/提醒 ")
		c.expect("wangfang", "/提醒 测试 月报", "没有「月报」这个提醒。")
		c.expect("zhangsan", "/帮助 提醒", "子命令：",
			"/提醒 列表 — 查看每个提醒的时间、开关和下次发送（团队成员）",
			"/提醒 设置 名称 时间 — 改提醒的时间（主管，你目前不能使用）",
			"/提醒 测试 名称 — ")
		c.expect("wangfang", "/帮助 提醒", "/提醒 关闭 名称 — 关闭提醒（主管）")
	})
}

// /假期's 添加 and 删除 are rows only the supervisor may use, refused by the
// Engine with their own wording; /帮助 假期 lists the rows.
func TestHolidaySubcommandRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("zhangsan", "/假期 删除 2026-12-31", "设置团队假期只有主管可以（现任主管：王芳）；发送 /假期 查看。")
		c.expect("zhangsan", "/假期 添加", "设置团队假期只有主管可以")
		c.expect("zhangsan", "/假期 列表", "接下来 60 天的假期和调休")
		c.expect("zhangsan", "/假期 放假", "不认识「放假」。用法：/假期 列表 | 添加 日期[到结束日期] 休息|上班 说明 | 删除 日期")
		c.expect("zhangsan", "/帮助 假期", "子命令：",
			"/假期 列表 — 查看接下来 60 天的假期和调休（团队成员）",
			"/假期 添加 日期[到结束日期] 休息|上班 说明 — ", "（主管，你目前不能使用）",
			"/假期 删除 日期 — ")
		c.expect("wangfang", "/假期 删除 2026-12-31", "没有团队自己设置的假期")
	})
}
