package commands_test

import (
	"strings"
	"testing"

	"teambot/commands"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// /会议's subcommands are rows of the table, each with its Who (R8-R12:
// the supervisor runs meetings, members dispute and read their record);
// /会议 申诉's own rows, 批准 and 驳回, are the supervisor's.
func TestMeetingRowsSayWhoMayUseThem(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		meeting, ok := c.engine.Registry().Lookup("meeting")
		if !ok {
			t.Fatal("no /会议 in the table")
		}
		want := map[string]commands.Who{
			"设置": commands.Supervisor, "通知": commands.Supervisor, "议程": commands.Supervisor, "点名": commands.Supervisor,
			"结束": commands.Supervisor, "取消": commands.Supervisor, "建议": commands.Supervisor,
			"申诉": commands.Member, "记录": commands.Member,
			"设置 关闭": commands.Supervisor, "申诉 批准": commands.Supervisor, "申诉 驳回": commands.Supervisor, "申诉 列表": commands.Member,
		}
		got := map[string]commands.Who{}
		for _, s := range meeting.Sub {
			got[s.Chinese] = s.Who
			for _, n := range s.Sub {
				got[s.Chinese+" "+n.Chinese] = n.Who
			}
		}
		for row, who := range want {
			if g, ok := got[row]; !ok || g != who {
				t.Errorf("/会议 %s: Who %v (row there: %v), want %v", row, g, ok, who)
			}
		}
		if len(got) != len(want) {
			t.Errorf("/会议 has rows %v, want %v", got, want)
		}
	})
}

// The engine refuses a member a supervisor's row of /会议 with the row's
// own wording before the handler reads anything: nothing is recorded, and
// a missing dispute number is not what the member hears about.
func TestMeetingSupervisorRowsRefuseMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		for text, what := range map[string]string{
			"/会议 设置 周一 10:00":         "设置每周例会",
			"/会议 设置 关闭":               "设置每周例会",
			"/会议 通知 明天 15:00 站会":      "召集会议",
			"/会议 安排 明天 15:00 站会":      "召集会议",
			"/会议 议程 复盘":               "设置议程",
			"/会议 点名 @张三":              "点名",
			"/会议 结束":                  "结束会议",
			"/会议 end":                 "结束会议",
			"/会议 取消 团建改期":             "取消会议",
			"/会议 提醒":                  "查看缺勤提醒",
			"/会议 申诉 批准":               "批准申诉",
			"/会议 申诉 驳回 1 没有病历":        "驳回申诉",
			"/meeting dispute reject": "驳回申诉",
		} {
			got := c.expect("zhangsan", text, what+"只有主管可以操作（现任主管：王芳）。")
			if strings.Contains(got, "编号") {
				t.Errorf("%s: the member is asked for a number before being refused: %s", text, got)
			}
		}
		c.expect("zhangsan", "/会议", "还没有安排会议", "本团队没有每周例会")
		c.expect("stranger", "/会议 申诉 列表", "/会议 只有团队成员可以使用")
		c.expect("wangfang", "/会议 申诉 批准", "请写上申诉的编号，例如 /会议 申诉 批准 1。发送 /会议 申诉 列表 查看编号。")
		c.expect("wangfang", "/会议 申诉 驳回 abc", "「abc」不是申诉的编号，编号是数字，例如 /会议 申诉 驳回 1。")
		// The number is read like every record number, full-width too.
		c.expect("wangfang", "/会议 申诉 批准 ＃9", "没有编号 #9 的申诉")
	})
}

// 设置 关闭 is a row of 设置; words after it are read as a time, and
// refused, as before; the English word is read in any case.
func TestMeetingScheduleOff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("wangfang", "/会议 设置 周一 10:00", "每周例会定在每周一 10:00")
		if got := c.say("wangfang", "/会议 设置 关闭 吧"); strings.Contains(got, "已关闭") {
			t.Errorf("/会议 设置 关闭 吧 closed the weekly meeting: %s", got)
		}
		c.expect("zhangsan", "/会议", "每周例会")
		c.expect("wangfang", "/会议 设置 OFF", "已关闭每周例会")
		c.expect("zhangsan", "/会议", "本团队没有每周例会")
	})
}

// /帮助 会议 lists /会议's rows with who may use each; /签到 has none.
func TestMeetingHelpListsRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		got := c.expect("zhangsan", "/帮助 会议", "子命令：",
			"/会议 设置 周一 10:00 [时长] — 设定每周例会的时间和时长（主管，你目前不能使用）\n/会议 设置 关闭 — ",
			"/会议 申诉 日期 理由 — 申诉缺席（会议结束后 48 小时内）（团队成员）\n/会议 申诉 批准 编号 — ",
			"/会议 记录 [@名字] — 查看最近的出勤记录（别人的只有主管可以看）（团队成员）",
			"/会议 建议 — 在单聊中查看缺勤提醒（R12）（主管，你目前不能使用）")
		if strings.Contains(got, "/会议 下次") {
			t.Errorf("下次 is the default form, not a row:\n%s", got)
		}
		c.expect("wangfang", "/帮助 会议", "/会议 通知 日期 时间 议程 — 召集临时会议（主管）\n")
		if got := c.expect("zhangsan", "/帮助 签到", "用法：/签到\n", "谁可以用：团队成员"); strings.Contains(got, "子命令") {
			t.Errorf("/帮助 签到 lists subcommands:\n%s", got)
		}
	})
}

// /签到 is for members: the engine refuses anyone else.
func TestCheckInIsForMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		c.expect("stranger", "/签到", "/签到 只有团队成员可以使用")
		c.expect("zhangsan", "/checkin", "现在没有可以签到的会议")
	})
}
