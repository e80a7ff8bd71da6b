package calendar

import (
	"fmt"
	"strings"

	"github.com/6tail/lunar-go/HolidayUtil"

	"teambot"
)

// holiday is lunar-go's record for one day of a statutory holiday period.
type holiday struct {
	name string // the holiday, such as "国庆节" or "国庆中秋"
	work bool   // an adjusted workday (调休上班) rather than a day off
}

// statutory is lunar-go's record for d, if d is a statutory day off or an
// adjusted workday.
//
// A day can belong to the next year's holiday: 2022-12-31 is a day off for
// New Year 2023, so late December depends on the following year's data.
func statutory(d teambot.Date) (holiday, bool) {
	h := HolidayUtil.GetHolidayByYmd(d.Year, int(d.Month), d.Day)
	if h == nil {
		return holiday{}, false
	}
	return holiday{name: h.GetName(), work: h.IsWork()}, true
}

// HasData reports whether lunar-go has the statutory holiday schedule for
// year, that is, at least one holiday that belongs to that year. Its data
// covers 2002 through 2027 (lunar-go v1.4.7); a year outside it must be
// reported, not treated as a year without holidays.
//
// Late December can also depend on year+1: check HasData(year+1) before
// trusting the last days of a year.
func HasData(year int) bool {
	prefix := fmt.Sprintf("%04d-", year) // the form of Holiday.GetTarget
	for e := HolidayUtil.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
		h, ok := e.Value.(*HolidayUtil.Holiday)
		if ok && strings.HasPrefix(h.GetTarget(), prefix) {
			return true
		}
	}
	return false
}
