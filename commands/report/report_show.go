// Reading weekly reports: /周报 查看 shows one member's reports over a range of
// weeks, in full to the supervisor and the author, otherwise only whether and
// when each week was handed in (R14).

package report

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// showReports is /周报 查看 [@名字] [周|周..周]. Members see their own
// reports in full and the supervisor anyone's; another member learns only
// whether a report was submitted (R14). In a group, someone else's report
// Text reaches the supervisor as a private reply only.
func showReports(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	target, from, to, err := showArgs(ctx, r, r.Params)
	if err != nil {
		return teambot.Reply{}, err
	}
	history, err := txOf(r).ReportHistory(ctx, r.Team.ID, target.ID, from, to)
	if err != nil {
		return teambot.Reply{}, err
	}
	self := target.ID == r.Caller.ID
	if !self && !r.Caller.IsSupervisor() {
		return teambot.Reply{Text: submittedOnly(target, history, from, to)}, nil
	}
	text := fullReports(r, target, history, from, to)
	return teambot.Reply{Text: text, Private: !self}, nil
}

// showArgs reads /周报 查看's member and weeks, in any order. Without a
// Member it is the caller, without weeks the current week.
func showArgs(ctx context.Context, r *commands.Request, args []teambot.Arg) (teambot.Member, teambot.Week, teambot.Week, error) {
	target := *r.Caller
	from, to := r.Week(), r.Week()
	var named, dated bool
	for _, a := range args {
		if !a.Mention && lang.LooksLikeWeek(a.Text) {
			if dated {
				return target, from, to, commands.UsageError(r.Command, "只能写一个周或一个范围（例如 2026-W40..2026-W48）。")
			}
			f, t, err := weekRange(r, a.Text)
			if err != nil {
				return target, from, to, err
			}
			from, to, dated = f, t, true
			continue
		}
		if named {
			return target, from, to, commands.UsageError(r.Command, "一次只能查看一位成员。")
		}
		m, err := r.Member(ctx, a)
		if err != nil {
			return target, from, to, err
		}
		target, named = m, true
	}
	return target, from, to, nil
}

// weekRange reads a week (2026-W48, 本周, 上周) or a range of them
// (2026-W40..2026-W48) relative to the current week.
func weekRange(r *commands.Request, s string) (teambot.Week, teambot.Week, error) {
	a, b, isRange := strings.Cut(s, "..")
	from, err := r.WeekArg(a)
	if err != nil || !isRange {
		return from, from, err
	}
	to, err := r.WeekArg(b)
	switch {
	case err != nil:
		return from, to, err
	case to.Before(from):
		return from, to, teambot.Invalid("范围 %s 的开始晚于结束，请写成 %s..%s。", s, to, from)
	case lang.WeeksBetween(from, to) > maxShowWeeks:
		return from, to, teambot.Invalid("一次最多查看 %d 周，%s 有 %d 周。请缩小范围；整段导出请让管理员用 teambot export reports。",
			maxShowWeeks, s, lang.WeeksBetween(from, to))
	}
	return from, to, nil
}

// fullReports prints the current version of each week's report in full,
// and the weeks with none.
func fullReports(r *commands.Request, m teambot.Member, history []teambot.Report, from, to teambot.Week) string {
	current := currentByWeek(history)
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的周报，%s", m.Name, lang.RangeLabel(from, to))
	for w := from; !to.Before(w); w = w.Next() {
		rep, ok := current[w]
		if !ok {
			fmt.Fprintf(&b, "\n\n%s：未提交", lang.WeekLabel(w))
			continue
		}
		// The id is what /删除内容 周报 takes (R14).
		fmt.Fprintf(&b, "\n\n%s第 %d 版（#%d），%s 提交，%s%s：\n%s", lang.WeekLabel(w), rep.Version, rep.ID, r.Moment(rep.SubmittedAt), lateWord(rep.Late), editedMark(rep, "，"), rep.Text)
	}
	return b.String()
}

// submittedOnly tells a member whether someone else handed in their
// reports, without their content or timing (R14).
func submittedOnly(m teambot.Member, history []teambot.Report, from, to teambot.Week) string {
	current := currentByWeek(history)
	const note = "周报内容只有本人和主管可以查看。"
	if from == to {
		state := "还没有提交"
		if _, ok := current[from]; ok {
			state = "已提交"
		}
		return fmt.Sprintf("%s %s %s的周报。%s", m.Name, state, lang.WeekLabel(from), note)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的周报，%s：", m.Name, lang.RangeLabel(from, to))
	for w := from; !to.Before(w); w = w.Next() {
		state := "未提交"
		if _, ok := current[w]; ok {
			state = "已提交"
		}
		fmt.Fprintf(&b, "\n%s：%s", lang.WeekLabel(w), state)
	}
	b.WriteString("\n" + note)
	return b.String()
}

// currentByWeek keeps the newest version of each week's report.
func currentByWeek(history []teambot.Report) map[teambot.Week]teambot.Report {
	out := make(map[teambot.Week]teambot.Report)
	for _, rep := range history {
		if rep.Version > out[rep.Week].Version {
			out[rep.Week] = rep
		}
	}
	return out
}
