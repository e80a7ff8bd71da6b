package lang

import (
	"testing"
	"time"

	"teambot"
	"teambot/calendar"
)

func TestMonthDayPickers(t *testing.T) {
	cal := calendar.New(nil)
	for _, tc := range []struct {
		name  string
		pick  DayPicker
		year  int
		month time.Month
		want  teambot.Date
	}{
		// 2026-10-31 is a Saturday and a normal weekend: the 30th, a Friday.
		{"last workday of October 2026", LastWorkday, 2026, time.October, teambot.Date{Year: 2026, Month: 10, Day: 30}},
		{"last workday of November 2026", LastWorkday, 2026, time.November, teambot.Date{Year: 2026, Month: 11, Day: 30}},
		// 2026-09-20 is a Sunday, but an adjusted workday (国庆节调休上班).
		{"first workday from the 20th, September 2026", FirstWorkdayFrom(20), 2026, time.September, teambot.Date{Year: 2026, Month: 9, Day: 20}},
		// 2026-12-20 is a plain Sunday.
		{"first workday from the 20th, December 2026", FirstWorkdayFrom(20), 2026, time.December, teambot.Date{Year: 2026, Month: 12, Day: 21}},
		// October 1-7 are the National Day holidays.
		{"first workday of October 2026", FirstWorkdayFrom(1), 2026, time.October, teambot.Date{Year: 2026, Month: 10, Day: 8}},
	} {
		got, ok := tc.pick(cal, tc.year, tc.month)
		if !ok || got != tc.want {
			t.Errorf("%s = %v %v, want %v", tc.name, got, ok, tc.want)
		}
	}
}
