package teambot

import (
	"strings"
	"testing"
	"time"
)

// Replies write a day as 12月1日（周二）, the year only outside today's.
func TestDescribe(t *testing.T) {
	today := Date{Year: 2026, Month: 11, Day: 25}
	sh := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct{ got, want string }{
		{Date{Year: 2026, Month: 12, Day: 1}.Describe(today), "12月1日（周二）"},
		{Date{Year: 2027, Month: 1, Day: 4}.Describe(today), "2027年1月4日（周一）"},
		{DescribeTime(time.Date(2026, 12, 31, 16, 5, 0, 0, time.UTC), sh, today), "2027年1月1日（周五）00:05"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	closed := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	v := Vote{ID: 3, Status: VoteClosed, Outcome: OutcomePassed, ClosedAt: closed}
	if err := v.CanVeto(closed.Add(VetoWindow+time.Hour), sh); err == nil || !strings.Contains(err.Error(), "11月25日（周三）10:00通过") {
		t.Errorf("CanVeto after the window: %v", err)
	}
}
