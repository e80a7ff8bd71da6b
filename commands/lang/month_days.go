package lang

import (
	"time"

	"teambot"
	"teambot/calendar"
)

// Reminders tied to a day of the month (the last workday, the first workday
// from the 20th, the first workday of a quarter) cannot be one cron spec:
// the day they mean depends on the calendar. Their spec fires on every day
// of a range (e.g. "0 10 20-31 * *"), the scheduler skips the days off, and
// monthDayGate lets through only the day the calendar picks.

// DayPicker names the day of a month a reminder is meant for, if any.
type DayPicker func(cal *calendar.Calendar, year int, month time.Month) (teambot.Date, bool)

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
func FirstWorkdayFrom(day int) DayPicker {
	return func(cal *calendar.Calendar, year int, month time.Month) (teambot.Date, bool) {
		for d := (teambot.Date{Year: year, Month: month, Day: day}); d.Month == month; d = d.AddDate(0, 0, 1) {
			if cal.Workday(d) {
				return d, true
			}
		}
		return teambot.Date{}, false
	}
}
