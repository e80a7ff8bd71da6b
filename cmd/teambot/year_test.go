package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/storage/storagetest"
)

// A school year of one team, 2026-09-01 to 2027-08-31, played through the
// console's clock (:time, Scheduler.Play): the same reminders, one-off
// firings and outbox as serve, each firing at its own time.
//
// The team: 王芳 the supervisor and five members in roles. A weekly
// meeting on Monday 10:00; weekly reports on Wednesday, 钱七's a day late
// every fourth week, 孙八's missing every sixth week; 赵六 asks for a day
// of leave every eighth week (Monday, approved Tuesday at noon) and 李四
// is on leave for a whole week in March. The default reminders stay on.

// yearStart and yearEnd bound the year played.
var (
	yearStart = time.Date(2026, 9, 1, 9, 0, 0, 0, shanghai)
	yearEnd   = time.Date(2027, 8, 31, 23, 59, 0, 0, shanghai)
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// yearKinds is how many messages of each kind the year sends, one row
// per kind, with the reason. A message's kind is the 【…】 it starts with,
// or for the few without one, the name kindOf gives it. Rows marked
// "changes:" will change with work under way: report deadlines on
// holiday weeks (the deadline on the last workday of its week, weeks
// without one exempt, the nag on the last workday before the deadline),
// the new 任期提醒, and meetings that close themselves at their end time.
var yearKinds = []struct {
	kind   string
	want   int
	reason string
}{
	{"周报提醒", 52, "every Monday from 2026-09-07 to 2027-08-30; a Monday off moves to the next workday of its week " +
		"(2026-W41 to Thu 10-08, 2027-W06 to Sun 02-14); no week of the year is without a workday from Monday on. " +
		"changes: a week without a workday becomes exempt (none this year, so likely still 52)"},
	{"周报汇总", 52, "one per 周报提醒 Monday, 09:30, on the previous week (2026-W36 … 2027-W34); moved like it"},
	{"周报催交", 17, "weeks with a report missing at Fri 15:00: 2026-W36 (team created Tuesday, nobody had reported) " +
		"+ 钱七 late in weeks ≡1 mod 4 (13) + 孙八 missing in weeks ≡5 mod 6 (8) − both (4: weeks 5, 17, 29, 41) " +
		"− 2027-W05, whose Friday to Sunday is Spring Festival (skipped, see 跳过说明); 李四's week of leave is excused. " +
		"changes: the nag moves back to the last workday before the deadline, so 2027-W05 gets one (18)"},
	{"跳过说明", 1, "2027-W05: the 周报催交 of Fri 02-05 has no workday left in its week (Spring Festival) and had 钱七 to name. " +
		"changes: gone when the nag moves back (0)"},
	{"会议通知", 52, "one per weekly meeting, Mon 10:00 (moved off a day off: 2026-10-08 Thu, 2027-02-14 Sun), 17:00 of the workday before"},
	{"会前提醒", 52, "one per weekly meeting, 30 minutes before it"},
	{"待批请假", 7, "赵六's 7 requests wait from Monday 11:00 to Tuesday 12:00: one reminder each at Tue 10:00; 李四's is approved at once"},
	{"请假批准", 8, "the private note to the member when each of the 8 requests is approved"},
	{"月报提醒", 12, "last workday of each month from 2026-09 to 2027-08, 10:00"},
	{"账号核对", 0, "quarterly, but the team registered no account"},
	{"账号核对结果", 0, "nothing to check"},
	{"账号移交", 0, "nobody left the team"},
	{"平台更新检查", 0, "no platform registered"},
	{"活动检查", 0, "no platform registered"},
	{"任期提醒", 0, "changes: the new reminder, 30 days before the term ends on 2027-09-01: one on 2027-08-02 (1)"},
	{"缺勤提醒", 0, "no meeting is ever closed, so nobody is absent. " +
		"changes: meetings that close themselves at their end time mark everyone absent (nobody checks in), " +
		"so the second meeting of the year on proposes warnings; update this row to what they send"},
}

// yearRoster is the team: user id, name, role.
var yearRoster = [][3]string{
	{"wangfang", "王芳", ""}, {"zhangsan", "张三", "文案"}, {"lisi", "李四", "美工"},
	{"zhaoliu", "赵六", "技术"}, {"qianqi", "钱七", "推广"}, {"sunba", "孙八", "客服"},
}

// yearScript is the console input of the year.
func yearScript() string {
	var s []string
	at := func(t time.Time) { s = append(s, ":time "+t.Format("2006-01-02T15:04")) }
	say := func(user, text string) { s = append(s, ":as "+user, text) }
	at(yearStart)
	for _, m := range yearRoster {
		say(m[0], strings.TrimSpace("/加入 "+m[1]+" "+m[2]))
	}
	say("admin", "/主管 @王芳")
	say("wangfang", "/会议 设置 周一 10:00")
	leaves := 0
	// Week by week from the first Monday after the start.
	for week, mon := 0, time.Date(2026, 9, 7, 0, 0, 0, 0, shanghai); mon.Before(yearEnd); week, mon = week+1, mon.AddDate(0, 0, 7) {
		day := func(d, h, min int) time.Time {
			return mon.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
		}
		if week%8 == 3 {
			at(day(0, 11, 0))
			say("zhaoliu", "/请假 "+day(3, 0, 0).Format("2006-01-02")+" 家里有事")
			leaves++
			at(day(1, 12, 0))
			say("wangfang", fmt.Sprintf("/请假 批准 %d", leaves))
		}
		if mon.Equal(time.Date(2027, 3, 8, 0, 0, 0, 0, shanghai)) {
			at(day(0, 11, 30))
			say("lisi", "/请假 "+day(0, 0, 0).Format("2006-01-02")+"到"+day(4, 0, 0).Format("2006-01-02")+" 培训")
			leaves++
			say("wangfang", fmt.Sprintf("/请假 批准 %d", leaves))
		}
		at(day(2, 11, 0))
		for _, m := range yearRoster[1:] {
			switch {
			case m[0] == "lisi" && mon.Month() == 3 && mon.Day() == 8:
			case m[0] == "qianqi" && week%4 == 1:
			case m[0] == "sunba" && week%6 == 5:
			default:
				say(m[0], "/周报 本周完成了"+m[2]+"的工作")
			}
		}
		if week%4 == 1 {
			at(day(5, 10, 0))
			say("qianqi", "/周报 本周完成了推广的工作（补交）")
		}
	}
	at(yearEnd)
	return strings.Join(s, "\n") + "\n"
}

// kindOf splits a printed message into its 【…】 kind, if any, and text.
var kindOf = regexp.MustCompile(`^【(?:群 [^】]+|私信 → [^】]+)】(?:【([^】]+)】)?(.*)$`)

// untagged names the kinds of the messages that start without 【…】.
var untagged = []struct{ kind, prefix string }{
	{"月报提醒", "今天是本月最后一个工作日"},
	{"请假批准", "你的请假 #"},
	{"跳过说明", ""}, // matched by skipNote
}

// skipNote is the note that a weekly reminder was not sent (SkippedNote).
var skipNote = regexp.MustCompile(`^(\d{4}-W\d{2}) 这一周从原定那天起都不是工作日（节假日），本周的「([^」]+)」不发送。`)

// messageKind is the kind of a printed line, and for a skip note its week;
// ok is false for a line that is no message.
func messageKind(line string) (kind, week string, ok bool) {
	m := kindOf.FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	if m[1] != "" {
		return m[1], "", true
	}
	if n := skipNote.FindStringSubmatch(m[2]); n != nil {
		return "跳过说明", n[1], true
	}
	for _, u := range untagged {
		if u.prefix != "" && strings.HasPrefix(m[2], u.prefix) {
			return u.kind, "", true
		}
	}
	return "(" + firstRunes(m[2], 16) + ")", "", true
}

// A year through the console's clock: the exact count of every kind of
// message, a skip note only in a holiday week, the holiday weeks'
// messages at their moved times, every batch at its own time in order, and
// nothing in the log's English on the console.
func TestConsoleYear(t *testing.T) {
	started := time.Now()
	out := consoleRun(t, env("TEAMBOT_ADMINS", "admin", "TEAMBOT_DATABASE_URL", storagetest.SQLiteURL(t)), yearScript())
	t.Logf("a year played in %s", time.Since(started).Round(time.Millisecond))

	counts := map[string]int{}
	var last time.Time
	for _, line := range strings.Split(out, "\n") {
		if at, ok := strings.CutPrefix(line, "⏰ "); ok {
			when, err := time.ParseInLocation("2006-01-02 15:04", at[:len("2006-01-02 15:04")], shanghai)
			if err != nil || !when.After(last) || when.After(yearEnd) {
				t.Errorf("time line %q is not after the one before (%s) within the year", line, last.Format(time.DateTime))
			}
			last = when
			continue
		}
		kind, week, ok := messageKind(line)
		if !ok {
			continue
		}
		counts[kind]++
		if week != "" && ordinaryWeek(t, week) {
			t.Errorf("a skip note in %s, an ordinary week: %s", week, line)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-12s %5s %5s\n", "kind", "got", "want")
	known := map[string]bool{}
	for _, k := range yearKinds {
		known[k.kind] = true
		fmt.Fprintf(&table, "%-12s %5d %5d\n", k.kind, counts[k.kind], k.want)
		if counts[k.kind] != k.want {
			t.Errorf("%s: %d messages, want %d: %s", k.kind, counts[k.kind], k.want, k.reason)
		}
	}
	for k, n := range counts {
		if !known[k] {
			fmt.Fprintf(&table, "%-12s %5d     ?\n", k, n)
			t.Errorf("%d messages of a kind the table lacks: %s", n, k)
		}
	}
	t.Logf("messages by kind over 2026-09-01 … 2027-08-31:\n%s", table.String())

	for _, bad := range []string{"level=", "msg=", "missed", "拨钟途中出错"} {
		if strings.Contains(out, bad) {
			t.Errorf("the console printed %q", bad)
		}
	}
	for _, w := range yearHolidayMessages {
		if !inBatch(out, w.at, w.msg) {
			t.Errorf("%s: want %q under %q", w.why, w.msg, w.at)
		}
	}
	if t.Failed() {
		t.Logf("console:\n%s", out)
	}
}

// yearHolidayMessages are messages of the holiday weeks, each under the
// time line it must appear under (the next batch's line not between).
var yearHolidayMessages = []struct{ why, at, msg string }{
	{"Mid-Autumn 2026 (Fri 09-25): the notice of Monday's meeting on the Thursday before",
		"⏰ 2026-09-24 17:00 周四", "【群 console】【会议通知】9月28日（周一）10:00–11:00（每周例会）"},
	{"National Day 2026: the meeting of Mon 10-05 moves to Thu 10-08, announced on the last workday before the holiday",
		"⏰ 2026-09-30 17:00 周三", "【群 console】【会议通知】10月8日（周四）10:00–11:00（每周例会）"},
	{"National Day 2026: the Monday report reminder moves to Thursday",
		"⏰ 2026-10-08 09:00 周四", "【群 console】【周报提醒】本周 2026-W41（10月5日–10月11日）的周报开始提交，截止 10月9日 周五 18:00"},
	{"National Day 2026: the digest moves to Thursday",
		"⏰ 2026-10-08 09:30 周四", "【私信 → wangfang】【周报汇总】上周 2026-W40（9月28日–10月4日）"},
	{"National Day 2026: 10-10 is an adjusted workday, the notice of Monday's meeting goes then",
		"⏰ 2026-10-10 17:00 周六", "【群 console】【会议通知】10月12日（周一）10:00–11:00（每周例会）"},
	{"Spring Festival 2027: the Friday nag of 2027-W05 has no workday left; the supervisor is told (changes: becomes a nag on Thu 02-04)",
		"⏰ 2027-02-05 15:00 周五", "【私信 → wangfang】2027-W05 这一周从原定那天起都不是工作日（节假日），本周的「周报催交」不发送。"},
	{"Spring Festival 2027: 2027-W06's only workday is Sunday 02-14, where its Monday reminder lands (changes: the deadline moves to that Sunday)",
		"⏰ 2027-02-14 09:00 周日", "【群 console】【周报提醒】本周 2027-W06（2月8日–2月14日）的周报开始提交，截止时间 2月12日 周五 18:00 已过"},
	{"Spring Festival 2027: the meeting of 2027-W06 on Sunday 02-14, announced before the holiday",
		"⏰ 2027-02-04 17:00 周四", "【群 console】【会议通知】2月14日（周日）10:00–11:00（每周例会）"},
}

// ordinaryWeek reports whether an ISO week (2027-W05) has its five
// workdays from Monday to Friday and no adjusted weekend workday.
func ordinaryWeek(t *testing.T, week string) bool {
	t.Helper()
	var year, w int
	if _, err := fmt.Sscanf(week, "%d-W%d", &year, &w); err != nil {
		t.Fatalf("week %q: %v", week, err)
	}
	// Monday of ISO week w: the week of January 4 is week 1.
	jan4 := time.Date(year, 1, 4, 12, 0, 0, 0, shanghai)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	cal := calendar.New(nil)
	for i := range 7 {
		d := teambot.DateOf(monday.AddDate(0, 0, i))
		if cal.Workday(d) != (i < 5) {
			return false
		}
	}
	return true
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// ordinaryWeek tells the holiday weeks from the others, so that the year's
// check of the skip notes can fail.
func TestOrdinaryWeek(t *testing.T) {
	for week, want := range map[string]bool{
		"2026-W49": true,  // 11-30 … 12-06
		"2026-W39": false, // Mid-Autumn, Fri 09-25
		"2026-W40": false, // National Day from Thu 10-01
		"2026-W41": false, // National Day to Wed 10-07, Sat 10-10 a workday
		"2027-W05": false, // Spring Festival from Fri 02-05
		"2027-W06": false, // Spring Festival, Sun 02-14 a workday
		"2027-W10": true,  // 03-08 … 03-14
	} {
		if got := ordinaryWeek(t, week); got != want {
			t.Errorf("ordinaryWeek(%s) = %v, want %v", week, got, want)
		}
	}
}
