package monthly

import (
	"fmt"
	"math"
	"strings"

	"teambot/bot/wecom"
	"teambot/commands"
)

// A document is rendered in sections: a message too long for WeCom is sent
// a section or more at a time, never cut inside one. Plain text has 【】
// headings and no markup, for replies and places where markdown is not
// rendered; markdown has # headings and bold, for app messages and the
// long connection.

// style is how a document is written: plain text or WeCom markdown.
type style struct {
	md bool
}

func (s style) h1(t string) string {
	if s.md {
		return "# " + wecom.EscapeMarkdownInline(t)
	}
	return "【" + t + "】"
}

func (s style) h2(t string) string {
	if s.md {
		return "## " + t
	}
	return "【" + t + "】"
}

func (s style) esc(t string) string {
	t = strings.Join(strings.Fields(t), " ") // what members wrote stays on its line
	if s.md {
		return wecom.EscapeMarkdownInline(t)
	}
	return t
}

func (s style) bold(t string) string {
	if s.md {
		return "**" + wecom.EscapeMarkdownInline(t) + "**"
	}
	return t
}

// Text is the report as plain text; Markdown as WeCom markdown.
func (rep Report) Text() string     { return strings.Join(rep.Sections(false), "\n\n") }
func (rep Report) Markdown() string { return strings.Join(rep.Sections(true), "\n\n") }

// Sections are the report's parts in order: the summary, the month's work,
// the members, meetings, decisions and platforms.
func (rep Report) Sections(md bool) []string {
	st := style{md}
	s, p := rep.Summary, rep.Previous
	var out []string

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", st.h1(rep.Team+" "+rep.Month+" 月度工作报告"))
	fmt.Fprintf(&b, "- 周报按时率 %s（按时 %d / 应交 %d，迟交 %d，未交 %d）%s\n", percent(s.OnTimeRate, s.ReportsDue), s.ReportsOnTime, s.ReportsDue, s.ReportsLate, s.ReportsMissing,
		rateChange(s.OnTimeRate, s.ReportsDue, p.OnTimeRate, p.ReportsDue))
	fmt.Fprintf(&b, "- 会议出勤率 %s（召开 %d 次，出席 %d / 应到 %d）%s\n", percent(s.AttendanceRate, s.Expected), s.MeetingsHeld, s.Attended, s.Expected,
		rateChange(s.AttendanceRate, s.Expected, p.AttendanceRate, p.Expected))
	fmt.Fprintf(&b, "- 平台每周更新达标 %d/%d 个%s；专题活动 %d 场%s\n", s.PlatformsOK, s.Platforms, countChange(s.PlatformsOK, p.PlatformsOK), s.Campaigns, countChange(s.Campaigns, p.Campaigns))
	fmt.Fprintf(&b, "- 表决与投票 %d 项，通过 %d 项%s\n", s.Decisions, s.Passed, countChange(s.Decisions, p.Decisions))
	fmt.Fprintf(&b, "- 嘉奖 %d 项%s，惩处 %d 项%s", s.Rewards, countChange(s.Rewards, p.Rewards), s.Penalties, countChange(s.Penalties, p.Penalties))
	if len(rep.Ledger) > 0 {
		var lv []string
		for _, l := range rep.Ledger {
			lv = append(lv, fmt.Sprintf("%s %d", l.Level, l.Count))
		}
		fmt.Fprintf(&b, "（%s）", strings.Join(lv, "、"))
	}
	if len(rep.Grounds) > 0 {
		byKind := map[string][]string{}
		for _, g := range rep.Grounds {
			byKind[g.Kind] = append(byKind[g.Kind], fmt.Sprintf("%s %d", g.Ground, g.Count))
		}
		var parts []string
		for _, k := range []string{kindReward, kindPenalty} {
			if len(byKind[k]) > 0 {
				parts = append(parts, k+"依据："+strings.Join(byKind[k], "、"))
			}
		}
		fmt.Fprintf(&b, "\n- %s", strings.Join(parts, "；"))
	}
	out = append(out, b.String())

	b.Reset()
	b.WriteString(st.h2("本月工作亮点"))
	if len(rep.Highlights) == 0 {
		b.WriteString("\n无（成员在周报里以「亮点：」开头写的行会列在这里；主管可用 /月报 亮点 添加）")
	}
	for _, h := range rep.Highlights {
		who := h.Name
		if who == "" {
			who = "主管补充"
		}
		fmt.Fprintf(&b, "\n- %s（%s）", st.esc(h.Text), st.esc(who))
	}
	b.WriteString("\n" + st.h2("专题活动"))
	if len(rep.Campaigns) == 0 {
		b.WriteString("\n本月没有专题活动")
	}
	for _, c := range rep.Campaigns {
		fmt.Fprintf(&b, "\n- %s %s：%s", c.Date, st.esc(c.Platform), st.esc(c.Title))
	}
	out = append(out, b.String())

	b.Reset()
	b.WriteString(st.h2("成员"))
	b.WriteString("\n姓名（角色）：周报 按时/迟交/未交/请假；会议 出席/迟到/请假/缺席；请假天数")
	for _, m := range rep.Members {
		reports := "不需交周报"
		if m.Reports {
			reports = fmt.Sprintf("%d/%d/%d/%d", m.ReportsOnTime, m.ReportsLate, m.ReportsMissing, m.ReportsExcused)
		}
		fmt.Fprintf(&b, "\n- %s（%s）：周报 %s；会议 %d/%d/%d/%d；请假 %s 天", st.bold(m.Name), m.Roles, reports,
			m.MeetingsPresent, m.MeetingsLate, m.MeetingsExcused, m.MeetingsAbsent, commands.Days(m.LeaveDays))
	}
	out = append(out, b.String())

	b.Reset()
	b.WriteString(st.h2("会议"))
	fmt.Fprintf(&b, "\n召开 %d 次，取消 %d 次", len(rep.Meetings), rep.Cancelled)
	for _, mt := range rep.Meetings {
		fmt.Fprintf(&b, "\n- %s 出席 %d，迟到 %d，请假 %d，缺席 %d（出勤率 %s）", mt.Date, mt.Present, mt.Late, mt.Excused, mt.Absent,
			percent(mt.Rate, mt.Present+mt.Late+mt.Absent))
	}
	b.WriteString("\n" + st.h2("表决与投票"))
	if len(rep.Votes) == 0 {
		b.WriteString("\n无")
	}
	for _, v := range rep.Votes {
		fmt.Fprintf(&b, "\n- #%d %s「%s」：%s（%s）", v.ID, v.Kind, st.esc(v.Title), v.Outcome, st.esc(v.Tally))
	}
	out = append(out, b.String())

	b.Reset()
	b.WriteString(st.h2("平台更新（每周至少一次）"))
	if len(rep.Platforms) == 0 {
		b.WriteString("\n还没有登记平台账号或更新")
	}
	for _, p := range rep.Platforms {
		fmt.Fprintf(&b, "\n- %s（%s）更新 %d 次，活动 %d 场", st.bold(p.Platform), st.esc(p.Owners), p.Updates, p.Campaigns)
		if len(p.WeeksWithout) > 0 {
			fmt.Fprintf(&b, "；无更新的周：%s", strings.Join(p.WeeksWithout, "、"))
		} else {
			b.WriteString("；每周都有更新")
		}
	}
	fmt.Fprintf(&b, "\n\n周报按周四所在月份计入：%s", strings.Join(rep.Weeks, "、"))
	out = append(out, b.String())
	out = append(out, rep.placementSection(st))
	return out
}

// percent writes a rate, or "—" when nothing was due.
func percent(rate float64, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", rate*100)
}

// rateChange is a rate's change from last month in percentage points.
func rateChange(now float64, whole int, before float64, wholeBefore int) string {
	if whole == 0 || wholeBefore == 0 {
		return ""
	}
	d := math.Round((now - before) * 100)
	switch {
	case d > 0:
		return fmt.Sprintf("，比上月 +%.0f 个百分点", d)
	case d < 0:
		return fmt.Sprintf("，比上月 %.0f 个百分点", d)
	}
	return "，与上月持平"
}

// countChange is a count's change from last month.
func countChange(now, before int) string {
	switch d := now - before; {
	case d > 0:
		return fmt.Sprintf("（比上月 +%d）", d)
	case d < 0:
		return fmt.Sprintf("（比上月 %d）", d)
	}
	return "（与上月持平）"
}

// Text is the appendix as plain text; Markdown as WeCom markdown.
func (a Appendix) Text() string     { return strings.Join(a.Sections(false), "\n\n") }
func (a Appendix) Markdown() string { return strings.Join(a.Sections(true), "\n\n") }

// Sections are the appendix's parts: the ledger with its reasons, account
// changes, open escalations and rejected leave.
func (a Appendix) Sections(md bool) []string {
	st := style{md}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n仅主管可见，不要转发；月度工作报告里没有这些内容。", st.h1(a.Month+" 月报附录（保密）"))
	b.WriteString("\n" + st.h2("嘉奖与惩处（含理由）"))
	if len(a.Ledger) == 0 {
		b.WriteString("\n无")
	}
	for _, e := range a.Ledger {
		if e.Revokes != 0 {
			fmt.Fprintf(&b, "\n- #%d %s 撤销 #%d（%s）：%s", e.ID, e.Date, e.Revokes, st.esc(e.Name), st.esc(e.Reason))
			continue
		}
		revoked := ""
		if e.Revoked {
			revoked = "（已撤销）"
		}
		fmt.Fprintf(&b, "\n- #%d %s %s %s（依据：%s）：%s%s", e.ID, e.Date, st.esc(e.Name), e.Level, e.Ground, st.esc(e.Reason), revoked)
	}
	out := []string{b.String()}
	b.Reset()
	b.WriteString(st.h2("账号变动"))
	if len(a.Accounts) == 0 {
		b.WriteString("\n无")
	}
	for _, x := range a.Accounts {
		fmt.Fprintf(&b, "\n- %s %s %s %s（%s）", x.Date, st.esc(x.Event), st.esc(x.Platform), st.esc(x.Account), st.esc(x.Owner))
	}
	b.WriteString("\n" + st.h2("未处理的上报"))
	if len(a.Escalations) == 0 {
		b.WriteString("\n无")
	}
	for _, e := range a.Escalations {
		fmt.Fprintf(&b, "\n- #%d %s %s：%s", e.ID, e.Date, st.esc(e.Name), st.esc(e.Text))
	}
	b.WriteString("\n" + st.h2("驳回的请假"))
	if len(a.RejectedLeave) == 0 {
		b.WriteString("\n无")
	}
	for _, l := range a.RejectedLeave {
		fmt.Fprintf(&b, "\n- #%d %s %s：%s；驳回理由：%s", l.ID, st.esc(l.Name), l.Days, st.esc(l.Reason), st.esc(l.Note))
	}
	return append(out, b.String())
}
