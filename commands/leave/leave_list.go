// Reading leave: /请假 列表 shows the requests from today on or of one week
// (the whole team's to the supervisor, a member's own otherwise), and /谁请假
// names who is on approved leave today, half days marked.

package leave

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// listLeave is /请假 列表 [周]: the supervisor sees the whole team's
// requests, a member their own; from today on, or those of one week. The
// reply shows reasons, so it is visible to the caller only (R14).
func listLeave(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	today := r.Today()
	f := teambot.LeaveFilter{TeamID: r.Team.ID, From: today}
	title := "从今天起"
	next := r.Week().Next()
	switch args := r.Params; {
	case len(args) > 1:
		return teambot.Reply{}, commands.UsageError(r.Command, "/请假 列表 后面最多写一个周。")
	case len(args) == 1:
		week, err := leaveWeekArg(r, args[0].Text)
		if err != nil {
			return teambot.Reply{}, err
		}
		f.From, f.To, title = week.Monday(), week.Sunday(), "在 "+lang.WeekLabel(week)
	}
	whose := "团队"
	if !r.Caller.IsSupervisor() {
		f.MemberID, whose = r.Caller.ID, "你"
	}
	list, err := r.Tx.Leaves(ctx, f)
	if err != nil {
		return teambot.Reply{}, err
	}
	if f.To.IsZero() {
		// Requests still waiting for a decision are listed whatever their days.
		if list, err = withPending(ctx, r, f, list); err != nil {
			return teambot.Reply{}, err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s的请假申请", whose, title)
	if len(list) == 0 {
		b.WriteString("：没有。")
	} else {
		fmt.Fprintf(&b, "（%d 条）：", len(list))
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	for _, l := range list {
		b.WriteString("\n" + leaveLine(l, cal, today, r.Caller.IsSupervisor()))
	}
	fmt.Fprintf(&b, "\n查看某一周：/请假 列表 下周、/请假 列表 %s。", next)
	reply := teambot.Reply{Text: b.String(), Private: true}
	if r.Cards && r.Single() && r.Caller.IsSupervisor() {
		// The first request waiting comes as a card to decide on.
		for _, l := range list {
			if l.Status == teambot.LeavePending {
				if reply.Card, err = commands.NewCard(ctx, r, teambot.CardLeave, l.ID); err != nil {
					return teambot.Reply{}, err
				}
				break
			}
		}
	}
	return reply, nil
}

// withPending adds to list the pending requests f selects by member but
// not by days, keeping the order by first day.
func withPending(ctx context.Context, r *commands.Request, f teambot.LeaveFilter, list []teambot.Leave) ([]teambot.Leave, error) {
	pending, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: f.TeamID, MemberID: f.MemberID, Statuses: []string{teambot.LeavePending}})
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(list))
	for _, l := range list {
		seen[l.ID] = true
	}
	var earlier []teambot.Leave
	for _, l := range pending {
		if !seen[l.ID] {
			earlier = append(earlier, l) // they all ended before f.From
		}
	}
	return append(earlier, list...), nil
}

// leaveWeekArg reads a week for /请假 列表: 本周, 上周, 下周 or 2026-W49.
func leaveWeekArg(r *commands.Request, s string) (teambot.Week, error) {
	switch strings.ToLower(s) {
	case "下周", "next":
		return r.Week().Next(), nil
	}
	return r.WeekArg(s)
}

// leaveLine is one request in a private list: id, (whose,) days, status,
// and the reasons.
func leaveLine(l teambot.Leave, cal *calendar.Calendar, today teambot.Date, withName bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d ", l.ID)
	if withName {
		b.WriteString(l.Name + " ")
	}
	fmt.Fprintf(&b, "%s · %s · 理由：%s", describeLeave(roll.LeaveSpan(l), cal, today), leaveStatusCN(l.Status), l.Reason)
	if l.Status == teambot.LeaveRejected && l.DecisionNote != "" {
		b.WriteString(" · 驳回理由：" + l.DecisionNote)
	}
	return b.String()
}

// whoIsOff is /谁请假: the names of the members on approved leave today,
// and nothing else (no reasons, no pending requests).
func whoIsOff(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	today := r.Today()
	away, err := roll.OnLeave(ctx, r, today, today)
	if err != nil {
		return teambot.Reply{}, err
	}
	day := "今天 " + lang.DescribeDay(today, today)
	if len(away) == 0 { // the roster is read only for the names of those away
		return teambot.Reply{Text: day + "没有人请假。"}, nil
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	var names []string
	for _, m := range members {
		ls, ok := away[m.ID]
		if !ok {
			continue
		}
		name := m.Name
		if half := halfOf(ls); half != "" {
			name += "（" + half + "）"
		}
		names = append(names, name)
	}
	if len(names) == 0 { // on leave, but no longer active
		return teambot.Reply{Text: day + "没有人请假。"}, nil
	}
	return teambot.Reply{Text: fmt.Sprintf("%s请假的有 %d 人：%s。", day, len(names), strings.Join(names, "、"))}, nil
}

// halfOf is the half day a member's leave of one day covers, or "" when it
// covers the whole day.
func halfOf(ls []teambot.Leave) string {
	halves := map[string]bool{}
	for _, l := range ls {
		if l.Whole() {
			return ""
		}
		halves[l.Half] = true
	}
	if len(halves) == 1 {
		for h := range halves {
			return h
		}
	}
	return ""
}
