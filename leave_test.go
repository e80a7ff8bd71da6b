package teambot_test

import (
	"testing"
	"time"

	"teambot"
)

func TestLeaveDays(t *testing.T) {
	d := func(day int) teambot.Date { return teambot.Date{Year: 2026, Month: 12, Day: day} }
	l := teambot.Leave{From: d(3), To: d(5), Status: teambot.LeavePending}
	for day, want := range map[int]bool{2: false, 3: true, 4: true, 5: true, 6: false} {
		if got := l.Covers(d(day)); got != want {
			t.Errorf("12-03..12-05 covers 12-%02d: %v, want %v", day, got, want)
		}
	}
	if !l.Whole() || (teambot.Leave{Half: teambot.HalfMorning}).Whole() {
		t.Error("Whole: want true without a half, false with one")
	}
	for status, want := range map[string]bool{
		teambot.LeavePending: true, teambot.LeaveApproved: true, teambot.LeaveRejected: false, teambot.LeaveCancelled: false,
	} {
		if got := (teambot.Leave{Status: status}).Active(); got != want {
			t.Errorf("%s active: %v, want %v", status, got, want)
		}
	}
}

// A leave covers a moment on one of its days, and a half day only its half:
// the morning before 12:00, the afternoon from 12:00 in the team's zone.
func TestLeaveCoversMoment(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	day := teambot.Date{Year: 2026, Month: 12, Day: 3}
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, shanghai) }
	cases := []struct {
		half string
		at   time.Time
		want bool
	}{
		{"", at(3, 0, 0), true},
		{"", at(3, 23, 59), true},
		{"", at(4, 0, 0), false},
		{teambot.HalfMorning, at(3, 11, 59), true},
		{teambot.HalfMorning, at(3, 12, 0), false},
		{teambot.HalfAfternoon, at(3, 11, 59), false},
		{teambot.HalfAfternoon, at(3, 12, 0), true},
		{teambot.HalfAfternoon, at(3, 18, 0), true},
		// 18:00 in Shanghai is 10:00 UTC: the zone decides the half.
		{teambot.HalfAfternoon, at(3, 18, 0).UTC(), true},
	}
	for _, tc := range cases {
		l := teambot.Leave{From: day, To: day, Half: tc.half}
		if got := l.CoversMoment(tc.at, shanghai); got != tc.want {
			t.Errorf("leave 12-03 %q covers %s: %v, want %v", tc.half, tc.at, got, tc.want)
		}
	}
}
