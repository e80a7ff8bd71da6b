package teambot

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Week is an ISO 8601 week: weeks start on Monday, and week 1 of a year is
// the one that holds its first Thursday (docs/product.md §5: weeks are ISO weeks
// in the team's time zone). The zero Week means "not set".
type Week struct {
	Year int // the ISO year, which differs from the calendar year around New Year
	Week int // 1…52 or 53
}

// WeekOf is the ISO week of t in t's location; convert t with In first to
// get a team's week.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Week: w}
}

// weekPattern accepts 2026-W48, 2026W48, 2026-w48 and 2026-W8.
var weekPattern = regexp.MustCompile(`^(\d{4})-?[Ww](\d{1,2})$`)

// ParseWeek reads an ISO week written as 2026-W48 (the dash and a leading
// zero may be left out, the W may be lower case). A week the year does not
// have, such as 2026-W54 or 2025-W53, is an error.
func ParseWeek(s string) (Week, error) {
	m := weekPattern.FindStringSubmatch(s)
	if m == nil {
		return Week{}, fmt.Errorf("parse week %q: want YYYY-Www, e.g. 2026-W48", s)
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	w := Week{Year: y, Week: n}
	if n < 1 || n > WeeksIn(y) {
		return Week{}, fmt.Errorf("parse week %q: %d has weeks 1 to %d", s, y, WeeksIn(y))
	}
	return w, nil
}

// WeeksIn is the number of ISO weeks of a year: 52 or 53.
func WeeksIn(year int) int {
	// December 28 always lies in the year's last week.
	_, w := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// IsZero reports whether w is unset.
func (w Week) IsZero() bool { return w == Week{} }

// String formats w as 2026-W48, or "" when unset. The form sorts in time
// order, which storage relies on for week ranges.
func (w Week) String() string {
	if w.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-W%02d", w.Year, w.Week)
}

// Monday is the first day of w.
func (w Week) Monday() Date {
	// January 4 is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 12, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return DateOf(jan4.AddDate(0, 0, (w.Week-1)*7-back))
}

// Sunday is the last day of w.
func (w Week) Sunday() Date { return w.Monday().AddDate(0, 0, 6) }

// Start is Monday 00:00 of w in loc.
func (w Week) Start(loc *time.Location) time.Time { return w.Monday().In(loc) }

// End is the instant w ends in loc: the next week's Monday 00:00.
func (w Week) End(loc *time.Location) time.Time { return w.Next().Start(loc) }

// Next is the week after w.
func (w Week) Next() Week { return WeekOf(w.Monday().AddDate(0, 0, 7).In(time.UTC)) }

// Prev is the week before w.
func (w Week) Prev() Week { return WeekOf(w.Monday().AddDate(0, 0, -7).In(time.UTC)) }

// Contains reports whether t falls in w, in t's location.
func (w Week) Contains(t time.Time) bool { return WeekOf(t) == w }

// Before reports whether w is an earlier week than v.
func (w Week) Before(v Week) bool {
	return w.Year < v.Year || (w.Year == v.Year && w.Week < v.Week)
}

// Value stores w as its String, NULL when unset.
func (w Week) Value() (driver.Value, error) {
	if w.IsZero() {
		return nil, nil
	}
	return w.String(), nil
}

// Scan reads a week stored by Value.
func (w *Week) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*w = Week{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan week: unsupported type %T", src)
	}
	v, err := ParseWeek(s)
	if err != nil {
		return err
	}
	*w = v
	return nil
}
