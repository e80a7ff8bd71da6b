package report

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
	"unicode/utf8"

	"teambot"
)

// maxReportRunes is the longest weekly report accepted, in characters.
const maxReportRunes = 4000

// maxShowWeeks bounds the weeks one /周报 查看 prints.
const maxShowWeeks = 26

// reportCommand is /周报: with free text it submits this week's report
// (R4), or another week's when the text starts with 上周 or --week; its
// subcommands show reports, a week's status, close a week and set the
// deadline.
func reportCommand() *commands.Command {
	return &commands.Command{
		Name: "report", Chinese: "周报", Aliases: []string{"小结"},
		Summary:  "提交本周工作小结（R4），查看周报、本周状态；主管可结束一周、设置截止时间",
		Usage:    "内容 | 上周 内容 | --week 2026-W47 内容",
		Examples: []string{"/周报 完成公众号推文 3 篇，下周准备双十二活动", "/周报 上周 补交：整理了素材库", "/周报 查看", "/周报 状态", "/周报 结束 上周", "/周报 截止 周五 18:00"},
		Who:      commands.Member, Handler: report,
		Sub: []*commands.Command{
			{Name: "show", Chinese: "查看", Aliases: []string{"view"}, Usage: "[@名字] [周|周..周]",
				Summary: "查看周报：自己的全文，主管看任何人的，其他成员只看是否已交",
				Who:     commands.Member, Handler: showReports},
			{Name: "status", Chinese: "状态", Usage: "[周]", Summary: "一周里谁按时、迟交、未交、请假",
				Who: commands.Member, Handler: reportStatus},
			{Name: "close", Chinese: "结束", Usage: "周", Summary: "结束一周的周报，之后不能再提交或修改",
				Who: commands.Supervisor, Forbidden: "结束一周的周报只有主管可以操作%s。", Handler: closeReportWeek},
			{Name: "deadline", Chinese: "截止", Usage: "[周五 18:00]", Summary: "查看每周的截止时间；主管写上新的时间就改",
				Who: commands.Member, Change: commands.Supervisor, Forbidden: "修改周报截止时间只有主管可以操作%s；发送 /周报 截止 查看当前的截止时间。",
				Handler: reportDeadline},
		},
	}
}

// report is /周报 without a subcommand: the overview when bare, else a
// report for the week its first word names (上周, --week 2026-W47) or for
// this week. Free text is taken from the original message, not from the
// normalized arguments.
func report(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	this := r.Week()
	if len(r.Args) == 0 {
		return reportOverview(ctx, r, this)
	}
	// The first word ends at a space or a colon: "上周：内容" works too.
	first, after, _ := lang.CutWord(r.Rest)
	switch first {
	case "上周", "last":
		return submitReport(ctx, r, this.Prev(), lang.FreeText(after))
	case "下周", "next":
		// Refused below like any future week, rather than stored as this
		// week's report starting with 下周 (R4).
		return submitReport(ctx, r, this.Next(), lang.FreeText(after))
	}
	if week, text, ok, err := weekFlag(first, after); ok {
		if err != nil {
			return teambot.Reply{}, err
		}
		return submitReport(ctx, r, week, text)
	}
	return submitReport(ctx, r, this, r.Rest)
}

// weekFlag reads "--week 2026-W47 内容" or "--week=2026-W47 内容", given the
// first word (normalized, so "－－" works; a phone may also turn "--" into
// "—") and the original text after it. It reports whether the word was the
// flag at all.
func weekFlag(word, after string) (week teambot.Week, text string, ok bool, err error) {
	flag := strings.TrimLeft(word, "-—")
	if flag == word || !strings.HasPrefix(flag, "week") {
		return teambot.Week{}, "", false, nil
	}
	value, text := "", after
	if _, v, eq := strings.Cut(flag, "="); eq {
		value = v
	} else if flag == "week" {
		value, text = lang.CutToken(lang.TrimLeftSpace(after))
	}
	if week, err = lang.ParseWeekText(lang.Normalize(value)); err != nil {
		return teambot.Week{}, "", true, teambot.Invalid("--week 后面要写周，例如 /周报 --week 2026-W47 内容。")
	}
	return week, lang.FreeText(text), true, nil
}

// submitReport stores text as the caller's report for week: a new version
// when there is one already (history is kept), marked late after the
// deadline. Passwords and over-long texts are refused before anything is
// stored (R13, docs/product.md §5).
func submitReport(ctx context.Context, r *commands.Request, week teambot.Week, text string) (teambot.Reply, error) {
	if err := checkReportText(r, text); err != nil {
		return teambot.Reply{}, err
	}
	if r.Week().Before(week) {
		return teambot.Reply{}, teambot.Invalid("%s还没开始，不能提前交周报。本周是 %s。", lang.WeekLabel(week), lang.WeekLabel(r.Week()))
	}
	if err := weekOpen(ctx, r, week); err != nil {
		return teambot.Reply{}, err
	}
	due, err := roll.ReportDue(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	rep := teambot.Report{TeamID: r.Team.ID, MemberID: r.Caller.ID, Week: week, Text: text,
		SubmittedAt: r.Now, Late: due.Late(r.Now)}
	if err := txOf(r).SubmitReport(ctx, &rep); err != nil {
		return teambot.Reply{}, err
	}
	chars := utf8.RuneCountInString(text)
	// The audit says what happened, never what the report says.
	detail := fmt.Sprintf("%s 第 %d 版，%d 字，%s", week, rep.Version, chars, lateWord(rep.Late))
	if err := r.Audit(ctx, "report.submit", r.UserID, detail); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: submittedText(r, rep, chars, due)}, nil
}

// checkReportText refuses an empty report, one that seems to carry a
// password (R13) and one over maxReportRunes characters.
func checkReportText(r *commands.Request, text string) error {
	switch n := utf8.RuneCountInString(text); {
	case text == "":
		return commands.UsageError(r.Command, "请在 /周报 后面写上本周的工作小结。")
	case n > maxReportRunes:
		return teambot.Invalid("周报最多 %d 字，这份有 %d 字。请精简后重新提交，详细材料可以放在共享文档里，周报里写链接。", maxReportRunes, n)
	}
	return nil
}

// submittedText confirms a submission: the week with its dates, the
// version, the length, and whether it came in on time.
func submittedText(r *commands.Request, rep teambot.Report, chars int, due roll.WeekDue) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已提交 %s的周报，第 %d 版，共 %d 字，", lang.WeekLabel(rep.Week), rep.Version, chars)
	first := ""
	if rep.Version > 1 {
		first = "以第 1 版为准，" // R4: the first submission decides
	}
	switch {
	case due.Exempt:
		fmt.Fprintf(&b, "%s（这一周截止前没有工作日，不算迟交）", roll.ExemptText)
	case rep.Late:
		fmt.Fprintf(&b, "迟交（%s截止时间 %s 已过）", first, roll.DueMoment(r, due))
	default:
		fmt.Fprintf(&b, "按时（%s截止 %s）", first, roll.DueMoment(r, due))
	}
	if rep.Version > 1 {
		b.WriteString("，已修改。之前的版本保留在历史里。")
	} else {
		b.WriteString("。")
		b.WriteString("要修改就再发一次 /周报 内容。")
	}
	return b.String()
}

// editedMark is 已修改, after sep, for a report changed after its first
// version (R4), and nothing for a first version.
func editedMark(rep teambot.Report, sep string) string {
	if rep.Version > 1 {
		return sep + "已修改"
	}
	return ""
}

func lateWord(late bool) string {
	if late {
		return "迟交"
	}
	return "按时"
}

// weekOpen refuses a change to a week the supervisor closed.
func weekOpen(ctx context.Context, r *commands.Request, week teambot.Week) error {
	c, closed, err := r.Tx.WeekClosed(ctx, r.Team.ID, week)
	if err != nil || !closed {
		return err
	}
	return teambot.Conflict("%s的周报已由主管在 %s 结束，不能再提交或修改。需要补充请直接联系主管。",
		lang.WeekLabel(week), r.Moment(c.ClosedAt))
}

// reportOverview answers a bare /周报: a member learns whether this week's
// report is in and how to write one; the supervisor sees the week's status.
func reportOverview(ctx context.Context, r *commands.Request, week teambot.Week) (teambot.Reply, error) {
	if r.Caller.IsSupervisor() {
		return reportStatus(ctx, r)
	}
	due, err := roll.ReportDue(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	history, err := txOf(r).ReportHistory(ctx, r.Team.ID, r.Caller.ID, week, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(history) == 0 && due.Exempt {
		return teambot.Reply{Text: fmt.Sprintf("本周 %s是%s：截止前没有工作日，不交不算未交。想交也可以：/周报 本周的工作小结。",
			lang.WeekLabel(week), roll.ExemptText)}, nil
	}
	if len(history) == 0 {
		return teambot.Reply{Text: fmt.Sprintf("你还没有提交本周 %s的周报，截止 %s。写法：/周报 本周的工作小结，例如 %s。更多用法：/帮助 周报。",
			lang.WeekLabel(week), roll.DueMoment(r, due), r.Command.Examples[0])}, nil
	}
	cur := history[len(history)-1]
	return teambot.Reply{Text: fmt.Sprintf("你已提交本周 %s的周报：第 %d 版，%s 提交，%s。发送 /周报 查看 看全文，再发一次 /周报 内容 可以修改。",
		lang.WeekLabel(week), cur.Version, r.Moment(cur.SubmittedAt), lateWord(cur.Late))}, nil
}

// closeReportWeek is /周报 结束 周: the supervisor closes a week, after
// which its reports can no longer be submitted or changed.
func closeReportWeek(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	args := r.Params
	if len(args) != 1 {
		return teambot.Reply{}, teambot.Invalid("请写上要结束的周，例如 /周报 结束 %s（或 /周报 结束 上周）。", r.Week().Prev())
	}
	week, err := r.WeekArg(args[0].Text)
	if err != nil {
		return teambot.Reply{}, err
	}
	if r.Week().Before(week) {
		return teambot.Reply{}, teambot.Invalid("%s还没开始，不能结束。本周是 %s。", lang.WeekLabel(week), lang.WeekLabel(r.Week()))
	}
	if c, closed, err := r.Tx.WeekClosed(ctx, r.Team.ID, week); err != nil {
		return teambot.Reply{}, err
	} else if closed {
		return teambot.Reply{}, teambot.Conflict("%s的周报已经在 %s 结束了。", lang.WeekLabel(week), r.Moment(c.ClosedAt))
	}
	s, err := roll.LoadWeekStatus(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).CloseWeek(ctx, teambot.WeekClosure{TeamID: r.Team.ID, Week: week, ClosedAt: r.Now, ClosedBy: r.UserID}); err != nil {
		return teambot.Reply{}, err
	}
	handed := s.Handed()
	if err := r.Audit(ctx, "report.close", week.String(), fmt.Sprintf("应交 %d 人，已交 %d 人，未交 %d 人", s.Expected, handed, len(s.Missing))); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已结束 %s的周报：之后不能再提交或修改。应交 %d 人，收到 %d 份周报，未交：%s。",
		lang.WeekLabel(week), s.Expected, handed, commands.NameList(commands.MemberNames(s.Missing)))
	if week == r.Week() {
		text += "注意：本周还没过完。"
	}
	return teambot.Reply{Text: text}, nil
}

// Commands are /周报.
func Commands() []*commands.Command { return []*commands.Command{reportCommand()} }
