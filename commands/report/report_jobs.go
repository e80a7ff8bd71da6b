package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"

	"teambot"
)

// Reminders are the weekly reports' reminders (R4): opening the week,
// nagging who has not handed in, and the supervisor's digest (R5).
func Reminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "report_open", Chinese: "周报提醒", Spec: "0 9 * * MON",
			Summary: "开启本周周报并说明截止时间", Build: ReportOpen},
		{Name: "report_nag", Chinese: "周报催交", Spec: "0 15 * * FRI",
			Summary: "@ 还没交本周周报的成员，都交了就不发；放假时提前到截止前的工作日", Build: ReportNag,
			MoveOff: nagMove},
		{Name: "report_digest", Chinese: "周报汇总", Spec: "30 9 * * MON",
			Summary: "上周周报汇总给主管：按时、迟交、未交", Build: reportDigest},
	}
}

// The three weekly report reminders (R4, docs/product.md §6). Each builds the
// messages of one firing from the records, in its own transaction, and sends
// nothing itself: the reminder engine stores what they return in the outbox.
// Weeks are read in the team's time zone at the firing's scheduled instant.

// ReportOpen is 周报提醒: the group is told that this week's reports are
// open and when they are due. Nothing is sent when nobody is expected to
// report or the week is already closed.
func ReportOpen(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		s, err := roll.LoadWeekStatus(ctx, r, r.Week())
		if err != nil || s.Expected == 0 || s.Closed {
			return err
		}
		due := fmt.Sprintf("截止 %s", roll.DueMoment(r, s.Due))
		if s.Due.Late(r.Now) {
			// A holiday may push the reminder past the deadline (e.g. to Sunday).
			due = fmt.Sprintf("截止时间 %s 已过，现在交记为迟交", roll.DueMoment(r, s.Due))
		}
		text := fmt.Sprintf("【周报提醒】本周 %s的周报开始提交，%s，%s。\n"+
			"请 @我 发送 /周报 本周工作小结，例如 /周报 完成公众号推文 3 篇；交了还可以再发一次修改。",
			lang.WeekLabel(s.Week), due, s.Counts())
		out = append(out, commands.GroupMessage(r, f, "report_open", text, nil))
		return nil
	})
	return out, err
}

// ReportNag is 周报催交: one group message that @mentions exactly the
// expected members (not excused) still missing this week's report, less
// those on approved leave at the moment of the nag (R4). Nothing is
// sent when nobody is left to nag or the week is closed.
func ReportNag(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		s, err := roll.LoadWeekStatus(ctx, r, r.Week())
		if err != nil || len(s.Missing) == 0 || s.Closed {
			return err
		}
		if s.Missing, err = notAwayNow(ctx, r, s.Missing); err != nil || len(s.Missing) == 0 {
			return err
		}
		when := fmt.Sprintf("截止 %s，请尽快 @我 发送 /周报 内容 提交。", roll.DueMoment(r, s.Due))
		if s.Due.Late(r.Now) {
			when = fmt.Sprintf("截止时间 %s 已过，请尽快 @我 发送 /周报 内容 补交（记为迟交）。", roll.DueMoment(r, s.Due))
		}
		text := fmt.Sprintf("【周报催交】本周 %s还有 %d 人没交周报：%s。%s",
			lang.WeekLabel(s.Week), len(s.Missing), commands.NameList(commands.MemberNames(s.Missing)), when)
		users := make([]string, len(s.Missing))
		for i, m := range s.Missing {
			users[i] = m.UserID
		}
		out = append(out, commands.GroupMessage(r, f, "report_nag", text, users))
		return nil
	})
	return out, err
}

// notAwayNow keeps the members not on approved leave at this moment (a
// half day counts in its half, in the team's time zone).
func notAwayNow(ctx context.Context, r *commands.Request, ms []teambot.Member) ([]teambot.Member, error) {
	today := r.Today()
	away, err := roll.OnLeave(ctx, r, today, today)
	if err != nil || len(away) == 0 {
		return ms, err
	}
	var out []teambot.Member
	for _, m := range ms {
		if !slices.ContainsFunc(away[m.ID], func(l teambot.Leave) bool { return l.CoversMoment(r.Now, r.Location()) }) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Digest is 周报汇总: last week's reports for the supervisor. With
// private set (the app can send direct messages) it is one ToUsers message
// to the supervisor listing who handed in on time or late, with each
// report's first line, and who is missing. Without it, it is one ToGroup
// message with only counts and names, never report texts (R14). Either ends
// with the escalations still open (R16): their numbers, and in the private
// digest who reported what; then the requests that have waited for the
// supervisor three workdays or more (R7, R15, package approval). Nothing is sent when nobody was expected and
// nobody reported, or when a private digest has no supervisor to go to.
func Digest(ctx context.Context, e *commands.Engine, f teambot.Firing, private bool) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		s, err := roll.LoadWeekStatus(ctx, r, r.Week().Prev())
		if err != nil || s.Nobody() {
			return err
		}
		group, full, err := r.Rules().EscalationDigest(ctx, r)
		if err != nil {
			return err
		}
		if waiting := r.Rules().ApprovalDigest; waiting != nil {
			g, p, err := waiting(ctx, r)
			if err != nil {
				return err
			}
			group, full = group+g, full+p
		}
		if !private {
			out = append(out, commands.GroupMessage(r, f, "report_digest", digestSummary(r, s)+group, nil))
			return nil
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
			Text: digestFull(r, s) + full, Origin: commands.Origin(f, "report_digest")})
		return nil
	})
	return out, err
}

// digestSummary is the group's digest: counts and names only (R14).
func digestSummary(r *commands.Request, s roll.WeekStatus) string {
	var b strings.Builder
	if s.Due.Exempt {
		fmt.Fprintf(&b, "【周报汇总】上周 %s：%s（截止前没有工作日，没有人迟交或未交）", lang.WeekLabel(s.Week), s.Counts())
		if len(s.OnTime) > 0 {
			fmt.Fprintf(&b, "：%s", commands.NameList(reportNames(s.OnTime)))
		}
		b.WriteString("。")
		return b.String()
	}
	fmt.Fprintf(&b, "【周报汇总】上周 %s%s：%s；按时 %d 人（%s），迟交 %d 人（%s），未交 %d 人（%s）",
		lang.WeekLabel(s.Week), movedDue(r, s.Due), s.Counts(), len(s.OnTime), commands.NameList(reportNames(s.OnTime)),
		len(s.Late), commands.NameList(reportNames(s.Late)), len(s.Missing), commands.NameList(commands.MemberNames(s.Missing)))
	if len(s.Excused) > 0 {
		fmt.Fprintf(&b, "，请假 %d 人（%s）", len(s.Excused), commands.NameList(excusedNames(s.Excused)))
	}
	fmt.Fprintf(&b, "。\n周报内容只有主管可以看：主管发送 /周报 查看 @名字 %s 阅读全文。", s.Week)
	return b.String()
}

// movedDue is "，截止 …" naming a deadline that days off moved, for the
// digest; nothing when the deadline was where it is set.
func movedDue(r *commands.Request, d roll.WeekDue) string {
	if !d.Moved() {
		return ""
	}
	return "，截止 " + roll.DueMoment(r, d)
}

// digestFull is the supervisor's private digest, with each report's first
// line.
func digestFull(r *commands.Request, s roll.WeekStatus) string {
	var b strings.Builder
	if s.Due.Exempt {
		fmt.Fprintf(&b, "【周报汇总】上周 %s\n%s：截止前没有工作日，没有人迟交或未交。", lang.WeekLabel(s.Week), s.Counts())
		digestSection(r, &b, "已交", s.OnTime)
		return b.String()
	}
	fmt.Fprintf(&b, "【周报汇总】上周 %s%s\n%s；按时 %d 人，迟交 %d 人，未交 %d 人。", lang.WeekLabel(s.Week),
		movedDue(r, s.Due), s.Counts(), len(s.OnTime), len(s.Late), len(s.Missing))
	digestSection(r, &b, "按时", s.OnTime)
	digestSection(r, &b, "迟交", s.Late)
	fmt.Fprintf(&b, "\n未交：%s", commands.NameList(commands.MemberNames(s.Missing)))
	if len(s.Excused) > 0 {
		fmt.Fprintf(&b, "\n请假：%s", commands.NameList(excusedNames(s.Excused)))
	}
	fmt.Fprintf(&b, "\n查看全文：/周报 查看 @名字 %s", s.Week)
	if !s.Closed {
		fmt.Fprintf(&b, "\n收齐后发送 /周报 结束 %s，之后不能再修改。", s.Week)
	}
	return b.String()
}

// digestSection lists reports with when they came in and their first line.
func digestSection(r *commands.Request, b *strings.Builder, title string, reps []teambot.Report) {
	if len(reps) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s：", title)
	for _, rep := range reps {
		fmt.Fprintf(b, "\n· %s（%s）：%s", rep.Name, r.Moment(rep.SubmittedAt), lang.FirstLine(rep.Text, lang.FirstLineRunes))
	}
}

// reportDigest sends the digest privately when app messages are available
// (R14: report texts only to the supervisor), else only counts and names.
func reportDigest(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	return Digest(ctx, e, f, e.Config.DirectMessages)
}
