package commands

import (
	"teambot/commands/lang"
	"testing"
	"time"

	"teambot"
)

// Dates in replies are written one way: 12月1日（周二）, with the year only
// outside the current one, times as 10:00.
func TestDescribeDates(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	today := teambot.Date{Year: 2026, Month: 11, Day: 25} // a Wednesday
	d := func(y int, m time.Month, day int) teambot.Date { return teambot.Date{Year: y, Month: m, Day: day} }
	tests := []struct{ got, want string }{
		{lang.DescribeDay(d(2026, 12, 1), today), "12月1日（周二）"},
		{lang.DescribeDay(d(2027, 1, 4), today), "2027年1月4日（周一）"},
		{describeMoment(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC), sh, today), "12月1日（周二）10:00"},
		{describeMoment(time.Date(2027, 1, 4, 1, 5, 0, 0, time.UTC), sh, today), "2027年1月4日（周一）09:05"},
		{describeMoment(time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), sh, today), "2027年1月1日（周五）00:30"},
		{DescribeRange(d(2026, 12, 1), d(2026, 12, 1), today), "12月1日（周二）"},
		{DescribeRange(d(2026, 12, 30), d(2027, 1, 2), today), "12月30日（周三）至 2027年1月2日（周六）"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}
