package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// shanghai is the teams' time zone in these tests.
var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// At is a wall-clock time in Shanghai.
func at(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, shanghai)
}

// clockChat is a chat whose clock the test moves by setting *clock; it
// starts at now, Wednesday 2026-11-25 10:00 in Shanghai (week 2026-W48).
func clockChat(t *testing.T, db *storage.DB) (*chat, *time.Time) {
	t.Helper()
	c := newChat(t, db)
	clock := now
	e, err := rulebook.New(commands.Config{
		Store: commands.StoreOf(db.Update), Now: func() time.Time { return clock },
		Admins: []string{"boss"}, TimeZone: "Asia/Shanghai", BotNames: []string{"TeamBot"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.engine = e
	return c, &clock
}

// reportTeam is the team plus 李四 美工: 王芳 supervises, 张三 and
// 李四 report.
func reportTeam(c *chat) {
	c.t.Helper()
	setup(c)
	admit(c, "lisi", "李四 美工")
}

// history is every stored version of a member's reports in 2026.
func (c *chat) history(userID string) []teambot.Report {
	c.t.Helper()
	var out []teambot.Report
	c.inTeam(func(ctx context.Context, tx *storage.Tx, team teambot.Team) error {
		m, err := tx.MemberByUser(ctx, team.ID, userID)
		if err != nil {
			return err
		}
		out, err = tx.ReportHistory(ctx, team.ID, m.ID, teambot.Week{Year: 2026, Week: 1}, teambot.Week{Year: 2026, Week: 53})
		return err
	})
	return out
}

// R4: a member submits this week's report, replaces it (history is kept),
// and a first submission after the deadline is marked late; an edit after
// the deadline keeps the first version's mark.
func TestSubmitReport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/周报", "你还没有提交本周 2026-W48（11月23日–11月29日）的周报，截止 11月27日（周五）18:00")
		c.expect("zhangsan", "/周报 完成公众号推文 3 篇",
			"已提交 2026-W48（11月23日–11月29日）的周报，第 1 版，共 11 字，按时（截止 11月27日（周五）18:00）")
		c.expect("zhangsan", "@TeamBot /周报：完成推文 3 篇\n整理素材库", "已提交 2026-W48（11月23日–11月29日）的周报，第 2 版", "之前的版本保留在历史里")
		c.expect("zhangsan", "/周报", "你已提交本周 2026-W48（11月23日–11月29日）的周报：第 2 版，11月25日（周三）10:00 提交，按时")

		*clock = at(2026, 11, 27, 18, 0) // exactly at the deadline: on time
		c.expect("lisi", "/小结 做了海报", "第 1 版", "按时")
		*clock = at(2026, 11, 27, 18, 1)
		c.expect("lisi", "/report 做了海报和 banner", "第 2 版", "按时（以第 1 版为准，截止 11月27日（周五）18:00），已修改")

		h := c.history("zhangsan")
		if len(h) != 2 || h[0].Text != "完成公众号推文 3 篇" || h[1].Text != "完成推文 3 篇\n整理素材库" || h[1].Version != 2 {
			t.Errorf("history = %+v, want both versions, the free text as written", h)
		}
		if h := c.history("lisi"); len(h) != 2 || h[0].Late || h[1].Late {
			t.Errorf("lisi's history = %+v, want v2 on time like v1", h)
		}
		var submits []string
		for _, e := range c.audit() {
			if e.Action == "report.submit" {
				submits = append(submits, e.Actor+" "+e.Detail)
				if strings.Contains(e.Detail, "推文") || strings.Contains(e.Detail, "海报") {
					t.Errorf("audit detail holds report text: %q", e.Detail)
				}
			}
		}
		want := []string{"zhangsan 2026-W48 第 1 版，11 字，按时", "zhangsan 2026-W48 第 2 版，14 字，按时",
			"lisi 2026-W48 第 1 版，4 字，按时", "lisi 2026-W48 第 2 版，12 字，按时"}
		if strings.Join(submits, "|") != strings.Join(want, "|") {
			t.Errorf("audit:\n got %q\nwant %q", submits, want)
		}
	})
}

// A report may name its week: 上周, or --week; never a future week, not
// even as 下周 (R4).
func TestSubmitReportForAnotherWeek(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/周报 上周：补交，做了双十一复盘", "已提交 2026-W47（11月16日–11月22日）的周报，第 1 版", "迟交（截止时间 11月20日（周五）18:00 已过）")
		c.expect("zhangsan", "/周报 --week 2026-W46 更早的", "已提交 2026-W46（11月9日–11月15日）的周报")
		c.expect("zhangsan", "/周报 —week=2026w45 手机打的破折号", "已提交 2026-W45（11月2日–11月8日）的周报")
		c.expect("zhangsan", "/周报 --week 2026-W49 提前写", "2026-W49（11月30日–12月6日）还没开始，不能提前交周报。本周是 2026-W48")
		// 下周 names next week, refused the same way, not stored as this week's text.
		c.expect("zhangsan", "/周报 下周 先写好的计划", "2026-W49（11月30日–12月6日）还没开始，不能提前交周报。本周是 2026-W48")
		c.expect("zhangsan", "/周报 --week 48 内容", "--week 后面要写周，例如 /周报 --week 2026-W47 内容")
		c.expect("zhangsan", "/周报 last", "请在 /周报 后面写上本周的工作小结")

		texts := map[string]string{}
		for _, r := range c.history("zhangsan") {
			texts[r.Week.String()] = r.Text
		}
		want := map[string]string{"2026-W47": "补交，做了双十一复盘", "2026-W46": "更早的", "2026-W45": "手机打的破折号"}
		for w, text := range want {
			if texts[w] != text {
				t.Errorf("%s: stored %q, want %q", w, texts[w], text)
			}
		}
		if len(texts) != len(want) {
			t.Errorf("stored weeks %v, want %v", texts, want)
		}
	})
}

// A report that seems to carry a password is refused and stored nowhere;
// the sender is told to change it (R13). Over-long reports are refused
// with the limit and the actual length.
func TestReportRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		reportTeam(c)
		const secret = "Abc12345xyz"
		got := c.expect("zhangsan", "/周报 交接了抖音账号，密码："+secret, "像是写了密码，没有保存", "请立即修改这个密码")
		if strings.Contains(got, secret) {
			t.Errorf("the refusal repeats the password: %s", got)
		}
		c.expect("zhangsan", "/周报 "+strings.Repeat("字", 4001), "周报最多 4000 字，这份有 4001 字")
		c.expect("zhangsan", "/周报 "+strings.Repeat("字", 4000), "第 1 版，共 4000 字")
		c.expect("zhangsan", "/周报 密码是什么时候改的，已查明", "第 2 版")
		c.expect("outsider", "/周报 我也写", "/周报 只有团队成员可以使用")
		c.expect("zhangsan", "/周报 \u3000 ", "你已提交本周")

		for _, r := range c.history("zhangsan") {
			if strings.Contains(r.Text, secret) {
				t.Errorf("the password was stored: %+v", r)
			}
		}
		if n := len(c.history("zhangsan")); n != 2 {
			t.Errorf("%d versions stored, want 2", n)
		}
		for _, e := range c.audit() {
			if strings.Contains(e.Detail, secret) || strings.Contains(e.Detail, "密码") {
				t.Errorf("audit row mentions the password: %+v", e)
			}
		}
	})
}

// R14: a member's own reports and, for the supervisor, anyone's are shown in
// full; other members learn only whether a report was submitted. In the
// group, someone else's text reaches the supervisor privately.
func TestShowReports(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/周报 第一版")
		c.expect("zhangsan", "/周报 本周机密进展：新品定价 99 元")
		c.expect("zhangsan", "/周报 上周 上周的")

		own := c.send(teambot.Message{ChatID: c.chatID, UserID: "zhangsan", Text: "/周报 查看"})
		if !strings.Contains(own.Text, "2026-W48（11月23日–11月29日）第 2 版（#2），11月25日（周三）10:00 提交，按时，已修改：\n本周机密进展：新品定价 99 元") ||
			strings.Contains(own.Text, "第一版") || own.Private {
			t.Errorf("own report: private=%v\n%s", own.Private, own.Text)
		}
		other := c.expect("lisi", "/周报 查看 @张三", "张三 已提交 2026-W48（11月23日–11月29日）的周报。周报内容只有本人和主管可以查看。")
		if strings.Contains(other, "机密") || strings.Contains(other, "按时") {
			t.Errorf("another member sees more than whether it was submitted:\n%s", other)
		}
		c.expect("lisi", "/周报 查看 张三 上周", "张三 已提交 2026-W47（11月16日–11月22日）的周报")
		c.expect("lisi", "/周报 查看 @王芳", "王芳 还没有提交 2026-W48（11月23日–11月29日）的周报")
		c.expect("lisi", "/周报 查看 @张三 2026-W46..2026-W48", "2026-W46（11月9日–11月15日）：未提交", "2026-W47（11月16日–11月22日）：已提交")

		sup := c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: "/周报 查看 @张三"})
		if !sup.Private || !strings.Contains(sup.Text, "本周机密进展") {
			t.Errorf("supervisor's view in the group: private=%v\n%s", sup.Private, sup.Text)
		}
		rng := c.send(teambot.Message{ChatID: c.chatID, UserID: "wangfang", Text: "/周报 查看 2026-W46..本周 @张三"})
		for _, want := range []string{"张三 的周报，2026-W46 至 2026-W48（11月9日–11月29日）", "2026-W46（11月9日–11月15日）：未提交", "上周的", "本周机密进展"} {
			if !strings.Contains(rng.Text, want) || !rng.Private {
				t.Errorf("range view lacks %q (private=%v):\n%s", want, rng.Private, rng.Text)
			}
		}
		c.expect("zhangsan", "/周报 查看 @王五", "没有名为「王五」的成员")
		c.expect("zhangsan", "/周报 查看 2026-W60", "看不懂周「2026-W60」")
		c.expect("zhangsan", "/周报 查看 2026-W48..2026-W40", "开始晚于结束")
		c.expect("zhangsan", "/周报 查看 2025-W01..2026-W48", "一次最多查看 26 周")
		c.expect("zhangsan", "/周报 查看 @李四 @王芳", "一次只能查看一位成员")
	})
}

// R4: every active member except the supervisor who joined before the
// week's end is expected; the status sorts them.
func TestReportStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		admit(c, "zhaoliu", "赵六 推广")
		admit(c, "qianqi", "钱七 客服")
		c.expect("wangfang", "/移除 @钱七")
		c.expect("zhangsan", "/周报 按时的")
		*clock = at(2026, 11, 28, 9, 0)
		c.expect("lisi", "/周报 迟到的")
		c.expect("wangfang", "/周报 我是主管也写了")
		c.expect("zhangsan", "/周报 状态", "2026-W48（11月23日–11月29日）周报状态，截止 11月27日（周五）18:00\n应交 3 人，已交 2 人\n按时（1）：张三\n迟交（1）：李四\n未交（1）：赵六")
		// Someone who joins in week 49 is not expected in week 48.
		*clock = at(2026, 11, 30, 9, 0)
		admit(c, "sunba", "孙八 技术")
		c.expect("sunba", "/周报 状态 上周", "应交 3 人", "未交（1）：赵六")
		c.expect("sunba", "/周报 状态", "2026-W49（11月30日–12月6日）", "应交 4 人", "未交（4）：张三、李四、赵六、孙八")
		// The supervisor's bare /周报 is the status.
		c.expect("wangfang", "/周报", "2026-W49（11月30日–12月6日）周报状态")
		c.expect("sunba", "/周报 状态 2026-W48 2026-W49", "最多写一个周")
	})
}

// The supervisor closes a week: no more submissions or edits for it.
func TestCloseReportWeek(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		*clock = at(2026, 11, 16, 9, 0) // everyone is on the roster in week 47
		c.expect("wangfang", "/join 王芳")
		c.expect("zhangsan", "/加入 张三 文案")
		c.expect("lisi", "/加入 李四 美工")
		*clock = now
		c.expect("boss", "/主管 @王芳", "王芳 现在是主管")
		c.expect("zhangsan", "/周报 上周 上周的")
		c.expect("zhangsan", "/周报 结束 上周", "结束一周的周报只有主管可以操作（现任主管：王芳）")
		c.expect("wangfang", "/周报 结束", "请写上要结束的周，例如 /周报 结束 2026-W47")
		c.expect("wangfang", "/周报 结束 2026-W49", "还没开始，不能结束")
		c.expect("wangfang", "/周报 结束 上周", "已结束 2026-W47（11月16日–11月22日）的周报：之后不能再提交或修改。应交 2 人，收到 1 份周报，未交：李四。")
		c.expect("wangfang", "/周报 结束 2026-W47", "2026-W47（11月16日–11月22日）的周报已经在 11月25日（周三）10:00 结束了")
		c.expect("zhangsan", "/周报 上周 改一改", "2026-W47（11月16日–11月22日）的周报已由主管在 11月25日（周三）10:00 结束，不能再提交或修改")
		c.expect("lisi", "/周报 --week 2026-W47 补交", "已由主管在 11月25日（周三）10:00 结束")
		c.expect("lisi", "/周报 本周的", "已提交 2026-W48")
		c.expect("lisi", "/周报 状态 上周", "主管已于 11月25日（周三）10:00 结束")
		if h := c.history("zhangsan"); len(h) != 1 || h[0].Text != "上周的" {
			t.Errorf("after close: %+v", h)
		}
		c.expect("wangfang", "/周报 结束 本周", "已结束 2026-W48", "注意：本周还没过完")
		var closes int
		for _, e := range c.audit() {
			if e.Action == "report.close" {
				closes++
			}
		}
		if closes != 2 {
			t.Errorf("%d report.close audit rows, want 2", closes)
		}
	})
}

// The supervisor sets the team's weekly deadline; later submissions are
// judged by it, earlier ones keep their mark.
func TestReportDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/周报 写在改截止之前", "按时")
		c.expect("zhangsan", "/周报 截止", "周报截止时间：每周五 18:00（Asia/Shanghai）。本周 2026-W48（11月23日–11月29日）截止 11月27日（周五）18:00")
		c.expect("zhangsan", "/周报 截止 周四 12:00", "修改周报截止时间只有主管可以操作（现任主管：王芳）")
		c.expect("wangfang", "/周报 截止 周三 9:00", "周报截止时间已改为每周三 09:00（Asia/Shanghai），原来是每周五 18:00。本周 2026-W48（11月23日–11月29日）截止 11月25日（周三）09:00")
		c.expect("lisi", "/周报 改了之后才写", "迟交（截止时间 11月25日（周三）09:00 已过）")
		c.expect("wangfang", "/周报 截止 星期日 下午6点", "已改为每周日 18:00")
		c.expect("wangfang", "/周报 截止 fri 18:30", "已改为每周五 18:30")
		c.expect("wangfang", "/周报 截止 周八 18:00", "看不懂截止时间「周八 18:00」")
		c.expect("wangfang", "/周报 截止 周五 25:00", "不是有效的时刻")
		if h := c.history("zhangsan"); len(h) != 1 || h[0].Late {
			t.Errorf("an earlier report changed its mark: %+v", h)
		}
		var details []string
		for _, e := range c.audit() {
			if e.Action == "report.deadline" {
				details = append(details, e.Detail)
			}
		}
		if len(details) != 3 || details[0] != "原 每周五 18:00；新 每周三 09:00" {
			t.Errorf("deadline audit = %q", details)
		}
	})
}

// R4: a week's on-time status is decided by its first submission; an edit
// after the deadline keeps it and is marked 已修改, and a late first
// version stays late however it is edited.
func TestReportEditKeepsFirstStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		c.expect("zhangsan", "/周报 按时写的", "第 1 版", "按时")
		*clock = at(2026, 11, 28, 9, 0)
		c.expect("lisi", "/周报 迟了", "第 1 版", "迟交")
		c.expect("zhangsan", "/周报 周六改了一下", "第 2 版", "按时（以第 1 版为准，截止 11月27日（周五）18:00），已修改")
		*clock = at(2026, 11, 28, 10, 0)
		c.expect("lisi", "/周报 改了也还是迟交", "第 2 版", "迟交")
		if h := c.history("zhangsan"); len(h) != 2 || h[1].Late {
			t.Errorf("zhangsan's history = %+v, want the edit on time like the first version", h)
		}
		if h := c.history("lisi"); len(h) != 2 || !h[1].Late {
			t.Errorf("lisi's history = %+v, want the edit late like the first version", h)
		}
		c.expect("zhangsan", "/周报 状态", "按时（1）：张三（已修改）", "迟交（1）：李四（已修改）")
		c.expect("zhangsan", "/周报 查看", "第 2 版（#3），11月28日（周六）09:00 提交，按时，已修改")
	})
}

// R4: a member on approved leave for all of a week's workdays is excused
// and is not counted among those who must report.
func TestReportCountsOnlyThoseWhoMustReport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := clockChat(t, db)
		reportTeam(c)
		admit(c, "zhaoliu", "赵六 推广")
		c.expect("zhaoliu", "/请假 11月30日到12月4日 回老家", "#1")
		c.expect("wangfang", "/请假 批准 1")
		*clock = at(2026, 11, 30, 9, 0)
		c.expect("zhangsan", "/周报 本周的")
		c.expect("lisi", "/周报 状态", "应交 2 人，已交 1 人，请假免交 1 人", "未交（1）：李四", "请假（1）：赵六")
		open := c.fire(openJob, at(2026, 11, 30, 9, 0))
		if len(open) != 1 || !strings.Contains(open[0].Text, "应交 2 人，已交 1 人，请假免交 1 人") {
			t.Errorf("周报提醒 = %+v, want the counts of those who must report", open)
		}
		digest := c.fire(digestGroup, at(2026, 12, 7, 9, 30))
		if len(digest) != 1 || !strings.Contains(digest[0].Text, "应交 2 人，已交 1 人，请假免交 1 人") {
			t.Errorf("周报汇总 = %+v, want the counts of those who must report", digest)
		}
	})
}
