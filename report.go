package teambot

import (
	"fmt"
	"time"
)

// Report is one version of a member's weekly work summary (R4). Every
// submission is kept; the newest version of a (team, member, week) is the
// current one, the others are history.
type Report struct {
	ID          int64
	TeamID      int64
	MemberID    int64
	UserID      string // the member's WeCom userid, filled in when read
	Name        string // the member's display name, filled in when read
	Week        Week
	Text        string
	SubmittedAt time.Time
	Late        bool // submitted after the week's deadline, as it stood then
	Version     int  // 1 for the first submission of the week, then 2, 3, …
}

// WeekClosure records that the supervisor closed a week's reports: no more
// submissions or edits for that week (docs/product.md §5).
type WeekClosure struct {
	TeamID   int64
	Week     Week
	ClosedAt time.Time
	ClosedBy string // the supervisor's userid
}

// WeeklyDeadline is a day of the week and a time of day, read in the team's
// time zone: when a week's reports are due.
type WeeklyDeadline struct {
	Weekday time.Weekday
	Hour    int
	Minute  int
}

// DefaultReportDeadline is Friday 18:00 (docs/product.md §6).
var DefaultReportDeadline = WeeklyDeadline{Weekday: time.Friday, Hour: 18, Minute: 0}

// Valid reports whether d names a real weekday and time of day.
func (d WeeklyDeadline) Valid() bool {
	return d.Weekday >= time.Sunday && d.Weekday <= time.Saturday &&
		d.Hour >= 0 && d.Hour < 24 && d.Minute >= 0 && d.Minute < 60
}

// In is the deadline of week w in loc. Weeks run Monday to Sunday, so a
// Sunday deadline is the week's last day.
func (d WeeklyDeadline) In(w Week, loc *time.Location) time.Time {
	offset := (int(d.Weekday) + 6) % 7 // days after Monday
	day := w.Monday().AddDate(0, 0, offset)
	return time.Date(day.Year, day.Month, day.Day, d.Hour, d.Minute, 0, 0, loc)
}

// Clock is the time of day as 18:00.
func (d WeeklyDeadline) Clock() string { return fmt.Sprintf("%02d:%02d", d.Hour, d.Minute) }

// ISODay is the weekday as ISO counts it, Monday 1 … Sunday 7: the form
// storage keeps.
func (d WeeklyDeadline) ISODay() int { return (int(d.Weekday)+6)%7 + 1 }

// WeekdayOfISO is the weekday of an ISO day number, Monday 1 … Sunday 7.
func WeekdayOfISO(n int) time.Weekday { return time.Weekday(n % 7) }

// MonthHighlight is the supervisor's own line in a month's report (R5):
// one added by hand, or, Hidden, the text of a report line marked 亮点：
// that is to be left out.
type MonthHighlight struct {
	ID     int64
	TeamID int64
	Month  string // YYYY-MM
	Text   string
	Hidden bool
	By     string // the supervisor's userid
	At     time.Time
}
