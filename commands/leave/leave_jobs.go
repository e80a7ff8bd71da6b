package leave

import (
	"context"
	"errors"
	"fmt"
	"time"

	"teambot"
	"teambot/commands"
	"teambot/commands/roll"
)

// maxZoneAhead is the most any time zone is ahead of UTC: no team's today
// is later than the UTC date maxZoneAhead from now.
const maxZoneAhead = 14 * time.Hour

// Expire expires every leave request still pending after its last
// day, in its team's time zone (docs/product.md §5: pending → expired), and
// tells its member. The scheduler runs it every tick whether or not 待审批
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
