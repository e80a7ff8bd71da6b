// When a week's reports are due (R4), as every area reads it: the team's
// weekly deadline, moved back to the last workday of its week, or no
// deadline in a week of days off. The report area sets the deadline
// (/周报 截止); meetings and the monthly digest read it here.

package roll

import (
	"context"
	"fmt"
	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"time"
)

// WeekDue is when a week's reports are due once days off are taken into
// account (R4): the team's weekly deadline, moved back to the last workday
// of its week up to that day when its day is a day off, or no deadline at
// all (Exempt) when the week has no workday up to it.
type WeekDue struct {
	At      time.Time // the effective deadline; zero when Exempt
	Nominal time.Time // the deadline as set (/周报 截止) in that week
	Exempt  bool      // 节假日周，免交: nobody is late or missing
}

// Moved reports whether days off moved the deadline from its set day.
func (d WeekDue) Moved() bool { return !d.Exempt && !d.At.Equal(d.Nominal) }

// Late reports whether a report handed in at t is late. Nothing is late in
// an exempt week.
func (d WeekDue) Late(t time.Time) bool { return !d.Exempt && t.After(d.At) }

// dueIn is the one rule for a week's effective deadline (R4): the set
// weekday and time of day d in week, in loc, on the last workday of the
// Week up to that day under cal; exempt when there is none.
func dueIn(d teambot.WeeklyDeadline, week teambot.Week, loc *time.Location, cal *calendar.Calendar) WeekDue {
	nominal := d.In(week, loc)
	due := WeekDue{Nominal: nominal}
	day, ok := lastWorkdayUpTo(cal, week, teambot.DateOf(nominal))
	if !ok {
		due.Exempt = true
		return due
	}
	due.At = AtClock(day, nominal)
	return due
}

// lastWorkdayUpTo is the last workday of week on or before day.
func lastWorkdayUpTo(cal *calendar.Calendar, week teambot.Week, day teambot.Date) (teambot.Date, bool) {
	for d := day; !d.Before(week.Monday()); d = d.AddDate(0, 0, -1) {
		if cal.Workday(d) {
			return d, true
		}
	}
	return teambot.Date{}, false
}

// AtClock is day at clock's time of day, in clock's location.
func AtClock(day teambot.Date, clock time.Time) time.Time {
	return time.Date(day.Year, day.Month, day.Day, clock.Hour(), clock.Minute(), 0, 0, clock.Location())
}

// ReportDue is the effective deadline of week's reports for the team (see
// dueIn): every place that asks when a week's reports are due asks here.
func ReportDue(ctx context.Context, r *commands.Request, week teambot.Week) (WeekDue, error) {
	d, err := r.Tx.ReportDeadline(ctx, r.Team.ID)
	if err != nil {
		return WeekDue{}, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return WeekDue{}, err
	}
	return dueIn(d, week, r.Location(), cal), nil
}

// ExemptText says an exempt week for replies and reminders.
const ExemptText = "节假日周，免交"

// DueMoment is the effective deadline as replies show it, saying when days
// off moved it: 9月30日 周三 18:00（原定 10月2日 周五 18:00 放假，提前）.
func DueMoment(r *commands.Request, d WeekDue) string {
	if d.Exempt {
		return ExemptText
	}
	if d.Moved() {
		return fmt.Sprintf("%s（原定 %s 放假，提前）", r.Moment(d.At), r.Moment(d.Nominal))
	}
	return r.Moment(d.At)
}
