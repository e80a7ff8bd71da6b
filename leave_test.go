package teambot_test

import (
	"testing"

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
