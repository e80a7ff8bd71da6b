package main

import (
	"context"
	"strings"
	"testing"

	"teambot/storage/storagetest"
)

// under reports whether msg appears in the console's output after header
// (a ⏰ line), both present.
func under(out, header, msg string) bool {
	i := strings.Index(out, header)
	return i >= 0 && strings.Index(out[i:], msg) > 0
}

// inBatch reports whether msg is one of the messages printed under the
// time line header, before the next one.
func inBatch(out, header, msg string) bool {
	i := strings.Index(out, header)
	if i < 0 {
		return false
	}
	batch := out[i+len(header):]
	if next := strings.Index(batch, "⏰"); next >= 0 {
		batch = batch[:next]
	}
	return strings.Contains(batch, msg)
}

// timeLines are the ⏰ lines of the console's output, in order.
func timeLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "⏰ ") {
			lines = append(lines, strings.TrimPrefix(l, "⏰ "))
		}
	}
	return lines
}

// The week's team of TestConsoleWeek, with a weekly meeting, created on
// Wednesday 2026-11-25 12:00 in the chat console.
var consoleTeam = []string{
	":time 2026-11-25T12:00",
	":as wangfang", "/join 王芳", ":as zhangsan", "/加入 张三 文案", ":as lisi", "/加入 李四 美工",
	":as boss", "/主管 @王芳", ":as wangfang", "/会议 设置 周一 10:00",
}

// One :time across a week and a half plays every firing on the way at its
// own time, in order, each batch under the line of its time — the Friday
// nag and notice, the Monday reminder, digest and 30-minute reminder, the
// month's last workday, the meeting closing itself — and none is sent late as missed. The console prints no log (that takes
// -v) and stderr stays empty.
func TestConsoleTimePlaysEveryFiring(t *testing.T) {
	script := strings.Join(append(consoleTeam, ":time 2026-12-07T12:00"), "\n")
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"console"}, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)),
		strings.NewReader(script), &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2026-11-27 15:00 周五", "2026-11-27 17:00 周五", "2026-11-30 09:00 周一", "2026-11-30 09:30 周一",
		"2026-11-30 10:00 周一", // the last workday of November: 月报提醒
		"2026-11-30 11:00 周一", // the meeting closes itself at its end (R12)
		"2026-12-04 15:00 周五", "2026-12-04 17:00 周五", "2026-12-07 09:00 周一", "2026-12-07 09:30 周一",
		"2026-12-07 11:00 周一",
	}
	if got := timeLines(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("time lines:\n%s\nwant:\n%s\nconsole:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), out.String())
	}
	for _, b := range []struct{ at, msg string }{
		{"⏰ 2026-11-27 15:00 周五", "【群 console】【周报催交】本周 2026-W48（11月23日–11月29日）还有 2 人没交周报"},
		{"⏰ 2026-11-27 17:00 周五", "【群 console】【会议通知】11月30日（周一）10:00–11:00（每周例会）"},
		{"⏰ 2026-11-30 09:00 周一", "【群 console】【周报提醒】本周 2026-W49（11月30日–12月6日）的周报开始提交"},
		{"⏰ 2026-11-30 09:30 周一", "【私信 → wangfang】【周报汇总】上周 2026-W48（11月23日–11月29日）"},
		{"⏰ 2026-11-30 09:30 周一", "【群 console】【会前提醒】30 分钟后开会：11月30日（周一）10:00–11:00（每周例会）"},
		{"⏰ 2026-11-30 10:00 周一", "【私信 → wangfang】今天是本月最后一个工作日，请向公司汇报本月工作（月度工作报告如下，可直接转发；保密附录另发）。"},
		{"⏰ 2026-12-04 15:00 周五", "【群 console】【周报催交】本周 2026-W49（11月30日–12月6日）还有 2 人没交周报"},
		{"⏰ 2026-12-04 17:00 周五", "【群 console】【会议通知】12月7日（周一）10:00–11:00（每周例会）"},
		{"⏰ 2026-12-07 09:00 周一", "【群 console】【周报提醒】本周 2026-W50（12月7日–12月13日）的周报开始提交"},
		{"⏰ 2026-12-07 09:30 周一", "【私信 → wangfang】【周报汇总】上周 2026-W49（11月30日–12月6日）"},
		{"⏰ 2026-12-07 09:30 周一", "【群 console】【会前提醒】30 分钟后开会：12月7日（周一）10:00–11:00（每周例会）"},
	} {
		if !inBatch(out.String(), b.at, b.msg) {
			t.Errorf("want %q under %q; console:\n%s", b.msg, b.at, out.String())
		}
	}
	// Within a minute, the reminders come before the meeting's.
	if i := strings.Index(out.String(), "【私信 → wangfang】【周报汇总】上周 2026-W48"); i < 0 || i > strings.Index(out.String(), "【会前提醒】30 分钟后开会：11月30日") {
		t.Errorf("the digest must come before the 30-minute reminder of the same minute:\n%s", out.String())
	}
	if !strings.HasSuffix(out.String(), "（现在是 2026-12-07 12:00 周一）\n") {
		t.Errorf("the console does not end at the time set:\n%s", out.String())
	}
	if errOut.Len() > 0 || strings.Contains(out.String(), "level=") || strings.Contains(out.String(), "missed") {
		t.Errorf("log lines without -v; stderr:\n%s\nstdout:\n%s", errOut.String(), out.String())
	}
}

// With -v the bot's log goes to stderr, never to the console's output.
func TestConsoleVerbose(t *testing.T) {
	// Ten days on, what the commands left behind is pruned, which is logged.
	script := strings.Join(append(consoleTeam, ":time 2026-12-05T12:00"), "\n")
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"console", "-v"}, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)),
		strings.NewReader(script), &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "level=INFO msg=") {
		t.Errorf("-v: stderr lacks the log:\n%s", errOut.String())
	}
	if strings.Contains(out.String(), "level=") || len(timeLines(out.String())) == 0 {
		t.Errorf("-v: the console's output must hold the chat and no log:\n%s", out.String())
	}
}

// Two teams whose reminders fire at the same minutes print in the same
// order on every run: team by team, each team's reminders in the table's
// order, then the meetings' reminders.
func TestConsoleTimeFixedOrder(t *testing.T) {
	script := strings.Join(append(append(consoleTeam,
		":chat other", ":as zhouyi", "/加入 周一 文案", ":as wuer", "/加入 吴二 美工", ":as boss", "/主管 @吴二",
		":as wuer", "/会议 设置 周一 09:30", ":chat console"),
		":time 2026-12-07T12:00"), "\n")
	var first string
	for i := range 3 {
		out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
		if i == 0 {
			first = out
			continue
		}
		if out != first {
			t.Fatalf("run %d printed differently:\n%s\nfirst run:\n%s", i+1, out, first)
		}
	}
	batch := first[strings.Index(first, "⏰ 2026-11-30 09:00 周一"):strings.Index(first, "⏰ 2026-11-30 09:30 周一")]
	if !(strings.Index(batch, "【群 console】【周报提醒】") < strings.Index(batch, "【群 other】【周报提醒】") &&
		strings.Index(batch, "【群 other】【周报提醒】") < strings.Index(batch, "【群 other】【会前提醒】")) {
		t.Errorf("the 09:00 batch is out of order:\n%s", batch)
	}
}

// :time to before the team existed says so and only sets the clock; going
// forward again plays nothing from before the team was created, not even
// the reminder of a weekly meeting that would have been on the Monday
// before.
func TestConsoleTimeBeforeTeam(t *testing.T) {
	script := strings.Join(append(consoleTeam, ":time 2026-11-20T09:00", ":time 2026-11-27T16:00"), "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
	if !strings.Contains(out, "（2026-11-20 09:00 周五 时这个群的团队还不存在：它创建于 2026-11-25 12:00 周三，那之前没有提醒）\n（现在是 2026-11-20 09:00 周五）") {
		t.Errorf("no word that the team did not exist yet:\n%s", out)
	}
	if got := strings.Join(timeLines(out), ", "); got != "2026-11-27 15:00 周五" {
		t.Errorf("time lines %q, want only the nag of 11-27 15:00 (nothing from before 11-25 12:00):\n%s", got, out)
	}
}

// A vote's reminder two hours before its deadline and its close at the
// deadline are played at their own times too, though no cron spec names
// them.
func TestConsoleTimePlaysVotes(t *testing.T) {
	script := strings.Join(append(consoleTeam,
		":time 2026-11-25T13:00", ":as zhangsan", "/投票 发起 换新的海报模板 截止 2026-11-26 15:00", "/同意",
		":time 2026-11-27T12:00"), "\n")
	out := consoleRun(t, env("TEAMBOT_ADMINS", "boss", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), script)
	if got := strings.Join(timeLines(out), ", "); got != "2026-11-26 13:00 周四, 2026-11-26 15:00 周四" {
		t.Errorf("time lines %q, want the vote's reminder at 13:00 and its close at 15:00:\n%s", got, out)
	}
	if !inBatch(out, "⏰ 2026-11-26 13:00 周四", "【投票催促】") || !inBatch(out, "⏰ 2026-11-26 15:00 周四", "换新的海报模板") {
		t.Errorf("the vote's reminder or result is not under its time:\n%s", out)
	}
}
