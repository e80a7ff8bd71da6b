package commands

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/calendar"
)

// LeavePending is 待批请假 (PRODUCT.md §6): on workdays it tells the
// supervisor which leave requests of active members wait for a decision.
// With direct messages configured it is one ToUsers message to the
// supervisor listing each request with its days and reason; otherwise one
// ToGroup message that @mentions the supervisor with counts and names only,
// never reasons (R14). Nothing is sent when no request waits or the team has
// no supervisor to decide.
func (e *Engine) LeavePending(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.firingRequest(ctx, f, func(r *Request) error {
		pending, err := r.pendingLeave(ctx)
		if err != nil || len(pending) == 0 {
			return err
		}
		sup, ok := r.supervisor(ctx)
		if !ok {
			return nil
		}
		if e.cfg.DirectMessages {
			cal, err := r.calendar(ctx)
			if err != nil {
				return err
			}
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: r.pendingLeaveFull(pending, cal), Origin: origin(f, "leave_pending")})
			return nil
		}
		out = append(out, groupMessage(r, f, "leave_pending", pendingLeaveSummary(sup, pending), []string{sup.UserID}))
		return nil
	})
	return out, err
}

// pendingLeave lists the team's requests waiting for a decision, of active
// members only: a removed member's request waits for nobody.
func (r *Request) pendingLeave(ctx context.Context) ([]teambot.Leave, error) {
	all, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: r.Team.ID, Statuses: []string{teambot.LeavePending}})
	if err != nil || len(all) == 0 {
		return nil, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	active := make(map[int64]bool, len(members))
	for _, m := range members {
		active[m.ID] = true
	}
	var out []teambot.Leave
	for _, l := range all {
		if active[l.MemberID] {
			out = append(out, l)
		}
	}
	return out, nil
}

// pendingLeaveSummary is the group's reminder: how many requests wait, and
// whose, in the order they were asked for.
func pendingLeaveSummary(sup teambot.Member, pending []teambot.Leave) string {
	var names []string
	count := map[string]int{}
	for _, l := range pending {
		if count[l.Name] == 0 {
			names = append(names, l.Name)
		}
		count[l.Name]++
	}
	for i, n := range names {
		names[i] = fmt.Sprintf("%s %d 条", n, count[n])
	}
	return fmt.Sprintf("【待批请假】主管 %s，有 %d 条请假申请等你审批：%s。\n"+
		"发送 /请假 列表 查看日期和理由（只有你能看到），再用 /请假 批准 编号 或 /请假 驳回 编号 理由。",
		sup.Name, len(pending), strings.Join(names, "、"))
}

// pendingLeaveFull is the supervisor's private reminder, one line a
// request.
func (r *Request) pendingLeaveFull(pending []teambot.Leave, cal *calendar.Calendar) string {
	today := r.Today()
	var b strings.Builder
	fmt.Fprintf(&b, "【待批请假】有 %d 条请假申请等你审批：", len(pending))
	for _, l := range pending {
		started := ""
		if !today.Before(l.From) {
			started = "（已开始）"
		}
		fmt.Fprintf(&b, "\n· #%d %s %s%s · 理由：%s", l.ID, l.Name, describeLeave(leaveSpan(l), cal, today), started, l.Reason)
	}
	b.WriteString("\n批准：/请假 批准 编号；驳回：/请假 驳回 编号 理由（驳回理由不会在群里显示）。")
	return b.String()
}
