// Leave as the other areas see it (meetings, votes, weekly reports and the
// monthly digest): who is away on which days, and how many workdays a leave
// covers by the team's calendar. The leave area owns the records; this is
// the one reading of them every area shares.

package roll

import (
	"context"
	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
)

// OnLeave answers the availability question everything asks (report nags,
// meetings, vote quorums): which members are on approved leave on some day
// of from…to. It returns each such member's approved requests that overlap
// the range, by member id; pending, rejected and cancelled requests excuse
// nobody. A member may hold several requests in a range (Monday to Tuesday
// and Wednesday to Friday), so each gets a list.
func OnLeave(ctx context.Context, r *commands.Request, from, to teambot.Date) (map[int64][]teambot.Leave, error) {
	list, err := r.Tx.Leaves(ctx, teambot.LeaveFilter{TeamID: r.Team.ID, From: from, To: to,
		Statuses: []string{teambot.LeaveApproved}})
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]teambot.Leave)
	for _, l := range list {
		out[l.MemberID] = append(out[l.MemberID], l)
	}
	return out, nil
}

// leaveExcuses says which members need not hand in week's report because
// they are on approved leave for all of it: every workday of the week in
// the team's calendar (see awayAllWeek). Weekends and holidays need no
// leave, so a request for Monday to Friday excuses a normal week. The value
// is what status and digests show after the name.
func leaveExcuses(ctx context.Context, r *commands.Request, week teambot.Week) (map[int64]string, error) {
	away, err := OnLeave(ctx, r, week.Monday(), week.Sunday())
	if err != nil || len(away) == 0 {
		return nil, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string)
	for id, ls := range away {
		if awayAllWeek(ls, week, cal) {
			out[id] = "请假"
		}
	}
	return out, nil
}

// awayAllWeek reports whether leave covers every workday of week in the
// team's calendar (a day counts when a whole-day request covers it, or its
// morning and its afternoon are both covered). A week without workdays is
// never covered: there is nothing to be away from.
func awayAllWeek(ls []teambot.Leave, week teambot.Week, cal *calendar.Calendar) bool {
	workdays := 0
	for d := week.Monday(); !week.Sunday().Before(d); d = d.AddDate(0, 0, 1) {
		if !cal.Workday(d) {
			continue
		}
		workdays++
		halves := map[string]bool{}
		for _, l := range ls {
			switch {
			case !l.Covers(d):
			case l.Whole():
				halves[teambot.HalfMorning], halves[teambot.HalfAfternoon] = true, true
			default:
				halves[l.Half] = true
			}
		}
		if !halves[teambot.HalfMorning] || !halves[teambot.HalfAfternoon] {
			return false
		}
	}
	return workdays > 0
}

// LeaveDays counts the leave span takes in cal's workdays: a whole workday
// is 1, half of one 0.5; off is how many of its days are days off
// (weekends, statutory holidays, the team's own days), which take nothing.
func LeaveDays(span lang.DateSpan, cal *calendar.Calendar) (work float64, off int) {
	for d := span.From; !span.To.Before(d); d = d.AddDate(0, 0, 1) {
		switch {
		case !cal.Workday(d):
			off++
		case span.Half != "":
			work += 0.5
		default:
			work++
		}
	}
	return work, off
}

// LeaveSpan is a request's days as a DateSpan, for Describe.
func LeaveSpan(l teambot.Leave) lang.DateSpan {
	return lang.DateSpan{From: l.From, To: l.To, Half: l.Half}
}
