package teambot_test

import (
	"testing"
	"time"

	"teambot"
)

func TestMeetingScheduleAfter(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	monday10 := teambot.MeetingSchedule{Weekday: time.Monday, Hour: 10}
	for _, tc := range []struct {
		s    teambot.MeetingSchedule
		t    time.Time
		want time.Time
	}{
		{monday10, time.Date(2026, 11, 25, 10, 0, 0, 0, loc), time.Date(2026, 11, 30, 10, 0, 0, 0, loc)},
		{monday10, time.Date(2026, 11, 30, 9, 59, 0, 0, loc), time.Date(2026, 11, 30, 10, 0, 0, 0, loc)},
		{monday10, time.Date(2026, 11, 30, 10, 0, 0, 0, loc), time.Date(2026, 12, 7, 10, 0, 0, 0, loc)},
		{monday10, time.Date(2026, 12, 28, 23, 0, 0, 0, loc), time.Date(2027, 1, 4, 10, 0, 0, 0, loc)},
		// A UTC instant is read in the team's zone: Sunday 20:00 UTC is Monday 04:00 in Shanghai.
		{monday10, time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 10, 0, 0, 0, loc)},
		{teambot.MeetingSchedule{Weekday: time.Sunday, Hour: 21, Minute: 30}, time.Date(2026, 11, 25, 10, 0, 0, 0, loc), time.Date(2026, 11, 29, 21, 30, 0, 0, loc)},
	} {
		if got := tc.s.After(tc.t, loc); !got.Equal(tc.want) {
			t.Errorf("%+v.After(%v) = %v, want %v", tc.s, tc.t, got, tc.want)
		}
	}
	m := teambot.Meeting{StartsAt: time.Date(2026, 11, 30, 10, 0, 0, 0, loc), Duration: teambot.DefaultMeetingDuration}
	if want := time.Date(2026, 11, 30, 11, 0, 0, 0, loc); !m.EndsAt().Equal(want) {
		t.Errorf("EndsAt = %v, want %v", m.EndsAt(), want)
	}
}
