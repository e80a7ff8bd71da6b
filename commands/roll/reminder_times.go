// When a team's reminders next send, as /提醒 shows them and the report
// area moves 周报催交 with the deadline: each reminder's stored spec and
// switch, and its next firing on the team's calendar.

package roll

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/scheduler"
)

// TeamJobs is each reminder with the team's stored spec and switch, or the
// defaults before the scheduler has stored them.
func TeamJobs(ctx context.Context, r *commands.Request) ([]commands.Reminder, map[string]teambot.Job, error) {
	stored, err := r.Tx.TeamJobs(ctx, r.Team.ID)
	if err != nil {
		return nil, nil, err
	}
	jobs := map[string]teambot.Job{}
	for _, rm := range r.Engine.Reminders() {
		jobs[rm.Name] = teambot.Job{TeamID: r.Team.ID, Name: rm.Name, Spec: rm.Spec, Enabled: true}
	}
	for _, j := range stored {
		if _, known := jobs[j.Name]; known {
			jobs[j.Name] = j
		}
	}
	return r.Engine.Reminders(), jobs, nil
}

// JobFrom is when a reminder changed now to spec counts as new from (see
// SetJob): now, or the end of the current period when it already sent in
// this period — a reminder fires at most once a period however often it is
// changed.
func JobFrom(ctx context.Context, r *commands.Request, rm commands.Reminder, spec string) (time.Time, error) {
	last, ok, err := r.Tx.LastSent(ctx, r.Team.ID, rm.Name)
	if err != nil || !ok {
		return r.Now, err
	}
	start, end := period(spec, r.Now.In(r.Location()))
	if last.Before(start) {
		return r.Now, nil
	}
	return end, nil
}

// FiredNote says, when a changed reminder waits for the next period, why.
func FiredNote(r *commands.Request, from time.Time) string {
	if !from.After(r.Now) {
		return ""
	}
	return "这一期已经发过，不会重复发送。"
}

// period is the stretch of time around t in which a reminder with spec
// fires once: the ISO week of a weekly spec, the month of a monthly (or
// quarterly, or day-of-month) one, else the day.
func period(spec string, t time.Time) (start, end time.Time) {
	loc := t.Location()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return day, day.AddDate(0, 0, 1)
	}
	if f := strings.Fields(spec); len(f) == 5 && (f[2] != "*" || f[3] != "*") {
		month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		return month, month.AddDate(0, 1, 0)
	}
	if scheduler.Weekly(spec, sched, t) {
		w := teambot.WeekOf(t)
		return w.Start(loc), w.End(loc)
	}
	return day, day.AddDate(0, 0, 1)
}

// NextFiring is when rm with spec next fires after now, as the scheduler
// decides: a weekly spec moves off days off within its week, a more
// frequent or a monthly one skips them, and a reminder with a Day sends only on the day
// it picks, and one with MoveOff goes where that puts it. A job that counts as new from a later instant (see jobFrom)
// fires only after it.
func NextFiring(ctx context.Context, r *commands.Request, rm commands.Reminder, spec string, cal *calendar.Calendar, from time.Time) string {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return "（时间设置有误）"
	}
	loc := r.Location()
	if from.Before(r.Now) {
		from = r.Now
	}
	n := sched.Next(from.In(loc))
	if !scheduler.Weekly(spec, sched, r.Now.In(loc)) {
		for range 400 {
			day := teambot.DateOf(n)
			picked := cal.Workday(day)
			if rm.AnyDay {
				picked = rm.Days == nil || slices.Contains(rm.Days(r), day)
			}
			if rm.Day != nil {
				want, ok := rm.Day(cal, day.Year, day.Month)
				picked = ok && want == day
			}
			if picked {
				return r.Moment(n)
			}
			n = sched.Next(n)
		}
		return "（近期没有）"
	}
	for range 60 { // skip weeks without a workday
		day, ok := cal.NextWorkdayInWeek(teambot.DateOf(n))
		at := time.Date(day.Year, day.Month, day.Day, n.Hour(), n.Minute(), 0, 0, loc)
		if rm.MoveOff != nil && !cal.Workday(teambot.DateOf(n)) {
			var err error
			if at, ok, err = rm.MoveOff(ctx, r, n, cal); err != nil {
				return "（暂时算不出）"
			}
		}
		if ok {
			if at.After(from) {
				return r.Moment(at)
			}
		}
		n = sched.Next(n)
	}
	return "（近期没有）"
}
