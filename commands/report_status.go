// A week's report status (R4): who is expected to hand in, who handed in on
// time or late, who is excused by leave and who is missing, as /周报 状态
// and the digest print it.

package commands

import (
	"context"
	"fmt"
	"strings"

	"teambot"
)

// reporter is a member expected to hand in a week's report. Excused, when
// set, says why they need not (for instance approved leave).
type reporter struct {
	teambot.Member
	Excused string
}

// expectedReporters answers "who is expected to report in week W": every
// active member except the supervisor (R4: the others report to the
// supervisor) who joined before the week ended. This is the one place that
// decides it; a member on approved leave for every workday of the week is
// Excused (see leaveExcuses).
func expectedReporters(ctx context.Context, r *Request, week teambot.Week) ([]reporter, error) {
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	excused, err := r.leaveExcuses(ctx, week)
	if err != nil {
		return nil, err
	}
	end := week.End(r.Location())
	var out []reporter
	for _, m := range members {
		if m.IsSupervisor() || !m.JoinedAt.Before(end) {
			continue
		}
		out = append(out, reporter{Member: m, Excused: excused[m.ID]})
	}
	return out, nil
}

// weekStatus is where a week's reports stand, for the expected reporters.
type weekStatus struct {
	Week      teambot.Week
	Due       weekDue
	Closed    bool
	Closure   teambot.WeekClosure
	Reporters int // the expected reporters, excused or not
	Expected  int // who must report: the expected reporters less the excused, none in an exempt week (R4)
	OnTime    []teambot.Report
	Late      []teambot.Report
	Missing   []teambot.Member
	Excused   []reporter
	Others    []teambot.Report // from members not expected that week, such as the supervisor
}

// Handed is how many reports the week has, expected or not.
func (s weekStatus) Handed() int { return len(s.OnTime) + len(s.Late) + len(s.Others) }

// Nobody tells whether the week had no reporter at all, excused or not.
func (s weekStatus) Nobody() bool { return s.Reporters == 0 }

// Counts is the one way the week's counts are told, in reminders and
// status alike: 应交 4 人，已交 3 人，请假免交 1 人. Only members who must
// report are counted; the excused are counted apart (R4).
func (s weekStatus) Counts() string {
	if s.Due.Exempt {
		return fmt.Sprintf("%s，已交 %d 人", exemptText, len(s.OnTime)+len(s.Late))
	}
	text := fmt.Sprintf("应交 %d 人，已交 %d 人", s.Expected, len(s.OnTime)+len(s.Late))
	if len(s.Excused) > 0 {
		text += fmt.Sprintf("，请假免交 %d 人", len(s.Excused))
	}
	return text
}

// loadWeekStatus sorts the expected reporters of week into on time, late,
// missing and excused, and keeps the reports of members who were not
// expected apart. An excused member who reported anyway counts as having
// reported, and so as one who must report. In an exempt week (see dueIn)
// nobody must report: none is missing or excused, and whoever reported
// anyway is on time.
func loadWeekStatus(ctx context.Context, r *Request, week teambot.Week) (weekStatus, error) {
	s := weekStatus{Week: week}
	var err error
	if s.Due, err = r.reportDue(ctx, week); err != nil {
		return s, err
	}
	if s.Closure, s.Closed, err = r.Tx.WeekClosed(ctx, r.Team.ID, week); err != nil {
		return s, err
	}
	expected, err := expectedReporters(ctx, r, week)
	if err != nil {
		return s, err
	}
	current, err := r.Tx.CurrentReports(ctx, r.Team.ID, week)
	if err != nil {
		return s, err
	}
	byMember := make(map[int64]teambot.Report, len(current))
	for _, rep := range current {
		byMember[rep.MemberID] = rep
	}
	s.Expected, s.Reporters = len(expected), len(expected)
	for _, e := range expected {
		rep, ok := byMember[e.ID]
		delete(byMember, e.ID)
		switch {
		case ok && rep.Late:
			s.Late = append(s.Late, rep)
		case ok:
			s.OnTime = append(s.OnTime, rep)
		case e.Excused != "":
			s.Excused = append(s.Excused, e)
		default:
			s.Missing = append(s.Missing, e.Member)
		}
	}
	s.Expected -= len(s.Excused)
	if s.Due.Exempt {
		s.Expected, s.Missing, s.Excused = 0, nil, nil
	}
	for _, rep := range current {
		if _, other := byMember[rep.MemberID]; other {
			s.Others = append(s.Others, rep)
		}
	}
	return s, nil
}

// reportStatus is /周报 状态 [周]: who of the expected reporters handed in
// on time or late, who is missing and who is excused. Names and timing are
// not private (R10 names the missing in the meeting notice); texts are not
// shown.
func reportStatus(ctx context.Context, r *Request) (teambot.Reply, error) {
	week, args := r.week(), r.Params
	switch {
	case len(args) > 1:
		return teambot.Reply{}, usageError(r.Command, "/周报 状态 后面最多写一个周。")
	case len(args) == 1:
		var err error
		if week, err = r.weekArg(args[0].Text); err != nil {
			return teambot.Reply{}, err
		}
	}
	s, err := loadWeekStatus(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: r.statusText(s)}, nil
}

// statusText renders a week's status for the group.
func (r *Request) statusText(s weekStatus) string {
	var b strings.Builder
	if s.Due.Exempt {
		fmt.Fprintf(&b, "%s周报状态：%s（截止前没有工作日，没有人迟交或未交）", weekLabel(s.Week), exemptText)
	} else {
		fmt.Fprintf(&b, "%s周报状态，截止 %s", weekLabel(s.Week), r.dueMoment(s.Due))
	}
	if s.Closed {
		fmt.Fprintf(&b, "，主管已于 %s 结束", r.moment(s.Closure.ClosedAt))
	}
	switch {
	case s.Nobody():
		b.WriteString("\n这一周没有需要交周报的成员（主管不用交，那一周结束后才加入的成员也不用交）。")
	case s.Due.Exempt:
		b.WriteString("\n" + s.Counts())
		if len(s.OnTime) > 0 {
			fmt.Fprintf(&b, "：%s", nameList(editedNames(s.OnTime)))
		}
	default:
		b.WriteString("\n" + s.Counts())
		fmt.Fprintf(&b, "\n按时（%d）：%s", len(s.OnTime), nameList(editedNames(s.OnTime)))
		fmt.Fprintf(&b, "\n迟交（%d）：%s", len(s.Late), nameList(editedNames(s.Late)))
		fmt.Fprintf(&b, "\n未交（%d）：%s", len(s.Missing), nameList(memberNames(s.Missing)))
	}
	if len(s.Excused) > 0 {
		fmt.Fprintf(&b, "\n请假（%d）：%s", len(s.Excused), nameList(excusedNames(s.Excused)))
	}
	if len(s.Others) > 0 {
		fmt.Fprintf(&b, "\n另外也交了（不在应交名单里）：%s", nameList(reportNames(s.Others)))
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

func excusedNames(rs []reporter) []string {
	out := make([]string, len(rs))
	for i, e := range rs {
		out[i] = e.Name + "（" + e.Excused + "）"
	}
	return out
}
