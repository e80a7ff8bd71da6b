package holiday

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
)

// maxHolidayRange bounds one /假期 添加 range.
const maxHolidayRange = 31

// Command is /假期: anyone in the team sees the days off and
// workdays; the supervisor adds and removes the team's own.
func Command() *commands.Command {
	const forbidden = "设置团队假期只有主管可以%s；发送 /假期 查看。"
	return &commands.Command{
		Name: "holiday", Chinese: "假期", Aliases: []string{"holidays"},
		Summary:  "查看法定假日、调休和团队自己的假期；主管可添加、删除团队假期",
		Examples: []string{"/假期", "/假期 添加 12月31日 休息 团建", "/假期 添加 2027-01-02 上班 补班", "/假期 添加 12/24到12/25 休息 过节", "/假期 删除 2026-12-31"},
		Who:      commands.Member, Handler: holidayDefault,
		Sub: []*commands.Command{
			{Name: "list", Chinese: "列表", Summary: "查看接下来 60 天的假期和调休",
				Who: commands.Member, Handler: holidayList},
			{Name: "add", Chinese: "添加", Usage: "日期[到结束日期] 休息|上班 说明", Summary: "设置团队自己的休息日或上班日（整天，一次最多 31 天）",
				Who: commands.Supervisor, Forbidden: forbidden, Handler: holidayAdd},
			{Name: "remove", Chinese: "删除", Usage: "日期", Summary: "删除团队自己设置的一天，恢复按法定日历",
				Who: commands.Supervisor, Forbidden: forbidden, Handler: holidayRemove},
		},
	}
}

// holidayDefault is /假期 without a subcommand: the list; any other first
// Word is not one /假期 knows.
func holidayDefault(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) > 0 {
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("不认识「%s」。", r.Params[0].Text))
	}
	return holidayList(ctx, r)
}

// holidayList shows the next 60 days that are not ordinary: statutory
// holidays, adjusted workdays and the team's own days.
func holidayList(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	today := r.Today()
	var b strings.Builder
	b.WriteString("接下来 60 天的假期和调休：\n")
	n := 0
	for i := range 60 {
		d := today.AddDate(0, 0, i)
		why := cal.Why(d)
		if why == "" {
			continue
		}
		state := "休息"
		if cal.Workday(d) {
			state = "上班"
		}
		fmt.Fprintf(&b, "%s%s：%s\n", r.Day(d), state, why)
		n++
	}
	if n == 0 {
		b.WriteString("（没有，按周一到周五上班）\n")
	}
	if !calendar.HasData(today.Year) || !calendar.HasData(today.AddDate(0, 0, 60).Year) {
		b.WriteString("注意：节假日日历缺少部分年份的数据，这段时间只按周末和团队自己的假期计算。\n")
	}
	b.WriteString("提醒遇到休息日会顺延到本周下一个工作日。主管可用 /假期 添加 12月31日 休息 团建。")
	return teambot.Reply{Text: b.String()}, nil
}

// holidayAdd records the team's own day off or workday, for one day or a
// range written as /请假 writes them (12月24日, 周三到周五, or two dates).
// A day that had an entry already is replaced, and the reply says what it
// was.
func holidayAdd(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	args := r.Params
	const how = "例如 /假期 添加 12月24日 休息 平安夜 或 /假期 添加 12/30到12/31 上班 补班。"
	if len(args) < 2 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上日期和「休息」或「上班」。")
	}
	today := r.Today()
	span, rest, err := lang.ParseDateSpan(lang.ArgTexts(args), today)
	if err != nil {
		return teambot.Reply{}, err
	}
	if span.Half != "" {
		return teambot.Reply{}, teambot.Invalid("团队假期按整天设置，不能只写%s。%s", span.Half, how)
	}
	from, to := span.From, span.To
	if from == to && len(rest) > 0 {
		if d, err := lang.ParseDayAfter(rest[0], from, today); err == nil { // two dates: 2026-12-30 2026-12-31
			to, rest = d, rest[1:]
		}
	}
	if to.Before(from) || from.AddDate(0, 0, maxHolidayRange-1).Before(to) {
		return teambot.Reply{}, teambot.Invalid("日期范围 %s 不对：结束不能早于开始，一次最多 %d 天。", commands.DescribeRange(from, to, today), maxHolidayRange)
	}
	if len(rest) == 0 || (rest[0] != "休息" && rest[0] != "上班") {
		return teambot.Reply{}, teambot.Invalid("请写明这天「休息」还是「上班」，%s", how)
	}
	day := teambot.DayOverride{Off: rest[0] == "休息", Note: strings.Join(rest[1:], " ")}
	replaced, err := setTeamDays(ctx, r, from, to, day)
	if err != nil {
		return teambot.Reply{}, err
	}
	detail := from.String()
	if to != from {
		detail += " 至 " + to.String()
	}
	if err := r.Audit(ctx, "holiday.add", r.Team.ChatID, detail+" "+dayText(day)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已记下：%s团队%s%s。", commands.DescribeRange(from, to, today), rest[0], noteSuffix(day.Note))
	for _, old := range replaced {
		text += fmt.Sprintf("%s原为「%s」，现改为「%s」。", lang.DescribeDay(old.Date, today), dayText(old), dayText(day))
	}
	return teambot.Reply{Text: text + "提醒会按新的安排顺延。"}, nil
}

// setTeamDays sets day on every date from from to to and returns the
// entries it replaced.
func setTeamDays(ctx context.Context, r *commands.Request, from, to teambot.Date, day teambot.DayOverride) ([]teambot.DayOverride, error) {
	had, err := r.Tx.TeamDays(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	var replaced []teambot.DayOverride
	for _, old := range had {
		if !old.Date.Before(from) && !to.Before(old.Date) {
			replaced = append(replaced, old)
		}
	}
	for d := from; !to.Before(d); d = d.AddDate(0, 0, 1) {
		day.Date = d
		if err := r.Tx.SetTeamDay(ctx, r.Team.ID, day); err != nil {
			return nil, err
		}
	}
	return replaced, nil
}

// dayText is a team day's entry as the supervisor wrote it: 休息 平安夜.
func dayText(d teambot.DayOverride) string {
	state := "上班"
	if d.Off {
		state = "休息"
	}
	return strings.TrimSpace(state + " " + d.Note)
}

// holidayRemove drops the team's own entry for one day.
func holidayRemove(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	args := r.Params
	if len(args) != 1 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上一个要删除的日期。")
	}
	d, err := lang.ParseDay(args[0].Text, r.Today())
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.RemoveTeamDay(ctx, r.Team.ID, d); err != nil {
		if teambot.KindOf(err) == teambot.KindNotFound {
			return teambot.Reply{}, teambot.NotFound("%s没有团队自己设置的假期或上班安排（法定假日不能删除）。", r.Day(d))
		}
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "holiday.remove", r.Team.ChatID, d.String()); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已删除 %s的团队安排，这天恢复按法定日历。", r.Day(d))}, nil
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return "（" + note + "）"
}
