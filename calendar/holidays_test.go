package calendar_test

import (
	"testing"

	"teambot/calendar"
)

func TestHasData(t *testing.T) {
	tests := []struct {
		year int
		want bool
	}{
		{1999, false},
		{2001, false}, // only 2001-12-29 and 30, which belong to New Year 2002
		{2002, true},
		{2020, true},
		{2025, true},
		{2026, true},
		{2027, true},
		{2028, false},
		{2100, false},
		{0, false},
		{-1, false},
	}
	for _, tt := range tests {
		if got := calendar.HasData(tt.year); got != tt.want {
			t.Errorf("HasData(%d) = %v, want %v", tt.year, got, tt.want)
		}
	}
}
