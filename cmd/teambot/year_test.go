package main

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
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
// meeting on Monday 10:00 that everyone checks in to, but 孙八 misses two
// in a row every twelve weeks; weekly reports on Wednesday, 钱七's a day late
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
// or for the few without one, the name kindOf gives it.
var yearKinds = []struct {
	kind   string
	want   int
	reason string
}{
	{"周报提醒", 51, "every Monday from 2026-09-07 to 2027-08-30, a Monday off moved to the next workday of its week " +
		"(2026-W41 to Thu 10-08), but 2027-W06: Spring Festival leaves it no workday up to its deadline (Fri 02-12), " +
		"so the week is exempt and has no reminder (R4)"},
	{"周报汇总", 52, "one per Monday, 09:30, on the previous week (2026-W36 … 2027-W34), moved like 周报提醒; " +
		"the one of 2027-W06 (sent Mon 02-15) says the week was exempt"},
	{"周报催交", 18, "weeks with a report missing at the nag: 2026-W36 (team created Tuesday, nobody had reported) " +
		"+ 钱七 late in weeks ≡1 mod 4 (13) + 孙八 missing in weeks ≡5 mod 6 (8) − both (4: weeks 5, 17, 29, 41); " +
		"2027-W05's nag moves back with its deadline to Thu 02-04; 李四's week of leave is excused"},
	{"跳过说明", 0, "no reminder with something to say lost its week: the nag moves back, an exempt week has nothing to say"},
	{"会议通知", 52, "one per weekly meeting, Mon 10:00 (moved off a day off: 2026-10-08 Thu, 2027-02-14 Sun, 2027-04-06 Tue), 17:00 of the workday before"},
	{"会前提醒", 52, "one per weekly meeting, 30 minutes before it"},
	{"会议自动结束", 52, "every meeting closes itself at its end (R12), the summary privately to the supervisor"},
	{"待审批", 6, "赵六's 6 requests wait from Monday 11:00 to Tuesday 12:00: one reminder each at Tue 10:00 " +
		"(his request for Thu 2026-10-01, National Day, is refused: no leave on a day off); 李四's is approved at once"},
	{"请假批准", 7, "the private note to the member when each of the 7 requests is approved"},
	{"月报提醒", 12, "last workday of each month from 2026-09 to 2027-08, 10:00"},
	{"月报附录", 12, "the confidential appendix, its own message after each 月报提醒 (R5, R14)"},
	{"账号核对", 0, "quarterly, but the team registered no account"},
	{"账号核对结果", 0, "nothing to check"},
	{"账号移交", 0, "nobody left the team"},
	{"平台更新检查", 0, "no platform registered"},
	{"活动检查", 0, "no platform registered"},
	{"任期提醒", 1, "the term runs 2026-09-01 to 2027-09-01: 30 days before its end, on 2027-08-02 (R1); its last day is after the year"},
}

// yearProposals are the R12 warning proposals of the year, in the
// meetings' summaries: 孙八 misses two meetings in a row every twelve
// weeks (weeks 5–6, 17–18, 29–30, 41–42), one proposal each; the streak
// starts again after each, and nobody else misses one.
var yearProposals = map[string]int{"孙八": 4}

// yearRoster is the team: user id, name, role.
var yearRoster = [][3]string{
	{"wangfang", "王芳", ""}, {"zhangsan", "张三", "文案"}, {"lisi", "李四", "美工"},
	{"zhaoliu", "赵六", "技术"}, {"qianqi", "钱七", "推广"}, {"sunba", "孙八", "客服"},
}

// yearScript is the console input of the year: the steps of each week,
// played in the order of their times. Nothing is said after yearEnd.
func yearScript() string {
	type step struct {
		at         time.Time
		user, text string
	}
	var steps []step
	say := func(at time.Time, user, text string) {
		if !at.After(yearEnd) {
			steps = append(steps, step{at, user, text})
		}
	}
	for _, m := range yearRoster {
		say(yearStart, m[0], strings.TrimSpace("/加入 "+m[1]+" "+m[2]))
	}
	say(yearStart, "admin", "/主管 @王芳")
	say(yearStart, "wangfang", "/会议 设置 周一 10:00")
	cal := calendar.New(nil)
	leaves := 0
	// Week by week from the first Monday after the start.
	for week, mon := 0, time.Date(2026, 9, 7, 0, 0, 0, 0, shanghai); mon.Before(yearEnd); week, mon = week+1, mon.AddDate(0, 0, 7) {
		day := func(d, h, min int) time.Time {
			return mon.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
		}
		// The meeting is on the first workday of the week (Monday, or
		// where a holiday moves it); everyone checks in at 09:50 but 李四
		// on leave and 孙八 twice in a row every twelve weeks (R12).
		meetingDay, ok := cal.NextWorkdayInWeek(teambot.DateOf(mon))
		if ok {
			checkIn := time.Date(meetingDay.Year, meetingDay.Month, meetingDay.Day, 9, 50, 0, 0, shanghai)
			for _, m := range yearRoster {
				switch {
				case m[0] == "lisi" && yearLisiOff(mon):
				case m[0] == "sunba" && (week%12 == 5 || week%12 == 6):
				default:
					say(checkIn, m[0], "/签到")
				}
			}
		}
		if week%8 == 3 {
			// 赵六 asks on Monday for Thursday's leave, approved on
			// Tuesday; a Thursday off is refused and gets no number.
			thu := day(3, 0, 0)
			say(day(0, 11, 0), "zhaoliu", "/请假 "+thu.Format("2006-01-02")+" 家里有事")
			if cal.Workday(teambot.DateOf(thu)) {
				leaves++
				say(day(1, 12, 0), "wangfang", fmt.Sprintf("/请假 批准 %d", leaves))
			}
		}
		if yearLisiOff(mon.AddDate(0, 0, 7)) {
			// 李四 asks on Wednesday for next week, approved at once.
			say(day(2, 11, 30), "lisi", "/请假 "+day(7, 0, 0).Format("2006-01-02")+"到"+day(11, 0, 0).Format("2006-01-02")+" 培训")
			leaves++
			say(day(2, 11, 31), "wangfang", fmt.Sprintf("/请假 批准 %d", leaves))
		}
		for _, m := range yearRoster[1:] {
			switch {
			case m[0] == "lisi" && yearLisiOff(mon):
			case m[0] == "qianqi" && week%4 == 1:
			case m[0] == "sunba" && week%6 == 5:
			default:
				say(day(2, 11, 0), m[0], "/周报 本周完成了"+m[2]+"的工作")
			}
		}
		if week%4 == 1 {
			say(day(5, 10, 0), "qianqi", "/周报 本周完成了推广的工作（补交）")
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	var s []string
	var now time.Time
	for _, st := range steps {
		if !st.at.Equal(now) {
			s = append(s, ":time "+st.at.Format("2006-01-02T15:04"))
			now = st.at
		}
		s = append(s, ":as "+st.user, st.text)
	}
	s = append(s, ":time "+yearEnd.Format("2006-01-02T15:04"))
	return strings.Join(s, "\n") + "\n"
}

// yearLisiOff reports whether 李四 is on leave the week of Monday mon.
func yearLisiOff(mon time.Time) bool { return mon.Equal(time.Date(2027, 3, 8, 0, 0, 0, 0, shanghai)) }

// kindOf splits a printed message into its 【…】 kind, if any, and text.
var kindOf = regexp.MustCompile(`^【(?:群 [^】]+|私信 → [^】]+)】(?:【([^】]+)】)?(.*)$`)

// untagged names the kinds of the messages that start without 【…】.
var untagged = []struct{ kind, prefix string }{
	{"月报提醒", "今天是本月最后一个工作日"},
	{"月报附录", "# "}, // "# 2026-09 月报附录（保密）": no other message opens with a heading
	{"请假批准", "你的请假 #"},
	{"跳过说明", ""}, // matched by skipNote
}

// proposal is an R12 warning proposal in a meeting's summary.
var proposal = regexp.MustCompile(`^缺勤提醒 #\d+：(\S+) 连续两次会议无故缺席`)

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

	counts, proposals := map[string]int{}, map[string]int{}
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
		if m := proposal.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			proposals[m[1]]++
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
	if !maps.Equal(proposals, yearProposals) {
		t.Errorf("R12 proposals by member: %v, want %v", proposals, yearProposals)
	}

	for _, bad := range []string{"level=", "msg=", "missed", "拨钟途中出错"} {
		if strings.Contains(out, bad) {
			t.Errorf("the console printed %q", bad)
		}
	}
	if strings.Contains(out, "【周报提醒】本周 2027-W06") {
		t.Errorf("a report reminder for 2027-W06, an exempt week")
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
	{"Mid-Autumn 2026 (Fri 09-25): the deadline moves back to Thursday, and the reminder says so",
		"⏰ 2026-09-21 09:00 周一", "【群 console】【周报提醒】本周 2026-W39（9月21日–9月27日）的周报开始提交，截止 9月24日（周四）18:00（原定 9月25日（周五）18:00 放假，提前）"},
	{"Mid-Autumn 2026 (Fri 09-25): the notice of Monday's meeting on the Thursday before",
		"⏰ 2026-09-24 17:00 周四", "【群 console】【会议通知】9月28日（周一）10:00–11:00（每周例会）"},
	{"National Day 2026: 2026-W40's reports are due Wednesday 9月30日 18:00",
		"⏰ 2026-09-28 09:00 周一", "【群 console】【周报提醒】本周 2026-W40（9月28日–10月4日）的周报开始提交，截止 9月30日（周三）18:00（原定 10月2日（周五）18:00 放假，提前）"},
	{"National Day 2026: the meeting of Mon 10-05 moves to Thu 10-08, announced on the last workday before the holiday",
		"⏰ 2026-09-30 17:00 周三", "【群 console】【会议通知】10月8日（周四）10:00–11:00（每周例会）"},
	{"National Day 2026: the Monday report reminder moves to Thursday",
		"⏰ 2026-10-08 09:00 周四", "【群 console】【周报提醒】本周 2026-W41（10月5日–10月11日）的周报开始提交，截止 10月9日（周五）18:00"},
	{"National Day 2026: the digest moves to Thursday",
		"⏰ 2026-10-08 09:30 周四", "【私信 → wangfang】【周报汇总】上周 2026-W40（9月28日–10月4日）"},
	{"National Day 2026: 10-10 is an adjusted workday, the notice of Monday's meeting goes then",
		"⏰ 2026-10-10 17:00 周六", "【群 console】【会议通知】10月12日（周一）10:00–11:00（每周例会）"},
	{"Spring Festival 2027: 2027-W05's deadline moves back to Thu 02-04, and its nag with it",
		"⏰ 2027-02-04 15:00 周四", "【群 console】【周报催交】本周 2027-W05（2月1日–2月7日）还有 1 人没交周报：钱七。截止 2月4日（周四）18:00（原定 2月5日（周五）18:00 放假，提前）"},
	{"Spring Festival 2027: the meeting of 2027-W06 on Sunday 02-14, announced before the holiday",
		"⏰ 2027-02-04 17:00 周四", "【群 console】【会议通知】2月14日（周日）10:00–11:00（每周例会）"},
	{"Spring Festival 2027: 2027-W06 has no workday up to its deadline: exempt, as its digest says",
		"⏰ 2027-02-15 09:30 周一", "【私信 → wangfang】【周报汇总】上周 2027-W06（2月8日–2月14日）\n节假日周，免交"},
	{"李四's week of leave: the meeting reminder does not @mention him, and the meeting counts him excused",
		"⏰ 2027-03-08 09:30 周一", "签到：09:45 起发送 /签到，10:10 以后算迟到。（@wangfang @zhangsan @zhaoliu @qianqi @sunba）"},
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
