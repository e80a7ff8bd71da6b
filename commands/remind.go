package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"teambot"
	"teambot/calendar"
	"teambot/scheduler"
)

// RemindCommand is /提醒: anyone in the team lists the reminders; the
// Supervisor sets, switches and tests them.
func RemindCommand() *Command {
	return &Command{
		Name: "remind", Chinese: "提醒", Aliases: []string{"reminders"},
		Summary:  "查看本团队的定时提醒；主管可改时间、开关、测试",
		Examples: []string{"/提醒", "/提醒 设置 周报提醒 周一 10:00", "/提醒 设置 周报催交 每周五 下午3点", "/提醒 关闭 周报催交", "/提醒 测试 周报汇总"},
		Who:      Member, Handler: remindDefault,
		Sub: []*Command{
			{Name: "list", Chinese: "列表", Summary: "查看每个提醒的时间、开关和下次发送",
				Who: Member, Handler: remindList},
			reminderRow("set", "设置", "名称 时间", "改提醒的时间", remindSet),
			reminderRow("off", "关闭", "名称", "关闭提醒", func(ctx context.Context, r *Request, rm Reminder) (teambot.Reply, error) {
				return remindSwitch(ctx, r, rm, false)
			}),
			reminderRow("on", "开启", "名称", "开启提醒", func(ctx context.Context, r *Request, rm Reminder) (teambot.Reply, error) {
				return remindSwitch(ctx, r, rm, true)
			}),
			reminderRow("test", "测试", "名称", "看提醒现在发出的话是什么（只给你看）", remindTest),
		},
	}
}

// reminderRow is a supervisor's subcommand of /提醒 acting on the reminder
// its first argument names.
func reminderRow(name, chinese, usage, summary string, run func(context.Context, *Request, Reminder) (teambot.Reply, error)) *Command {
	return &Command{Name: name, Chinese: chinese, Usage: usage, Summary: summary,
		Who: Supervisor, Forbidden: "修改或测试提醒只有主管可以%s；发送 /提醒 查看提醒。", Handler: withReminder(run)}
}

// remindDefault is /提醒 without a subcommand: the list; any other first
// Word is not one /提醒 knows.
func remindDefault(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) > 0 {
		return teambot.Reply{}, UsageError(r.Command, fmt.Sprintf("不认识「%s」。", r.Params[0].Text))
	}
	return remindList(ctx, r)
}

// withReminder reads the reminder a subcommand names, its first argument,
// and runs it; r.Params keeps what follows the name.
func withReminder(run func(context.Context, *Request, Reminder) (teambot.Reply, error)) Handler {
	return func(ctx context.Context, r *Request) (teambot.Reply, error) {
		if len(r.Params) == 0 {
			return teambot.Reply{}, UsageError(r.Command, "请写上提醒的名称。")
		}
		rm, ok := r.Engine.ReminderNamed(r.Params[0].Text)
		if !ok {
			return teambot.Reply{}, teambot.Invalid("没有「%s」这个提醒。可选：%s。", r.Params[0].Text, reminderNames(r))
		}
		r.Params, r.Tail = r.Params[1:], RestAfter(r.Tail, 1)
		return run(ctx, r, rm)
	}
}

func reminderNames(r *Request) string {
	var names []string
	for _, rm := range r.Engine.reminders {
		names = append(names, rm.Chinese)
	}
	return strings.Join(names, "、")
}

// TeamJobs is each reminder with the team's stored spec and switch, or the
// defaults before the scheduler has stored them.
func TeamJobs(ctx context.Context, r *Request) ([]Reminder, map[string]teambot.Job, error) {
	stored, err := r.Tx.TeamJobs(ctx, r.Team.ID)
	if err != nil {
		return nil, nil, err
	}
	jobs := map[string]teambot.Job{}
	for _, rm := range r.Engine.reminders {
		jobs[rm.Name] = teambot.Job{TeamID: r.Team.ID, Name: rm.Name, Spec: rm.Spec, Enabled: true}
	}
	for _, j := range stored {
		if _, known := jobs[j.Name]; known {
			jobs[j.Name] = j
		}
	}
	return r.Engine.reminders, jobs, nil
}

func remindList(ctx context.Context, r *Request) (teambot.Reply, error) {
	list, jobs, err := TeamJobs(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "本团队的提醒（时区 %s）：\n", r.Team.TimeZone)
	for _, rm := range list {
		j := jobs[rm.Name]
		state := "关闭"
		if j.Enabled {
			state = "开启，下次 " + NextFiring(ctx, r, rm, j.Spec, cal, j.CreatedAt)
		}
		fmt.Fprintf(&b, "%s：%s · %s — %s\n", rm.Chinese, rm.Describe(j.Spec), state, rm.Summary)
	}
	b.WriteString("主管可用：/提醒 设置 周报提醒 周一 10:00 · /提醒 关闭 周报催交 · /提醒 开启 周报催交 · /提醒 测试 周报汇总")
	return teambot.Reply{Text: b.String()}, nil
}

// remindSet changes rm's time to the one written after its name.
func remindSet(ctx context.Context, r *Request, rm Reminder) (teambot.Reply, error) {
	args := r.Params
	_, jobs, err := TeamJobs(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	j := jobs[rm.Name]
	old := j.Spec
	spec, err := rm.parseSpec(args, old)
	if err != nil {
		return teambot.Reply{}, err
	}
	j.Spec = spec
	from, err := JobFrom(ctx, r, rm, spec)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.SetJob(ctx, j, from); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "remind.set", rm.Name, "原 "+old+"；新 "+spec); err != nil {
		return teambot.Reply{}, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("「%s」改为 %s（%s），下次 %s。%s", rm.Chinese, rm.Describe(spec), spec, NextFiring(ctx, r, rm, spec, cal, from), firedNote(r, from))
	if !j.Enabled {
		text += "它现在是关闭的，发送 /提醒 开启 " + rm.Chinese + " 打开。"
	}
	return teambot.Reply{Text: text}, nil
}

func remindSwitch(ctx context.Context, r *Request, rm Reminder, on bool) (teambot.Reply, error) {
	_, jobs, err := TeamJobs(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	j := jobs[rm.Name]
	j.Enabled = on
	from := r.Now
	if on {
		if from, err = JobFrom(ctx, r, rm, j.Spec); err != nil {
			return teambot.Reply{}, err
		}
	}
	if err := r.Tx.SetJob(ctx, j, from); err != nil {
		return teambot.Reply{}, err
	}
	action, text := "remind.off", fmt.Sprintf("已关闭「%s」。", rm.Chinese)
	if on {
		cal, err := r.Calendar(ctx)
		if err != nil {
			return teambot.Reply{}, err
		}
		action, text = "remind.on", fmt.Sprintf("已开启「%s」：%s，下次 %s。%s", rm.Chinese, rm.Describe(j.Spec), NextFiring(ctx, r, rm, j.Spec, cal, from), firedNote(r, from))
	}
	if err := r.Audit(ctx, action, rm.Name, ""); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text}, nil
}

// remindTest composes the reminder as if it fired now and shows it to the
// Supervisor only.
func remindTest(ctx context.Context, r *Request, rm Reminder) (teambot.Reply, error) {
	msgs, err := rm.Build(withTx(ctx, r.Tx), r.Engine, teambot.Firing{TeamID: r.Team.ID, ChatID: r.Team.ChatID, Job: rm.Name, At: r.Now.UTC()})
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(msgs) == 0 {
		return teambot.Reply{Text: fmt.Sprintf("（测试）「%s」现在发送的话没有内容，不会发出任何消息。", rm.Chinese), Private: true}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "（测试）「%s」现在发送的话是：", rm.Chinese)
	for _, m := range msgs {
		b.WriteString("\n——\n" + m.Text)
		if len(m.Mentions) > 0 {
			b.WriteString("\n（@ " + strings.Join(m.Mentions, "、") + "）")
		}
	}
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// Calendar is the team's work calendar: statutory days and its own.
func (r *Request) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	return TeamCalendar(ctx, r.Tx, r.Team.ID)
}

// JobFrom is when a reminder changed now to spec counts as new from (see
// SetJob): now, or the end of the current period when it already sent in
// this period — a reminder fires at most once a period however often it is
// changed.
func JobFrom(ctx context.Context, r *Request, rm Reminder, spec string) (time.Time, error) {
	last, ok, err := r.Tx.LastSent(ctx, r.Team.ID, rm.Name)
	if err != nil || !ok {
		return r.Now, err
	}
	start, end := period(spec, r.Now.In(r.Location()))
	if last.Before(start) {
		return r.Now, nil
	}
	return end, nil
}

// firedNote says, when a changed reminder waits for the next period, why.
func firedNote(r *Request, from time.Time) string {
	if !from.After(r.Now) {
		return ""
	}
	return "这一期已经发过，不会重复发送。"
}

// period is the stretch of time around t in which a reminder with spec
// fires once: the ISO week of a weekly spec, the month of a monthly (or
// quarterly, or day-of-month) one, else the day.
func period(spec string, t time.Time) (start, end time.Time) {
	loc := t.Location()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return day, day.AddDate(0, 0, 1)
	}
	if f := strings.Fields(spec); len(f) == 5 && (f[2] != "*" || f[3] != "*") {
		month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		return month, month.AddDate(0, 1, 0)
	}
	if scheduler.Weekly(spec, sched, t) {
		w := teambot.WeekOf(t)
		return w.Start(loc), w.End(loc)
	}
	return day, day.AddDate(0, 0, 1)
}

// NextFiring is when rm with spec next fires after now, as the scheduler
// decides: a weekly spec moves off days off within its week, a more
// frequent or a monthly one skips them, and a reminder with a Day sends only on the day
// it picks, and one with MoveOff goes where that puts it. A job that counts as new from a later instant (see jobFrom)
// fires only after it.
func NextFiring(ctx context.Context, r *Request, rm Reminder, spec string, cal *calendar.Calendar, from time.Time) string {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return "（时间设置有误）"
	}
	loc := r.Location()
	if from.Before(r.Now) {
		from = r.Now
	}
	n := sched.Next(from.In(loc))
	if !scheduler.Weekly(spec, sched, r.Now.In(loc)) {
		for range 400 {
			day := teambot.DateOf(n)
			picked := cal.Workday(day)
			if rm.AnyDay {
				picked = rm.Days == nil || slices.Contains(rm.Days(r), day)
			}
			if rm.Day != nil {
				want, ok := rm.Day(cal, day.Year, day.Month)
				picked = ok && want == day
			}
			if picked {
				return r.Moment(n)
			}
			n = sched.Next(n)
		}
		return "（近期没有）"
	}
	for range 60 { // skip weeks without a workday
		day, ok := cal.NextWorkdayInWeek(teambot.DateOf(n))
		at := time.Date(day.Year, day.Month, day.Day, n.Hour(), n.Minute(), 0, 0, loc)
		if rm.MoveOff != nil && !cal.Workday(teambot.DateOf(n)) {
			var err error
			if at, ok, err = rm.MoveOff(ctx, r, n, cal); err != nil {
				return "（暂时算不出）"
			}
		}
		if ok {
			if at.After(from) {
				return r.Moment(at)
			}
		}
		n = sched.Next(n)
	}
	return "（近期没有）"
}

var CronDays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// remindHint says how to write a reminder's time.
const remindHint = "请写成 周一 10:00、礼拜一 10点、每周二 下午3点、每天 9:30、每个工作日 9:30、工作日 18:00，只写时间（10点）就只改时间；也可以写五段 cron 表达式，例如 0 10 * * MON。"

// parseSpec reads the new time of rm, whose spec is now old: a weekly time
// as parseWeekly reads it (a time alone keeps the days of old) or, for a
// reminder whose days the calendar does not pick, a five-field cron spec
// (0 10 * * MON).
func (rm Reminder) parseSpec(args []teambot.Arg, old string) (string, error) {
	text := ArgsText(args)
	f := strings.Fields(old)
	w, err := ParseWeekly(text)
	switch {
	case err == nil && w.Days == daysUnsaid && len(f) == 5:
		return checkSpec(fmt.Sprintf("%d %d %s %s %s", w.Minute, w.Hour, f[2], f[3], f[4]), text)
	case rm.Day != nil || rm.DayText != "":
		// Its days are fixed (a day of the month, the term's end): only
		// the time of day changes.
		return "", teambot.Invalid("「%s」的日子是定好的（%s），只能改时间，例如 /提醒 设置 %s 09:30 或 下午4点半。", rm.Chinese, rm.DayText, rm.Chinese)
	case err == nil:
		return checkSpec(fmt.Sprintf("%d %d * * %s", w.Minute, w.Hour, w.cronDays("*")), text)
	case len(args) == 5:
		return checkSpec(text, text)
	}
	return "", teambot.Invalid("看不懂提醒时间「%s」。%s", Clip(text), remindHint)
}

// Describe says rm's spec in Chinese.
func (rm Reminder) Describe(spec string) string {
	f := strings.Fields(spec)
	if (rm.Day == nil && rm.DayText == "") || len(f) != 5 {
		return describeSpec(spec)
	}
	mm, err1 := strconv.Atoi(f[0])
	hh, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return spec
	}
	return fmt.Sprintf("%s %02d:%02d", rm.DayText, hh, mm)
}

// checkSpec refuses a spec that cron cannot read or that fires more than
// once a day; text is what the supervisor wrote.
func checkSpec(spec, text string) (string, error) {
	if _, err := cron.ParseStandard(spec); err != nil || strings.HasPrefix(spec, "@") || strings.Contains(spec, "TZ=") {
		return "", teambot.Invalid("看不懂提醒时间「%s」。%s", Clip(text), remindHint)
	}
	// At most once a day: a reminder every minute would flood the group.
	f := strings.Fields(spec)
	if _, err := strconv.Atoi(f[0]); err != nil {
		return "", teambot.Invalid("提醒每天最多一次：分钟和小时要写具体数字，例如 0 10 * * MON。")
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return "", teambot.Invalid("提醒每天最多一次：分钟和小时要写具体数字，例如 0 10 * * MON。")
	}
	return spec, nil
}

// describeSpec says a simple spec in Chinese ("每周一 09:00"), else gives the
// spec itself.
func describeSpec(spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return spec
	}
	mm, err1 := strconv.Atoi(f[0])
	hh, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return spec
	}
	clock := fmt.Sprintf("%02d:%02d", hh, mm)
	switch day := strings.ToUpper(f[4]); day {
	case "*":
		return "每天 " + clock
	case "MON-FRI", "1-5":
		return "工作日 " + clock
	default:
		for i, d := range CronDays {
			if day == d || day == strconv.Itoa(i) {
				return "每" + WeekdaysCN[i] + " " + clock
			}
		}
	}
	return spec
}

// TeamCalendar is a team's work calendar: statutory days and its own.
func TeamCalendar(ctx context.Context, tx Tx, teamID int64) (*calendar.Calendar, error) {
	days, err := tx.TeamDays(ctx, teamID)
	if err != nil {
		return nil, err
	}
	overrides := make([]calendar.Override, len(days))
	for i, d := range days {
		overrides[i] = calendar.Override{Date: d.Date, Off: d.Off, Note: d.Note}
	}
	return calendar.New(overrides), nil
}
