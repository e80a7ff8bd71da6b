package leave

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/roll"
)

// Reminders are leave's reminders: the supervisor's pending requests.
func Reminders() []commands.Reminder {
	return []commands.Reminder{
		{Name: "leave_pending", Chinese: "待批请假", Spec: "0 10 * * MON-FRI",
			Summary: "提醒主管审批等待中的请假申请，没有就不发", Build: LeavePending},
	}
}

// LeavePending is 待批请假 (docs/product.md §6): on workdays it tells the
// Supervisor which leave requests of active members wait for a decision.
// With direct messages configured it is one ToUsers message to the
// Supervisor listing each request with its days and reason; otherwise one
// ToGroup message that @mentions the supervisor with counts and names only,
// never reasons (R14). Nothing is sent when no request waits or the team has
// no supervisor to decide.
func LeavePending(ctx context.Context, e *commands.Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		pending, err := pendingLeave(ctx, r)
		if err != nil || len(pending) == 0 {
			return err
		}
		sup, ok, err := r.FindSupervisor(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if e.Config.DirectMessages {
			cal, err := r.Calendar(ctx)
			if err != nil {
				return err
			}
			out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
				Text: pendingLeaveFull(r, pending, cal), Origin: commands.Origin(f, "leave_pending")})
			return nil
		}
		out = append(out, commands.GroupMessage(r, f, "leave_pending", pendingLeaveSummary(sup, pending), []string{sup.UserID}))
		return nil
	})
	return out, err
}

// pendingLeave lists the team's requests waiting for a decision, of active
// members only: a removed member's request waits for nobody, and one whose
// last day has passed is about to expire (see Jobs.Expire).
func pendingLeave(ctx context.Context, r *commands.Request) ([]teambot.Leave, error) {
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
	today := r.Today()
	var out []teambot.Leave
	for _, l := range all {
		if active[l.MemberID] && !l.To.Before(today) {
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
func pendingLeaveFull(r *commands.Request, pending []teambot.Leave, cal *calendar.Calendar) string {
	today := r.Today()
	var b strings.Builder
	fmt.Fprintf(&b, "【待批请假】有 %d 条请假申请等你审批：", len(pending))
	for _, l := range pending {
		started := ""
		if !today.Before(l.From) {
			started = "（已开始）"
		}
		fmt.Fprintf(&b, "\n· #%d %s %s%s · 理由：%s", l.ID, l.Name, describeLeave(roll.LeaveSpan(l), cal, today), started, l.Reason)
	}
	b.WriteString("\n批准：/请假 批准 编号；驳回：/请假 驳回 编号 理由（驳回理由不会在群里显示）。")
	return b.String()
}

// maxZoneAhead is the most any time zone is ahead of UTC: no team's today
// is later than the UTC date maxZoneAhead from now.
const maxZoneAhead = 14 * time.Hour

// Expire expires every leave request still pending after its last
// day, in its team's time zone (docs/product.md §5: pending → expired), and
// tells its member. The scheduler runs it every tick whether or not 待批请假
// is on. Each request is expired in its own transaction, with its audit row
// and its notice in the outbox; the expiry is a conditional update, so
// replicas running this at the same moment expire and notify it once.
func (j Jobs) Expire(ctx context.Context, now time.Time) error {
	e := j.Engine
	var due []teambot.Leave
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) (err error) {
		due, err = asTx(tx).ExpirableLeaves(ctx, teambot.DateOf(now.UTC().Add(maxZoneAhead)))
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range due {
		if err := expireLeave(ctx, e, l, now); err != nil {
			errs = append(errs, fmt.Errorf("expire leave %d of team %d: %w", l.ID, l.TeamID, err))
		}
	}
	return errors.Join(errs...)
}

// expireLeave expires l if its last day has passed in its team's time zone
// and nobody else has expired or decided it meanwhile.
func expireLeave(ctx context.Context, e *commands.Engine, l teambot.Leave, now time.Time) error {
	return e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		team, err := tx.TeamByID(ctx, l.TeamID)
		if err != nil {
			return err
		}
		r := &commands.Request{Tx: tx, Now: now, Team: &team, Engine: e}
		r.UserID = leaveExpirer
		today := r.Today()
		if !l.To.Before(today) {
			return nil // a zone behind UTC: its last day is still today
		}
		switch err := asTx(tx).ExpireLeave(ctx, team.ID, l.ID, now); {
		case errors.Is(err, teambot.ErrLeaveStatus):
			return nil // decided, cancelled or expired meanwhile
		case err != nil:
			return err
		}
		if err := r.Audit(ctx, "leave.expire", l.UserID, leaveDetail(l)); err != nil {
			return err
		}
		e.Config.Log.Info("pending leave expired", "team", team.ID, "leave", l.ID)
		if m, err := tx.MemberByUser(ctx, team.ID, l.UserID); err != nil || !m.Active() {
			return err // someone who left the team is not told
		}
		return tx.Enqueue(ctx, []teambot.Outgoing{expiryNotice(r, l, today)}, now)
	})
}

// leaveExpirer is who expires leave, in the audit log.
const leaveExpirer = "system"

// expiryNotice tells a member their request expired: privately with its
// reason when the app may send direct messages, else by an @mention in the
// group with the id and the days only (R14).
func expiryNotice(r *commands.Request, l teambot.Leave, today teambot.Date) teambot.Outgoing {
	when := roll.LeaveSpan(l).Describe(today)
	origin := fmt.Sprintf("leave.expire:%d", l.ID)
	if r.Engine.Config.DirectMessages {
		text := fmt.Sprintf("你的请假申请 #%d（%s，理由：%s）到最后一天主管都没有处理，已过期。已经缺勤的，请和主管说明，主管可以用 /请假 @%s 日期 理由 补记（最多往前 %d 天）。",
			l.ID, when, l.Reason, l.Name, maxBackdateDays)
		return teambot.Outgoing{TeamID: l.TeamID, Channel: teambot.ToUsers, Users: []string{l.UserID}, Text: text, Origin: origin}
	}
	text := fmt.Sprintf("%s，你的请假申请 #%d（%s）到最后一天主管都没有处理，已过期。已经缺勤的，请和主管说明，主管可以补记。", l.Name, l.ID, when)
	return teambot.Outgoing{TeamID: l.TeamID, Channel: teambot.ToGroup, Mentions: []string{l.UserID}, Text: text, Origin: origin}
}

// Jobs are leave's timed work, for the scheduler: pending requests expire
// after their last day.
type Jobs struct{ Engine *commands.Engine }
