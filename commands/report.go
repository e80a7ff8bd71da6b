package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
func reportCommand() *Command {
	return &Command{
		Name: "report", Chinese: "周报", Aliases: []string{"小结"},
		Summary:  "提交本周工作小结（R4），查看周报、本周状态；主管可结束一周、设置截止时间",
		Usage:    "内容 | 上周 内容 | --week 2026-W47 内容",
		Examples: []string{"/周报 完成公众号推文 3 篇，下周准备双十二活动", "/周报 上周 补交：整理了素材库", "/周报 查看", "/周报 状态", "/周报 结束 上周", "/周报 截止 周五 18:00"},
		Who:      Member, Handler: report,
		Sub: []*Command{
			{Name: "show", Chinese: "查看", Aliases: []string{"view"}, Usage: "[@名字] [周|周..周]",
				Summary: "查看周报：自己的全文，主管看任何人的，其他成员只看是否已交",
				Who:     Member, Handler: showReports},
			{Name: "status", Chinese: "状态", Usage: "[周]", Summary: "一周里谁按时、迟交、未交、请假",
				Who: Member, Handler: reportStatus},
			{Name: "close", Chinese: "结束", Usage: "周", Summary: "结束一周的周报，之后不能再提交或修改",
				Who: Supervisor, Forbidden: "结束一周的周报只有主管可以操作%s。", Handler: closeReportWeek},
			{Name: "deadline", Chinese: "截止", Usage: "[周五 18:00]", Summary: "查看每周的截止时间；主管写上新的时间就改",
				Who: Member, Change: Supervisor, Forbidden: "修改周报截止时间只有主管可以操作%s；发送 /周报 截止 查看当前的截止时间。",
				Handler: reportDeadline},
		},
	}
}

// report is /周报 without a subcommand: the overview when bare, else a
// report for the week its first word names (上周, --week 2026-W47) or for
// this week. Free text is taken from the original message, not from the
// normalized arguments.
func report(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needTeam(); err != nil {
		return teambot.Reply{}, err
	}
	this := r.week()
	if len(r.Args) == 0 {
		return reportOverview(ctx, r, this)
	}
	// The first word ends at a space or a colon: "上周：内容" works too.
	first, after, _ := cutWord(r.Rest)
	switch first {
	case "上周", "last":
		return submitReport(ctx, r, this.Prev(), freeText(after))
	case "下周", "next":
		// Refused below like any future week, rather than stored as this
		// week's report starting with 下周 (R4).
		return submitReport(ctx, r, this.Next(), freeText(after))
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
		value, text = cutToken(trimLeftSpace(after))
	}
	if week, err = parseWeekText(normalize(value)); err != nil {
		return teambot.Week{}, "", true, teambot.Invalid("--week 后面要写周，例如 /周报 --week 2026-W47 内容。")
	}
	return week, freeText(text), true, nil
}

// submitReport stores text as the caller's report for week: a new version
// when there is one already (history is kept), marked late after the
// deadline. Passwords and over-long texts are refused before anything is
// stored (R13, docs/product.md §5).
func submitReport(ctx context.Context, r *Request, week teambot.Week, text string) (teambot.Reply, error) {
	if err := checkReportText(r, text); err != nil {
		return teambot.Reply{}, err
	}
	if r.week().Before(week) {
		return teambot.Reply{}, teambot.Invalid("%s还没开始，不能提前交周报。本周是 %s。", weekLabel(week), weekLabel(r.week()))
	}
	if err := r.weekOpen(ctx, week); err != nil {
		return teambot.Reply{}, err
	}
	due, err := r.reportDue(ctx, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	rep := teambot.Report{TeamID: r.Team.ID, MemberID: r.Caller.ID, Week: week, Text: text,
		SubmittedAt: r.Now, Late: due.Late(r.Now)}
	if err := r.Tx.SubmitReport(ctx, &rep); err != nil {
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
func checkReportText(r *Request, text string) error {
	switch n := utf8.RuneCountInString(text); {
	case text == "":
		return usageError(r.Command, "请在 /周报 后面写上本周的工作小结。")
	case n > maxReportRunes:
		return teambot.Invalid("周报最多 %d 字，这份有 %d 字。请精简后重新提交，详细材料可以放在共享文档里，周报里写链接。", maxReportRunes, n)
	}
	return nil
}

// submittedText confirms a submission: the week with its dates, the
// version, the length, and whether it came in on time.
func submittedText(r *Request, rep teambot.Report, chars int, due weekDue) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已提交 %s的周报，第 %d 版，共 %d 字，", weekLabel(rep.Week), rep.Version, chars)
	first := ""
	if rep.Version > 1 {
		first = "以第 1 版为准，" // R4: the first submission decides
	}
	switch {
	case due.Exempt:
		fmt.Fprintf(&b, "%s（这一周截止前没有工作日，不算迟交）", exemptText)
	case rep.Late:
		fmt.Fprintf(&b, "迟交（%s截止时间 %s 已过）", first, r.dueMoment(due))
	default:
		fmt.Fprintf(&b, "按时（%s截止 %s）", first, r.dueMoment(due))
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
func (r *Request) weekOpen(ctx context.Context, week teambot.Week) error {
	c, closed, err := r.Tx.WeekClosed(ctx, r.Team.ID, week)
	if err != nil || !closed {
		return err
	}
	return teambot.Conflict("%s的周报已由主管在 %s 结束，不能再提交或修改。需要补充请直接联系主管。",
		weekLabel(week), r.moment(c.ClosedAt))
}

// reportOverview answers a bare /周报: a member learns whether this week's
// report is in and how to write one; the supervisor sees the week's status.
func reportOverview(ctx context.Context, r *Request, week teambot.Week) (teambot.Reply, error) {
	if r.Caller.IsSupervisor() {
		return reportStatus(ctx, r)
	}
	due, err := r.reportDue(ctx, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	history, err := r.Tx.ReportHistory(ctx, r.Team.ID, r.Caller.ID, week, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(history) == 0 && due.Exempt {
		return teambot.Reply{Text: fmt.Sprintf("本周 %s是%s：截止前没有工作日，不交不算未交。想交也可以：/周报 本周的工作小结。",
			weekLabel(week), exemptText)}, nil
	}
	if len(history) == 0 {
		return teambot.Reply{Text: fmt.Sprintf("你还没有提交本周 %s的周报，截止 %s。写法：/周报 本周的工作小结，例如 %s。更多用法：/帮助 周报。",
			weekLabel(week), r.dueMoment(due), r.Command.Examples[0])}, nil
	}
	cur := history[len(history)-1]
	return teambot.Reply{Text: fmt.Sprintf("你已提交本周 %s的周报：第 %d 版，%s 提交，%s。发送 /周报 查看 看全文，再发一次 /周报 内容 可以修改。",
		weekLabel(week), cur.Version, r.moment(cur.SubmittedAt), lateWord(cur.Late))}, nil
}

// showReports is /周报 查看 [@名字] [周|周..周]. Members see their own
// reports in full and the supervisor anyone's; another member learns only
// whether a report was submitted (R14). In a group, someone else's report
// text reaches the supervisor as a private reply only.
func showReports(ctx context.Context, r *Request) (teambot.Reply, error) {
	target, from, to, err := r.showArgs(ctx, r.Params)
	if err != nil {
		return teambot.Reply{}, err
	}
	history, err := r.Tx.ReportHistory(ctx, r.Team.ID, target.ID, from, to)
	if err != nil {
		return teambot.Reply{}, err
	}
	self := target.ID == r.Caller.ID
	if !self && !r.Caller.IsSupervisor() {
		return teambot.Reply{Text: submittedOnly(target, history, from, to)}, nil
	}
	text := r.fullReports(target, history, from, to)
	return teambot.Reply{Text: text, Private: !self}, nil
}

// showArgs reads /周报 查看's member and weeks, in any order. Without a
// member it is the caller, without weeks the current week.
func (r *Request) showArgs(ctx context.Context, args []teambot.Arg) (teambot.Member, teambot.Week, teambot.Week, error) {
	target := *r.Caller
	from, to := r.week(), r.week()
	var named, dated bool
	for _, a := range args {
		if !a.Mention && looksLikeWeek(a.Text) {
			if dated {
				return target, from, to, usageError(r.Command, "只能写一个周或一个范围（例如 2026-W40..2026-W48）。")
			}
			f, t, err := r.weekRange(a.Text)
			if err != nil {
				return target, from, to, err
			}
			from, to, dated = f, t, true
			continue
		}
		if named {
			return target, from, to, usageError(r.Command, "一次只能查看一位成员。")
		}
		m, err := r.member(ctx, a)
		if err != nil {
			return target, from, to, err
		}
		target, named = m, true
	}
	return target, from, to, nil
}

// weekRange reads a week (2026-W48, 本周, 上周) or a range of them
// (2026-W40..2026-W48) relative to the current week.
func (r *Request) weekRange(s string) (teambot.Week, teambot.Week, error) {
	a, b, isRange := strings.Cut(s, "..")
	from, err := r.weekArg(a)
	if err != nil || !isRange {
		return from, from, err
	}
	to, err := r.weekArg(b)
	switch {
	case err != nil:
		return from, to, err
	case to.Before(from):
		return from, to, teambot.Invalid("范围 %s 的开始晚于结束，请写成 %s..%s。", s, to, from)
	case weeksBetween(from, to) > maxShowWeeks:
		return from, to, teambot.Invalid("一次最多查看 %d 周，%s 有 %d 周。请缩小范围；整段导出请让管理员用 teambot export reports。",
			maxShowWeeks, s, weeksBetween(from, to))
	}
	return from, to, nil
}

// fullReports prints the current version of each week's report in full,
// and the weeks with none.
func (r *Request) fullReports(m teambot.Member, history []teambot.Report, from, to teambot.Week) string {
	current := currentByWeek(history)
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的周报，%s", m.Name, rangeLabel(from, to))
	for w := from; !to.Before(w); w = w.Next() {
		rep, ok := current[w]
		if !ok {
			fmt.Fprintf(&b, "\n\n%s：未提交", weekLabel(w))
			continue
		}
		// The id is what /删除内容 周报 takes (R14).
		fmt.Fprintf(&b, "\n\n%s第 %d 版（#%d），%s 提交，%s%s：\n%s", weekLabel(w), rep.Version, rep.ID, r.moment(rep.SubmittedAt), lateWord(rep.Late), editedMark(rep, "，"), rep.Text)
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
		return fmt.Sprintf("%s %s %s的周报。%s", m.Name, state, weekLabel(from), note)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的周报，%s：", m.Name, rangeLabel(from, to))
	for w := from; !to.Before(w); w = w.Next() {
		state := "未提交"
		if _, ok := current[w]; ok {
			state = "已提交"
		}
		fmt.Fprintf(&b, "\n%s：%s", weekLabel(w), state)
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

// closeReportWeek is /周报 结束 周: the supervisor closes a week, after
// which its reports can no longer be submitted or changed.
func closeReportWeek(ctx context.Context, r *Request) (teambot.Reply, error) {
	args := r.Params
	if len(args) != 1 {
		return teambot.Reply{}, teambot.Invalid("请写上要结束的周，例如 /周报 结束 %s（或 /周报 结束 上周）。", r.week().Prev())
	}
	week, err := r.weekArg(args[0].Text)
	if err != nil {
		return teambot.Reply{}, err
	}
	if r.week().Before(week) {
		return teambot.Reply{}, teambot.Invalid("%s还没开始，不能结束。本周是 %s。", weekLabel(week), weekLabel(r.week()))
	}
	if c, closed, err := r.Tx.WeekClosed(ctx, r.Team.ID, week); err != nil {
		return teambot.Reply{}, err
	} else if closed {
		return teambot.Reply{}, teambot.Conflict("%s的周报已经在 %s 结束了。", weekLabel(week), r.moment(c.ClosedAt))
	}
	s, err := loadWeekStatus(ctx, r, week)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.CloseWeek(ctx, teambot.WeekClosure{TeamID: r.Team.ID, Week: week, ClosedAt: r.Now, ClosedBy: r.UserID}); err != nil {
		return teambot.Reply{}, err
	}
	handed := s.Handed()
	if err := r.Audit(ctx, "report.close", week.String(), fmt.Sprintf("应交 %d 人，已交 %d 人，未交 %d 人", s.Expected, handed, len(s.Missing))); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已结束 %s的周报：之后不能再提交或修改。应交 %d 人，收到 %d 份周报，未交：%s。",
		weekLabel(week), s.Expected, handed, nameList(memberNames(s.Missing)))
	if week == r.week() {
		text += "注意：本周还没过完。"
	}
	return teambot.Reply{Text: text}, nil
}

// reportDeadline is /周报 截止 [周五 18:00]: anyone may see the team's
// weekly deadline; the supervisor may change it.
func reportDeadline(ctx context.Context, r *Request) (teambot.Reply, error) {
	args := r.Params
	old, err := r.Tx.ReportDeadline(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	this := r.week()
	if len(args) == 0 {
		due, err := r.reportDue(ctx, this)
		if err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: fmt.Sprintf("周报截止时间：每%s %s（%s）。本周 %s截止 %s。放假时截止提前到之前最后一个工作日。主管可以用 /周报 截止 周五 18:00 修改。",
			weekdaysCN[old.Weekday], old.Clock(), r.Team.TimeZone, weekLabel(this), r.dueMoment(due))}, nil
	}
	d, err := parseDeadline(args)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.SetReportDeadline(ctx, r.Team.ID, d); err != nil {
		return teambot.Reply{}, err
	}
	detail := fmt.Sprintf("原 每%s %s；新 每%s %s", weekdaysCN[old.Weekday], old.Clock(), weekdaysCN[d.Weekday], d.Clock())
	if err := r.Audit(ctx, "report.deadline", r.Team.ChatID, detail); err != nil {
		return teambot.Reply{}, err
	}
	due, err := r.reportDue(ctx, this)
	if err != nil {
		return teambot.Reply{}, err
	}
	nag, err := r.followNag(ctx, old, d)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("周报截止时间已改为每%s %s（%s），原来是每%s %s。本周 %s截止 %s。已经交的周报，按时或迟交的标记不变。%s",
		weekdaysCN[d.Weekday], d.Clock(), r.Team.TimeZone, weekdaysCN[old.Weekday], old.Clock(),
		weekLabel(this), r.dueMoment(due), nag)}, nil
}

// parseDeadline reads /周报 截止's weekday and time as parseWeekly does
// (周五 18:00, 星期日 下午6点, fri 18:30).
func parseDeadline(args []teambot.Arg) (teambot.WeeklyDeadline, error) {
	text := argsText(args)
	w, err := parseWeekly(text)
	switch {
	case errors.Is(err, errClockRange):
		return teambot.WeeklyDeadline{}, teambot.Invalid("截止时间「%s」不是有效的时刻：小时 0–23，分钟 0–59，例如 /周报 截止 周五 18:00。", clip(text))
	case err != nil || w.Days != daysOne:
		return teambot.WeeklyDeadline{}, teambot.Invalid("看不懂截止时间「%s」，请写成 星期几 和 时间，例如 /周报 截止 周五 18:00 或 /周报 截止 星期五 下午6点。%s。", clip(text), clockHint)
	}
	return teambot.WeeklyDeadline{Weekday: w.Weekday, Hour: w.Hour, Minute: w.Minute}, nil
}
