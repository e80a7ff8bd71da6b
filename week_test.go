package teambot_test

import (
	"testing"
	"time"

	"teambot"
)

func TestWeekOf(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai), "2026-W48"},
		{time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), "2026-W48"},
		{time.Date(2026, 11, 29, 23, 59, 59, 0, shanghai), "2026-W48"},
		// Sunday 23:30 UTC is already Monday in Shanghai: the zone decides.
		{time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), "2026-W48"},
		{time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC).In(shanghai), "2026-W49"},
		{time.Date(2027, 1, 1, 12, 0, 0, 0, shanghai), "2026-W53"}, // 2026 has 53 weeks
		{time.Date(2025, 12, 29, 12, 0, 0, 0, shanghai), "2026-W01"},
	} {
		if got := teambot.WeekOf(tc.t).String(); got != tc.want {
			t.Errorf("WeekOf(%v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

func TestParseWeek(t *testing.T) {
	for in, want := range map[string]teambot.Week{
		"2026-W48": {Year: 2026, Week: 48},
		"2026W48":  {Year: 2026, Week: 48},
		"2026-w8":  {Year: 2026, Week: 8},
		"2026-W53": {Year: 2026, Week: 53},
	} {
		got, err := teambot.ParseWeek(in)
		if err != nil || got != want {
			t.Errorf("ParseWeek(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026-48", "2026-W0", "2026-W54", "2025-W53", "W48", "2026-W048", "26-W48"} {
		if got, err := teambot.ParseWeek(in); err == nil {
			t.Errorf("ParseWeek(%q) = %v, want an error", in, got)
		}
	}
}

func TestWeekDays(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		w              teambot.Week
		monday, sunday string
		prev, next     string
	}{
		{teambot.Week{Year: 2026, Week: 48}, "2026-11-23", "2026-11-29", "2026-W47", "2026-W49"},
		{teambot.Week{Year: 2026, Week: 1}, "2025-12-29", "2026-01-04", "2025-W52", "2026-W02"},
		{teambot.Week{Year: 2026, Week: 53}, "2026-12-28", "2027-01-03", "2026-W52", "2027-W01"},
		{teambot.Week{Year: 2027, Week: 1}, "2027-01-04", "2027-01-10", "2026-W53", "2027-W02"},
	} {
		if got := tc.w.Monday().String(); got != tc.monday {
			t.Errorf("%s Monday = %s, want %s", tc.w, got, tc.monday)
		}
		if got := tc.w.Sunday().String(); got != tc.sunday {
			t.Errorf("%s Sunday = %s, want %s", tc.w, got, tc.sunday)
		}
		if got := tc.w.Prev().String(); got != tc.prev {
			t.Errorf("%s Prev = %s, want %s", tc.w, got, tc.prev)
		}
		if got := tc.w.Next().String(); got != tc.next {
			t.Errorf("%s Next = %s, want %s", tc.w, got, tc.next)
		}
		start := tc.w.Start(loc)
		if start.Weekday() != time.Monday || start.Hour() != 0 || start.Minute() != 0 || teambot.WeekOf(start) != tc.w {
			t.Errorf("%s Start = %v, want Monday 00:00 in %s", tc.w, start, loc)
		}
		if !tc.w.Contains(start) || tc.w.Contains(start.Add(-time.Nanosecond)) || tc.w.Contains(tc.w.End(loc)) ||
			!tc.w.Contains(tc.w.End(loc).Add(-time.Nanosecond)) {
			t.Errorf("%s Contains is wrong at its edges", tc.w)
		}
		if !tc.w.Prev().Before(tc.w) || tc.w.Before(tc.w) || tc.w.Next().Before(tc.w) {
			t.Errorf("%s Before is wrong", tc.w)
		}
	}
	// A week that spans a daylight saving change still starts at midnight.
	w := teambot.WeekOf(time.Date(2026, 3, 4, 12, 0, 0, 0, loc))
	if got := w.Next().Start(loc); got.Hour() != 0 || got.Sub(w.Start(loc)) != 7*24*time.Hour-time.Hour {
		t.Errorf("week of the DST change: start %v, next start %v", w.Start(loc), got)
	}
}

func TestWeeklyDeadline(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w := teambot.Week{Year: 2026, Week: 48}
	for _, tc := range []struct {
		d    teambot.WeeklyDeadline
		want string
		iso  int
	}{
		{teambot.DefaultReportDeadline, "2026-11-27T18:00:00+08:00", 5},
		{teambot.WeeklyDeadline{Weekday: time.Monday, Hour: 9, Minute: 30}, "2026-11-23T09:30:00+08:00", 1},
		{teambot.WeeklyDeadline{Weekday: time.Sunday, Hour: 23, Minute: 59}, "2026-11-29T23:59:00+08:00", 7},
	} {
		if got := tc.d.In(w, loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("%+v in %s = %s, want %s", tc.d, w, got, tc.want)
		}
		if tc.d.ISODay() != tc.iso || teambot.WeekdayOfISO(tc.iso) != tc.d.Weekday {
			t.Errorf("%+v ISODay = %d, want %d", tc.d, tc.d.ISODay(), tc.iso)
		}
	}
}
