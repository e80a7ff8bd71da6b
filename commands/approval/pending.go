package approval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
)

// Waiting is one thing that waits for the supervisor's decision: a leave
// request, a request to join, or a post, partner or placement request.
type Waiting struct {
	Kind  string // 请假, 加入, 发布申请, …
	Line  string // what it is and who asked, one line, private (it may say why)
	Who   string // who asked
	Since time.Time
	How   string // the command that decides it
}

// PendingWork lists what waits for the supervisor, oldest first: leave
// requests of active members whose last day has not passed (older ones
// are about to expire), requests to join, and every request of this area
// still pending (not one returned: that waits for its requester).
func PendingWork(ctx context.Context, r *commands.Request) ([]Waiting, error) {
	var out []Waiting
	leaves, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: r.Team.ID, Statuses: []string{teambot.LeavePending}})
	if err != nil {
		return nil, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	active := map[int64]bool{}
	for _, m := range members {
		active[m.ID] = true
	}
	today := r.Today()
	for _, l := range leaves {
		if !active[l.MemberID] || l.To.Before(today) {
			continue
		}
		days := l.From.Describe(today)
		if l.To != l.From {
			days += "至" + l.To.Describe(today)
		}
		out = append(out, Waiting{Kind: "请假", Who: l.Name, Since: l.CreatedAt,
			Line: fmt.Sprintf("请假 #%d %s %s%s · 理由：%s", l.ID, l.Name, days, l.Half, l.Reason),
			How:  fmt.Sprintf("/请假 批准 %d", l.ID)})
	}
	joins, err := r.Tx.PendingJoinRequests(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	for _, q := range joins {
		out = append(out, Waiting{Kind: "加入", Who: q.Name, Since: q.RequestedAt,
			Line: fmt.Sprintf("加入 %s", q.Name), How: "/加入 批准 @" + q.Name})
	}
	list, err := txOf(r).Approvals(ctx, teambot.ApprovalFilter{TeamID: r.Team.ID, Statuses: []string{teambot.ApprovalPending}})
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if !active[a.MemberID] {
			continue
		}
		k := kindOf(a.Kind)
		// A revised request waits for the supervisor since its revision:
		// the time it was back with its requester is not hers.
		out = append(out, Waiting{Kind: k.noun, Who: a.Name, Since: a.VersionAt,
			Line: fmt.Sprintf("%s #%d %s %s", k.noun, a.ID, a.Name, describe(r, a)),
			How:  fmt.Sprintf("/%s 批准 %d", k.word, a.ID)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out, nil
}

// listPending is /审批 (supervisor): what waits for her, oldest first,
// privately (a leave request's reason is hers and the member's, R14).
func listPending(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	work, err := PendingWork(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(work) == 0 {
		return teambot.Reply{Text: "没有等待审批的事。", Private: true}, nil
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "等待你审批的有 %d 件（最早的在前）：", len(work))
	for _, w := range work {
		fmt.Fprintf(&b, "\n· %s · 等了%s · %s", w.Line, waited(r, cal, w.Since), w.How)
	}
	b.WriteString("\n驳回都要写理由；发布、合作、投放还可以退回修改：/发布 退回 编号 意见。")
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// waitedWorkdays is how many workdays have passed since t: the days after
// t's day up to today that are workdays.
func waitedWorkdays(r *commands.Request, cal *calendar.Calendar, t time.Time) int {
	today := r.Today()
	n := 0
	for d := teambot.DateOf(t.In(r.Location())).AddDate(0, 0, 1); !today.Before(d); d = d.AddDate(0, 0, 1) {
		if cal.Workday(d) {
			n++
		}
	}
	return n
}

// waited is how long something has waited, in words.
func waited(r *commands.Request, cal *calendar.Calendar, t time.Time) string {
	switch n := waitedWorkdays(r, cal, t); n {
	case 0:
		return "不到一个工作日"
	default:
		return fmt.Sprintf(" %d 个工作日", n)
	}
}
