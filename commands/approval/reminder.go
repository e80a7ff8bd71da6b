package approval

import (
	"context"
	"fmt"
	"strings"

	"teambot"
	"teambot/commands"
)

// Reminders are this area's reminder: 待审批, everything that waits for
// the supervisor. It was 待审批, leave only, and keeps that reminder's
// stored name, leave_pending, so each team's time and on/off for it carry
// over unchanged.
func Reminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "leave_pending", Chinese: "待审批", Former: []string{"待批请假"}, Spec: "0 10 * * MON-FRI",
			Summary: "提醒主管审批等待中的请假、加入、发布、合作、投放申请，没有就不发", Build: Pending},
	}
}

// kindOrder is the order 待审批 lists the kinds of waiting work in.
var kindOrder = []string{"请假", "加入", post.noun, partner.noun, placement.noun}

// Pending is 待审批 (docs/product.md §6): on workdays it tells the
// supervisor what waits for her decision, each kind once with its
// requests, oldest first. With direct messages configured it is one
// ToUsers message with each request (a leave request's reason too);
// otherwise one ToGroup message that @mentions her with counts and names
// only, never reasons (R14). Nothing is sent when nothing waits or the
// team has no supervisor.
func Pending(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		work, err := PendingWork(ctx, r)
		if err != nil || len(work) == 0 {
			return err
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil || !ok {
			return err
		}
		if e.Config.DirectMessages {
			text, err := pendingFull(ctx, r, work)
			if err != nil {
				return err
			}
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: text, Origin: commands.Origin(f, "leave_pending")})
			return nil
		}
		out = append(out, commands.GroupMessage(r, f, "leave_pending", pendingSummary(sup, work), []string{sup.UserID}))
		return nil
	})
	return out, err
}

// byKind is work grouped by kind, in kindOrder, each oldest first.
func byKind(work []Waiting) [][]Waiting {
	var out [][]Waiting
	for _, k := range kindOrder {
		var group []Waiting
		for _, w := range work {
			if w.Kind == k {
				group = append(group, w)
			}
		}
		if len(group) > 0 {
			out = append(out, group)
		}
	}
	return out
}

// pendingFull is the supervisor's private reminder: each kind, then one
// line a request with how long it has waited and how to decide it.
func pendingFull(ctx context.Context, r *commands.Request, work []Waiting) (string, error) {
	cal, err := r.Calendar(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "【待审批】有 %d 件事等你审批：", len(work))
	for _, group := range byKind(work) {
		fmt.Fprintf(&b, "\n%s %d 件：", group[0].Kind, len(group))
		for _, w := range group {
			fmt.Fprintf(&b, "\n· %s · 等了%s · %s", w.Line, waited(r, cal, w.Since), w.How)
		}
	}
	b.WriteString("\n发送 /审批 查看全部；驳回都要写理由（不会在群里显示）。")
	return b.String(), nil
}

// pendingSummary is the group's reminder: each kind with how many wait,
// and whose.
func pendingSummary(sup teambot.Member, work []Waiting) string {
	var kinds []string
	for _, group := range byKind(work) {
		var names []string
		count := map[string]int{}
		for _, w := range group {
			if count[w.Who] == 0 {
				names = append(names, w.Who)
			}
			count[w.Who]++
		}
		for i, n := range names {
			if count[n] > 1 {
				names[i] = fmt.Sprintf("%s %d 件", n, count[n])
			}
		}
		kinds = append(kinds, fmt.Sprintf("%s %d 件（%s）", group[0].Kind, len(group), strings.Join(names, "、")))
	}
	return fmt.Sprintf("【待审批】主管 %s，有 %d 件事等你审批：%s。\n发送 /审批 查看详情和理由（只有你能看到），再逐件批准或驳回。",
		sup.Name, len(work), strings.Join(kinds, "、"))
}

// overdueWorkdays is how long a request may wait before the weekly digest
// flags it.
const overdueWorkdays = 3

// OverdueDigest is Rules.ApprovalDigest: the weekly digest's line on what
// has waited for the supervisor overdueWorkdays workdays or more — counts
// for the group, each request for her alone (R14); "" when nothing has.
func OverdueDigest(ctx context.Context, r *commands.Request) (group, private string, err error) {
	work, err := PendingWork(ctx, r)
	if err != nil || len(work) == 0 {
		return "", "", err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return "", "", err
	}
	var late []Waiting
	for _, w := range work {
		if waitedWorkdays(r, cal, w.Since) >= overdueWorkdays {
			late = append(late, w)
		}
	}
	if len(late) == 0 {
		return "", "", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n⚠ 等待审批 %d 个工作日以上的有 %d 件：", overdueWorkdays, len(late))
	for _, w := range late {
		fmt.Fprintf(&b, "\n· %s · 等了%s · %s", w.Line, waited(r, cal, w.Since), w.How)
	}
	group = fmt.Sprintf("\n⚠ 有 %d 件申请等待主管审批已 %d 个工作日以上，主管发送 /审批 查看。", len(late), overdueWorkdays)
	return group, b.String(), nil
}
