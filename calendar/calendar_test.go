package calendar_test

import (
	"testing"

	"teambot"
	"teambot/calendar"
)

func date(t *testing.T, s string) teambot.Date {
	t.Helper()
	d, err := teambot.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func override(t *testing.T, s string, off bool, note string) calendar.Override {
	t.Helper()
	return calendar.Override{Date: date(t, s), Off: off, Note: note}
}

func TestWorkday(t *testing.T) {
	tests := []struct {
		name      string
		overrides []calendar.Override
		day       string
		want      bool
	}{
		{"national day Thu", nil, "2026-10-01", false},
		{"national day Fri", nil, "2026-10-02", false},
		{"national day Sat", nil, "2026-10-03", false},
		{"national day Sun", nil, "2026-10-04", false},
		{"national day Mon", nil, "2026-10-05", false},
		{"national day Tue", nil, "2026-10-06", false},
		{"national day Wed", nil, "2026-10-07", false},
		{"after national day Thu", nil, "2026-10-08", true},
		{"adjusted Saturday workday", nil, "2026-10-10", true},
		{"adjusted Sunday workday", nil, "2026-09-20", true},
		{"mid-autumn Fri", nil, "2026-09-25", false},
		{"spring festival Mon", nil, "2027-02-08", false},
		{"spring festival adjusted Sunday", nil, "2027-02-14", true},
		{"ordinary Tuesday", nil, "2026-10-13", true},
		{"ordinary Saturday", nil, "2026-10-17", false},
		{"ordinary Sunday", nil, "2026-10-18", false},
		{"new year 2023 on 2022-12-31", nil, "2022-12-31", false},
		{"year without data falls back to Mon-Fri", nil, "2100-01-01", true},
		{
			"team day off on a Tuesday",
			[]calendar.Override{override(t, "2026-10-13", true, "团建")},
			"2026-10-13", false,
		},
		{
			"team workday on a Saturday",
			[]calendar.Override{override(t, "2026-10-17", false, "发版")},
			"2026-10-17", true,
		},
		{
			"team workday on a statutory holiday",
			[]calendar.Override{override(t, "2026-10-06", false, "值班")},
			"2026-10-06", true,
		},
		{
			"team day off on an adjusted workday",
			[]calendar.Override{override(t, "2026-10-10", true, "")},
			"2026-10-10", false,
		},
		{
			"override on another day changes nothing",
			[]calendar.Override{override(t, "2026-10-14", true, "团建")},
			"2026-10-13", true,
		},
		{
			"later override for the same day wins",
			[]calendar.Override{
				override(t, "2026-10-13", true, "团建"),
				override(t, "2026-10-13", false, "团建改期"),
			},
			"2026-10-13", true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := calendar.New(tt.overrides)
			if got := c.Workday(date(t, tt.day)); got != tt.want {
				t.Errorf("Workday(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

func TestWhy(t *testing.T) {
	c := calendar.New([]calendar.Override{
		override(t, "2026-10-13", true, "团建"),
		override(t, "2026-10-17", false, "发版"),
		override(t, "2026-10-20", true, ""),
		override(t, "2026-10-24", false, ""),
		override(t, "2026-10-06", false, "值班"),
	})
	tests := []struct {
		day  string
		want string
	}{
		{"2026-10-01", "国庆节"},
		{"2026-10-03", "国庆节"},
		{"2026-10-10", "国庆节调休上班"},
		{"2026-09-20", "国庆节调休上班"},
		{"2026-09-25", "中秋节"},
		{"2025-10-01", "国庆中秋"},
		{"2025-09-28", "国庆中秋调休上班"},
		{"2027-02-08", "春节"},
		{"2027-02-14", "春节调休上班"},
		{"2022-12-31", "元旦节"},
		{"2026-10-13", "团队休息：团建"},
		{"2026-10-17", "团队上班：发版"},
		{"2026-10-20", "团队休息"},
		{"2026-10-24", "团队上班"},
		{"2026-10-06", "团队上班：值班"},
		{"2026-10-08", ""},
		{"2026-10-18", ""},
		{"2100-01-01", ""},
	}
	for _, tt := range tests {
		if got := c.Why(date(t, tt.day)); got != tt.want {
			t.Errorf("Why(%s) = %q, want %q", tt.day, got, tt.want)
		}
	}
}

func TestNextWorkdayInWeek(t *testing.T) {
	tests := []struct {
		name      string
		overrides []calendar.Override
		day       string
		want      string // "" when the rest of the week has no workday
	}{
		{"workday is itself", nil, "2026-10-13", "2026-10-13"},
		{"national day Monday moves to Thursday", nil, "2026-10-05", "2026-10-08"},
		{"national day Thursday: the rest of its week is off", nil, "2026-10-01", ""},
		{"spring festival Monday moves to the adjusted Sunday", nil, "2027-02-08", "2027-02-14"},
		{"adjusted Sunday is itself", nil, "2027-02-14", "2027-02-14"},
		{"adjusted Saturday is itself", nil, "2026-10-10", "2026-10-10"},
		{"spring festival 2026 fills a whole week", nil, "2026-02-16", ""},
		{"ordinary Saturday", nil, "2026-10-17", ""},
		{"ordinary Sunday", nil, "2026-10-18", ""},
		{
			"team day off moves to the next day",
			[]calendar.Override{override(t, "2026-10-13", true, "团建")},
			"2026-10-13", "2026-10-14",
		},
		{
			"team workday inside a holiday week",
			[]calendar.Override{override(t, "2026-10-06", false, "值班")},
			"2026-10-05", "2026-10-06",
		},
		{
			"team workday on an ordinary Saturday",
			[]calendar.Override{override(t, "2026-10-17", false, "发版")},
			"2026-10-17", "2026-10-17",
		},
		{
			"team day off on the only workday empties the week",
			[]calendar.Override{override(t, "2027-02-14", true, "")},
			"2027-02-08", "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := calendar.New(tt.overrides)
			got, ok := c.NextWorkdayInWeek(date(t, tt.day))
			if tt.want == "" {
				if ok {
					t.Errorf("NextWorkdayInWeek(%s) = %s, true; want false", tt.day, got)
				}
				return
			}
			if !ok || got != date(t, tt.want) {
				t.Errorf("NextWorkdayInWeek(%s) = %s, %v; want %s, true", tt.day, got, ok, tt.want)
			}
		})
	}
}

func TestZeroCalendar(t *testing.T) {
	var c calendar.Calendar
	if c.Workday(date(t, "2026-10-01")) {
		t.Error("Workday(2026-10-01) = true on the zero Calendar, want false")
	}
	if got, ok := c.NextWorkdayInWeek(date(t, "2026-10-05")); !ok || got != date(t, "2026-10-08") {
		t.Errorf("NextWorkdayInWeek(2026-10-05) = %s, %v; want 2026-10-08, true", got, ok)
	}
}
