// A week's report status (R4): who is expected to hand in, who handed in on
// time or late, who is excused by leave and who is missing, as /周报 状态
// and the digest print it.

package report

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"

	"teambot"
)

// reportStatus is /周报 状态 [周]: who of the expected reporters handed in
// on time or late, who is missing and who is excused. Names and timing are
// not private (R10 names the missing in the meeting notice); texts are not
// shown.
func reportStatus(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	week, args := r.Week(), r.Params
	switch {
	case len(args) > 1:
		return teambot.Reply{}, commands.UsageError(r.Command, "/周报 状态 后面最多写一个周。")
	case len(args) == 1:
		var err error
		if week, err = r.WeekArg(args[0].Text); err != nil {
			return teambot.Reply{}, err
		}
	}
	s, err := roll.LoadWeekStatus(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: statusText(r, s)}, nil
}

// statusText renders a week's status for the group.
func statusText(r *commands.Request, s roll.WeekStatus) string {
	var b strings.Builder
	if s.Due.Exempt {
		fmt.Fprintf(&b, "%s周报状态：%s（截止前没有工作日，没有人迟交或未交）", lang.WeekLabel(s.Week), roll.ExemptText)
	} else {
		fmt.Fprintf(&b, "%s周报状态，截止 %s", lang.WeekLabel(s.Week), roll.DueMoment(r, s.Due))
	}
	if s.Closed {
		fmt.Fprintf(&b, "，主管已于 %s 结束", r.Moment(s.Closure.ClosedAt))
	}
	switch {
	case s.Nobody():
		b.WriteString("\n这一周没有需要交周报的成员（主管不用交，那一周结束后才加入的成员也不用交）。")
	case s.Due.Exempt:
		b.WriteString("\n" + s.Counts())
		if len(s.OnTime) > 0 {
			fmt.Fprintf(&b, "：%s", commands.NameList(editedNames(s.OnTime)))
		}
	default:
		b.WriteString("\n" + s.Counts())
		fmt.Fprintf(&b, "\n按时（%d）：%s", len(s.OnTime), commands.NameList(editedNames(s.OnTime)))
		fmt.Fprintf(&b, "\n迟交（%d）：%s", len(s.Late), commands.NameList(editedNames(s.Late)))
		fmt.Fprintf(&b, "\n未交（%d）：%s", len(s.Missing), commands.NameList(commands.MemberNames(s.Missing)))
	}
	if len(s.Excused) > 0 {
		fmt.Fprintf(&b, "\n请假（%d）：%s", len(s.Excused), commands.NameList(excusedNames(s.Excused)))
	}
	if len(s.Others) > 0 {
		fmt.Fprintf(&b, "\n另外也交了（不在应交名单里）：%s", commands.NameList(reportNames(s.Others)))
	}
	return b.String()
}

func reportNames(rs []teambot.Report) []string {
	out := make([]string, len(rs))
	for i, rep := range rs {
		out[i] = rep.Name
	}
	return out
}

// editedNames names reports, marking the edited ones: 张三（已修改）.
func editedNames(rs []teambot.Report) []string {
	out := make([]string, len(rs))
	for i, rep := range rs {
		out[i] = rep.Name
		if m := editedMark(rep, ""); m != "" {
			out[i] += "（" + m + "）"
		}
	}
	return out
}

func excusedNames(rs []roll.Reporter) []string {
	out := make([]string, len(rs))
	for i, e := range rs {
		out[i] = e.Name + "（" + e.Excused + "）"
	}
	return out
}
