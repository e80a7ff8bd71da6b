// Weekly report deadlines (R4): /周报 截止 sets the team's deadline, and days off
// move a week's deadline back to its last workday or exempt the week.

package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// nagAt is where a nag set for nominal goes when its day is a day off (R4):
// back to the last workday of its week before the week's effective deadline,
// At the same time of day, so that it still comes before the deadline. When
// no earlier workday fits it goes forward to the next workday of its week,
// like other reminders; an exempt week has no nag (false).
func nagAt(nominal time.Time, due roll.WeekDue, cal *calendar.Calendar) (time.Time, bool) {
	if due.Exempt {
		return time.Time{}, false
	}
	week := teambot.WeekOf(nominal)
	last := teambot.DateOf(nominal)
	if dueDay := teambot.DateOf(due.At); dueDay.Before(last) {
		last = dueDay
	}
	for d := last; !d.Before(week.Monday()); d = d.AddDate(0, 0, -1) {
		if at := roll.AtClock(d, nominal); cal.Workday(d) && at.Before(due.At) {
			return at, true
		}
	}
	day, ok := cal.NextWorkdayInWeek(teambot.DateOf(nominal))
	return roll.AtClock(day, nominal), ok
}

// nagMove places a nag firing whose day is a day off (see nagAt), for the
// team of the request.
func nagMove(ctx context.Context, r *commands.Request, nominal time.Time, cal *calendar.Calendar) (time.Time, bool, error) {
	nominal = nominal.In(r.Location())
	due, err := roll.ReportDue(ctx, r, teambot.WeekOf(nominal))
	if err != nil {
		return time.Time{}, false, err
	}
	at, ok := nagAt(nominal, due, cal)
	return at, ok, nil
}

// minutesInWeek is d as minutes after Monday 00:00.
func minutesInWeek(d teambot.WeeklyDeadline) int {
	return (d.ISODay()-1)*24*60 + d.Hour*60 + d.Minute
}

// atMinuteInWeek is the weekday and time of day m minutes after Monday
// 00:00.
func atMinuteInWeek(m int) teambot.WeeklyDeadline {
	return teambot.WeeklyDeadline{Weekday: teambot.WeekdayOfISO(m/(24*60) + 1), Hour: m / 60 % 24, Minute: m % 60}
}

// weeklyAt reads a spec that fires once a week on one day at one time, as
// 0 15 * * FRI.
func weeklyAt(spec string) (teambot.WeeklyDeadline, bool) {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return teambot.WeeklyDeadline{}, false
	}
	mm, err1 := strconv.Atoi(f[0])
	hh, err2 := strconv.Atoi(f[1])
	day := slices.Index(lang.CronDays, strings.ToUpper(f[4]))
	if n, err := strconv.Atoi(f[4]); err == nil && n >= 0 && n <= 7 {
		day = n % 7
	}
	d := teambot.WeeklyDeadline{Weekday: time.Weekday(day), Hour: hh, Minute: mm}
	return d, err1 == nil && err2 == nil && day >= 0 && d.Valid()
}

// specAt is the cron spec firing weekly at d.
func specAt(d teambot.WeeklyDeadline) string {
	return fmt.Sprintf("%d %d * * %s", d.Minute, d.Hour, lang.CronDays[d.Weekday])
}

// nagLead is how long before the deadline the nag comes by default: 周报催交
// At Friday 15:00 before the deadline at Friday 18:00.
func nagLead() int {
	nag, _ := weeklyAt(nagReminder().Spec)
	return minutesInWeek(teambot.DefaultReportDeadline) - minutesInWeek(nag)
}

// nagReminder is the 周报催交 row of the reminder table.
func nagReminder() commands.Reminder {
	for _, rm := range Reminders() {
		if rm.Name == "report_nag" {
			return rm
		}
	}
	panic("commands: no report_nag reminder")
}

// followNag is what moving the deadline from old to d does to 周报催交, in
// words for the supervisor: a nag at the default distance before old moves
// to the same distance before d (and fires at most once this week, see
// jobFrom); a custom one stays, with a warning when it now comes after the
// deadline (R4).
func followNag(ctx context.Context, r *commands.Request, old, d teambot.WeeklyDeadline) (string, error) {
	rm := nagReminder()
	_, jobs, err := roll.TeamJobs(ctx, r)
	if err != nil {
		return "", err
	}
	j := jobs[rm.Name]
	if !j.Enabled {
		return fmt.Sprintf("「%s」现在是关闭的，要催交发送 /提醒 开启 %s。", rm.Chinese, rm.Chinese), nil
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return "", err
	}
	lead := nagLead()
	nag, weekly := weeklyAt(j.Spec)
	moved := minutesInWeek(d) - lead
	if weekly && minutesInWeek(old)-minutesInWeek(nag) == lead && moved >= 0 {
		if j.Spec = specAt(atMinuteInWeek(moved)); j.Spec != specAt(nag) {
			from, err := roll.JobFrom(ctx, r, rm, j.Spec)
			if err != nil {
				return "", err
			}
			if err := r.Tx.SetJob(ctx, j, from); err != nil {
				return "", err
			}
			j.CreatedAt = from
			if err := r.Audit(ctx, "remind.set", rm.Name, "随周报截止时间；原 "+specAt(nag)+"；新 "+j.Spec); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("「%s」随截止时间改为 %s（截止前 %d 小时），下次 %s。", rm.Chinese, rm.Describe(j.Spec), lead/60,
			roll.NextFiring(ctx, r, rm, j.Spec, cal, j.CreatedAt)), nil
	}
	text := fmt.Sprintf("「%s」是自定的时间 %s，没有跟着改，下次 %s。", rm.Chinese, rm.Describe(j.Spec), roll.NextFiring(ctx, r, rm, j.Spec, cal, j.CreatedAt))
	if weekly && minutesInWeek(nag) >= minutesInWeek(d) {
		suggest := atMinuteInWeek(max(minutesInWeek(d)-lead, 0))
		text += fmt.Sprintf("注意：催交在截止之后，只能催补交。要在截止前催，发送 /提醒 设置 %s %s %s。",
			rm.Chinese, commands.WeekdaysCN[suggest.Weekday], suggest.Clock())
	}
	return text, nil
}

// reportDeadline is /周报 截止 [周五 18:00]: anyone may see the team's
// weekly deadline; the supervisor may change it.
func reportDeadline(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	args := r.Params
	old, err := r.Tx.ReportDeadline(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	this := r.Week()
	if len(args) == 0 {
		due, err := roll.ReportDue(ctx, r, this)
		if err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: fmt.Sprintf("周报截止时间：每%s %s（%s）。本周 %s截止 %s。放假时截止提前到之前最后一个工作日。主管可以用 /周报 截止 周五 18:00 修改。",
			commands.WeekdaysCN[old.Weekday], old.Clock(), r.Team.TimeZone, lang.WeekLabel(this), roll.DueMoment(r, due))}, nil
	}
	d, err := parseDeadline(args)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).SetReportDeadline(ctx, r.Team.ID, d); err != nil {
		return teambot.Reply{}, err
	}
	detail := fmt.Sprintf("原 每%s %s；新 每%s %s", commands.WeekdaysCN[old.Weekday], old.Clock(), commands.WeekdaysCN[d.Weekday], d.Clock())
	if err := r.Audit(ctx, "report.deadline", r.Team.ChatID, detail); err != nil {
		return teambot.Reply{}, err
	}
	due, err := roll.ReportDue(ctx, r, this)
	if err != nil {
		return teambot.Reply{}, err
	}
	nag, err := followNag(ctx, r, old, d)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("周报截止时间已改为每%s %s（%s），原来是每%s %s。本周 %s截止 %s。已经交的周报，按时或迟交的标记不变。%s",
		commands.WeekdaysCN[d.Weekday], d.Clock(), r.Team.TimeZone, commands.WeekdaysCN[old.Weekday], old.Clock(),
		lang.WeekLabel(this), roll.DueMoment(r, due), nag)}, nil
}

// parseDeadline reads /周报 截止's weekday and time as parseWeekly does
// (周五 18:00, 星期日 下午6点, fri 18:30).
func parseDeadline(args []teambot.Arg) (teambot.WeeklyDeadline, error) {
	text := lang.ArgsText(args)
	w, err := lang.ParseWeekly(text)
	switch {
	case errors.Is(err, lang.ErrClockRange):
		return teambot.WeeklyDeadline{}, teambot.Invalid("截止时间「%s」不是有效的时刻：小时 0–23，分钟 0–59，例如 /周报 截止 周五 18:00。", lang.Clip(text))
	case err != nil || w.Days != lang.DaysOne:
		return teambot.WeeklyDeadline{}, teambot.Invalid("看不懂截止时间「%s」，请写成 星期几 和 时间，例如 /周报 截止 周五 18:00 或 /周报 截止 星期五 下午6点。%s。", lang.Clip(text), lang.ClockHint)
	}
	return teambot.WeeklyDeadline{Weekday: w.Weekday, Hour: w.Hour, Minute: w.Minute}, nil
}
