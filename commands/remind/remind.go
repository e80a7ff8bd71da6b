package remind

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"

	"github.com/robfig/cron/v3"

	"teambot"
)

// Command is /提醒: anyone in the team lists the reminders; the
// Supervisor sets, switches and tests them.
func Command() *commands.Command {
	return &commands.Command{
		Name: "remind", Chinese: "提醒", Aliases: []string{"reminders"},
		Summary:  "查看本团队的定时提醒；主管可改时间、开关、测试",
		Examples: []string{"/提醒", "/提醒 设置 周报提醒 周一 10:00", "/提醒 设置 周报催交 每周五 下午3点", "/提醒 关闭 周报催交", "/提醒 测试 周报汇总"},
		Who:      commands.Member, Handler: remindDefault,
		Sub: []*commands.Command{
			{Name: "list", Chinese: "列表", Summary: "查看每个提醒的时间、开关和下次发送",
				Who: commands.Member, Handler: remindList},
			reminderRow("set", "设置", "名称 时间", "改提醒的时间", remindSet),
			reminderRow("off", "关闭", "名称", "关闭提醒", func(ctx context.Context, r *commands.Request, rm commands.Reminder) (teambot.Reply, error) {
				return remindSwitch(ctx, r, rm, false)
			}),
			reminderRow("on", "开启", "名称", "开启提醒", func(ctx context.Context, r *commands.Request, rm commands.Reminder) (teambot.Reply, error) {
				return remindSwitch(ctx, r, rm, true)
			}),
			reminderRow("test", "测试", "名称", "看提醒现在发出的话是什么（只给你看）", remindTest),
		},
	}
}

// reminderRow is a supervisor's subcommand of /提醒 acting on the reminder
// its first argument names.
func reminderRow(name, chinese, usage, summary string, run func(context.Context, *commands.Request, commands.Reminder) (teambot.Reply, error)) *commands.Command {
	return &commands.Command{Name: name, Chinese: chinese, Usage: usage, Summary: summary,
		Who: commands.Supervisor, Forbidden: "修改或测试提醒只有主管可以%s；发送 /提醒 查看提醒。", Handler: withReminder(run)}
}

// remindDefault is /提醒 without a subcommand: the list; any other first
// Word is not one /提醒 knows.
func remindDefault(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) > 0 {
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("不认识「%s」。", r.Params[0].Text))
	}
	return remindList(ctx, r)
}

// withReminder reads the reminder a subcommand names, its first argument,
// and runs it; r.Params keeps what follows the name.
func withReminder(run func(context.Context, *commands.Request, commands.Reminder) (teambot.Reply, error)) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
		if len(r.Params) == 0 {
			return teambot.Reply{}, commands.UsageError(r.Command, "请写上提醒的名称。")
		}
		rm, ok := r.Engine.ReminderNamed(r.Params[0].Text)
		if !ok {
			return teambot.Reply{}, teambot.Invalid("没有「%s」这个提醒。可选：%s。", r.Params[0].Text, reminderNames(r))
		}
		r.Params, r.Tail = r.Params[1:], lang.RestAfter(r.Tail, 1)
		return run(ctx, r, rm)
	}
}

func reminderNames(r *commands.Request) string {
	var names []string
	for _, rm := range r.Engine.Reminders() {
		names = append(names, rm.Chinese)
	}
	return strings.Join(names, "、")
}

func remindList(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	list, jobs, err := roll.TeamJobs(ctx, r)
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
			state = "开启，下次 " + roll.NextFiring(ctx, r, rm, j.Spec, cal, j.CreatedAt)
		}
		fmt.Fprintf(&b, "%s：%s · %s — %s\n", rm.Chinese, rm.Describe(j.Spec), state, rm.Summary)
	}
	b.WriteString("主管可用：/提醒 设置 周报提醒 周一 10:00 · /提醒 关闭 周报催交 · /提醒 开启 周报催交 · /提醒 测试 周报汇总")
	return teambot.Reply{Text: b.String()}, nil
}

// remindSet changes rm's time to the one written after its name.
func remindSet(ctx context.Context, r *commands.Request, rm commands.Reminder) (teambot.Reply, error) {
	args := r.Params
	_, jobs, err := roll.TeamJobs(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	j := jobs[rm.Name]
	old := j.Spec
	spec, err := parseSpec(rm, args, old)
	if err != nil {
		return teambot.Reply{}, err
	}
	j.Spec = spec
	from, err := roll.JobFrom(ctx, r, rm, spec)
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
	text := fmt.Sprintf("「%s」改为 %s（%s），下次 %s。%s", rm.Chinese, rm.Describe(spec), spec, roll.NextFiring(ctx, r, rm, spec, cal, from), roll.FiredNote(r, from))
	if !j.Enabled {
		text += "它现在是关闭的，发送 /提醒 开启 " + rm.Chinese + " 打开。"
	}
	return teambot.Reply{Text: text}, nil
}

func remindSwitch(ctx context.Context, r *commands.Request, rm commands.Reminder, on bool) (teambot.Reply, error) {
	_, jobs, err := roll.TeamJobs(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	j := jobs[rm.Name]
	j.Enabled = on
	from := r.Now
	if on {
		if from, err = roll.JobFrom(ctx, r, rm, j.Spec); err != nil {
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
		action, text = "remind.on", fmt.Sprintf("已开启「%s」：%s，下次 %s。%s", rm.Chinese, rm.Describe(j.Spec), roll.NextFiring(ctx, r, rm, j.Spec, cal, from), roll.FiredNote(r, from))
	}
	if err := r.Audit(ctx, action, rm.Name, ""); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text}, nil
}

// remindTest composes the reminder as if it fired now and shows it to the
// Supervisor only.
func remindTest(ctx context.Context, r *commands.Request, rm commands.Reminder) (teambot.Reply, error) {
	msgs, err := rm.Build(commands.WithTx(ctx, r.Tx), r.Engine, teambot.Firing{TeamID: r.Team.ID, ChatID: r.Team.ChatID, Job: rm.Name, At: r.Now.UTC()})
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

// remindHint says how to write a reminder's time.
const remindHint = "请写成 周一 10:00、礼拜一 10点、每周二 下午3点、每天 9:30、每个工作日 9:30、工作日 18:00，只写时间（10点）就只改时间；也可以写五段 cron 表达式，例如 0 10 * * MON。"

// parseSpec reads the new time of rm, whose spec is now old: a weekly time
// as parseWeekly reads it (a time alone keeps the days of old) or, for a
// reminder whose days the calendar does not pick, a five-field cron spec
// (0 10 * * MON).
func parseSpec(rm commands.Reminder, args []teambot.Arg, old string) (string, error) {
	text := lang.ArgsText(args)
	f := strings.Fields(old)
	w, err := lang.ParseWeekly(text)
	switch {
	case err == nil && w.Days == lang.DaysUnsaid && len(f) == 5:
		return checkSpec(fmt.Sprintf("%d %d %s %s %s", w.Minute, w.Hour, f[2], f[3], f[4]), text)
	case rm.Day != nil || rm.DayText != "":
		// Its days are fixed (a day of the month, the term's end): only
		// the time of day changes.
		return "", teambot.Invalid("「%s」的日子是定好的（%s），只能改时间，例如 /提醒 设置 %s 09:30 或 下午4点半。", rm.Chinese, rm.DayText, rm.Chinese)
	case err == nil:
		return checkSpec(fmt.Sprintf("%d %d * * %s", w.Minute, w.Hour, w.CronDays("*")), text)
	case len(args) == 5:
		return checkSpec(text, text)
	}
	return "", teambot.Invalid("看不懂提醒时间「%s」。%s", lang.Clip(text), remindHint)
}

// checkSpec refuses a spec that cron cannot read or that fires more than
// once a day; text is what the supervisor wrote.
func checkSpec(spec, text string) (string, error) {
	if _, err := cron.ParseStandard(spec); err != nil || strings.HasPrefix(spec, "@") || strings.Contains(spec, "TZ=") {
		return "", teambot.Invalid("看不懂提醒时间「%s」。%s", lang.Clip(text), remindHint)
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
