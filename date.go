package teambot

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day with no time zone, such as a term's first day. The
// zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In is midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDate is d moved by years, months and days, normalized like time.AddDate.
func (d Date) AddDate(years, months, days int) Date {
	return DateOf(d.In(time.UTC).AddDate(years, months, days))
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.In(time.UTC).Before(e.In(time.UTC)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC).Weekday() }

// Value stores d as 'YYYY-MM-DD' (NULL when unset), which both SQLite and
// PostgreSQL DATE columns accept.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE column as either driver returns it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("scan date: unsupported type %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > len(time.DateOnly) {
		s = s[:len(time.DateOnly)] // tolerate a trailing time part
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// weekdaysCN name the days of the week as replies write them.
var weekdaysCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// Describe writes d the one way replies and reminders write a day:
// 12月1日（周二）, with the year only when it is not today's year
// (2027年1月4日（周一）). Text meant for machines (audit details, exports,
// logs) uses String instead.
func (d Date) Describe(today Date) string {
	if d.Year != today.Year {
		return fmt.Sprintf("%d年%d月%d日（%s）", d.Year, d.Month, d.Day, weekdaysCN[d.Weekday()])
	}
	return fmt.Sprintf("%d月%d日（%s）", d.Month, d.Day, weekdaysCN[d.Weekday()])
}

// DescribeTime writes an instant in loc as replies do: 12月1日（周二）10:00,
// the year shown as Describe shows it.
func DescribeTime(t time.Time, loc *time.Location, today Date) string {
	t = t.In(loc)
	return DateOf(t).Describe(today) + t.Format("15:04")
}
