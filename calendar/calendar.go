// Package calendar decides which days are workdays for a team: Chinese
// statutory holidays and adjusted workdays (调休), weekends, and the team's
// own days off and extra workdays.
//
// Reminders use it to move a job whose day is a holiday to the next workday
// of the same week, or to skip it when the week has none.
package calendar

import (
	"time"

	"teambot"
)

// Override is a team's own day off or extra workday (假期 add DATE 休息|上班 NOTE).
type Override struct {
	Date teambot.Date
	Off  bool   // true: the team rests that day; false: the team works that day
	Note string // why, such as "团建"; may be empty
}

// Calendar answers whether a day is a workday for one team: Chinese statutory
// holidays and adjusted workdays (调休) from lunar-go, weekends, and the team's
// overrides (which win).
//
// For a year without statutory data (see HasData) only weekends and overrides
// apply; callers must check HasData and report the gap rather than trust the
// answer as "no holidays".
//
// The zero Calendar has no overrides and is ready to use.
type Calendar struct {
	overrides map[teambot.Date]Override
}

// New is a Calendar with the team's overrides. When two overrides name the
// same day, the later one wins.
func New(overrides []Override) *Calendar {
	c := &Calendar{overrides: make(map[teambot.Date]Override, len(overrides))}
	for _, o := range overrides {
		c.overrides[o.Date] = o
	}
	return c
}

// Workday reports whether the team works on d: the team's override if there
// is one, else the statutory holiday or adjusted workday, else Monday to
// Friday.
func (c *Calendar) Workday(d teambot.Date) bool {
	if o, ok := c.overrides[d]; ok {
		return !o.Off
	}
	if h, ok := statutory(d); ok {
		return h.work
	}
	return !weekend(d)
}

// Why is the reason, in Chinese, that d is a day off or a workday when that is
// not plain from the day of the week: "国庆节", "国庆节调休上班",
// "团队休息：团建", "团队上班". It is "" for an ordinary weekday or weekend.
func (c *Calendar) Why(d teambot.Date) string {
	if o, ok := c.overrides[d]; ok {
		why := "团队上班"
		if o.Off {
			why = "团队休息"
		}
		if o.Note != "" {
			why += "：" + o.Note
		}
		return why
	}
	if h, ok := statutory(d); ok {
		if h.work {
			return h.name + "调休上班"
		}
		return h.name
	}
	return ""
}

// NextWorkdayInWeek is d itself if it is a workday, else the first workday
// after d in the same ISO week (Monday to Sunday). It reports false when
// neither d nor any later day of its week is a workday.
func (c *Calendar) NextWorkdayInWeek(d teambot.Date) (teambot.Date, bool) {
	for i := range daysLeftInWeek(d) + 1 {
		if day := d.AddDate(0, 0, i); c.Workday(day) {
			return day, true
		}
	}
	return teambot.Date{}, false
}

// daysLeftInWeek counts the days after d up to and including Sunday.
func daysLeftInWeek(d teambot.Date) int {
	if d.Weekday() == time.Sunday {
		return 0
	}
	return int(time.Saturday-d.Weekday()) + 1
}

func weekend(d teambot.Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
