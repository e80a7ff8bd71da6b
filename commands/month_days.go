package commands

import (
	"context"
	"time"

	"teambot"
	"teambot/calendar"
)

// Reminders tied to a day of the month (the last workday, the first workday
// from the 20th, the first workday of a quarter) cannot be one cron spec:
// the day they mean depends on the calendar. Their spec fires on every day
// of a range (e.g. "0 10 20-31 * *"), the scheduler skips the days off, and
// monthDayGate lets through only the day the calendar picks.

// dayPicker names the day of a month a reminder is meant for, if any.
type dayPicker func(cal *calendar.Calendar, year int, month time.Month) (teambot.Date, bool)

// LastWorkday picks the month's last workday.
func LastWorkday(cal *calendar.Calendar, year int, month time.Month) (teambot.Date, bool) {
	last := teambot.Date{Year: year, Month: month, Day: DaysIn(year, month)}
	for d := last; d.Month == month; d = d.AddDate(0, 0, -1) {
		if cal.Workday(d) {
			return d, true
		}
	}
	return teambot.Date{}, false
}

// FirstWorkdayFrom picks the first workday of the month on or after its
// day-th day.
func FirstWorkdayFrom(day int) dayPicker {
	return func(cal *calendar.Calendar, year int, month time.Month) (teambot.Date, bool) {
		for d := (teambot.Date{Year: year, Month: month, Day: day}); d.Month == month; d = d.AddDate(0, 0, 1) {
			if cal.Workday(d) {
				return d, true
			}
		}
		return teambot.Date{}, false
	}
}

// monthDayGate wraps a reminder's Build so that it sends only on the day
// pick names in the firing's month.
func monthDayGate(pick dayPicker, build func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error)) func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
	return func(ctx context.Context, e *Engine, f teambot.Firing) ([]teambot.Outgoing, error) {
		var due bool
		err := e.FiringRequest(ctx, f, func(r *Request) error {
			cal, err := r.Calendar(ctx)
			if err != nil {
				return err
			}
			today := teambot.DateOf(f.At.In(r.Location()))
			day, ok := pick(cal, today.Year, today.Month)
			due = ok && day == today
			return nil
		})
		if err != nil || !due {
			return nil, err
		}
		return build(ctx, e, f)
	}
}
