// Months as the monthly digest and its command read them: 2026-05, 5月.

package lang

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"teambot"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Bounds are the month's first instant and the next month's, in loc.
func (m Month) Bounds(loc *time.Location) (time.Time, time.Time) {
	from := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0)
}

// Next is the month after m.
func (m Month) Next() Month {
	t := time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// MonthOf is the month t falls in.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

var monthPattern = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})月?$|^(\d{1,2})月$`)

// ParseMonth reads 2026-11, 2026年11月, 11月 (this year), 本月 or 上月.
func ParseMonth(s string, today teambot.Date) (Month, error) {
	this := Month{today.Year, today.Month}
	switch s {
	case "", "本月", "这个月":
		return this, nil
	case "上月", "上个月":
		t := time.Date(today.Year, today.Month-1, 1, 0, 0, 0, 0, time.UTC)
		return Month{t.Year(), t.Month()}, nil
	}
	m := monthPattern.FindStringSubmatch(s)
	if m == nil {
		return Month{}, teambot.Invalid("看不懂月份「%s」，请写成 2026-11、11月、本月 或 上月。", Clip(s))
	}
	year, month := today.Year, 0
	if m[1] != "" {
		year, _ = strconv.Atoi(m[1])
		month, _ = strconv.Atoi(m[2])
	} else {
		month, _ = strconv.Atoi(m[3])
	}
	if month < 1 || month > 12 || year < 2000 || year > 2100 {
		return Month{}, teambot.Invalid("「%s」不是有效的月份，请写成 2026-11 这样。", Clip(s))
	}
	return Month{year, time.Month(month)}, nil
}

// MonthWeeks are the ISO weeks whose Thursday falls in m.
func MonthWeeks(m Month) []teambot.Week {
	var out []teambot.Week
	for d := (teambot.Date{Year: m.Year, Month: m.Month, Day: 1}); d.Month == m.Month; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Thursday {
			out = append(out, teambot.WeekOf(d.In(time.UTC)))
		}
	}
	return out
}
