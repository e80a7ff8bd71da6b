package lang

import (
	"errors"
	"testing"
	"time"
)

func TestParseWeekly(t *testing.T) {
	tests := []struct {
		in   string
		days weeklyDays
		wd   time.Weekday
		hhmm string
		err  error
	}{
		{in: "10点", days: DaysUnsaid, hhmm: "10:00"},
		{in: "下午3点", days: DaysUnsaid, hhmm: "15:00"},
		{in: "晚上8点半", days: DaysUnsaid, hhmm: "20:30"},
		{in: "中午12点", days: DaysUnsaid, hhmm: "12:00"},
		{in: "9点5", days: DaysUnsaid, hhmm: "09:05"},
		{in: "10点30分", days: DaysUnsaid, hhmm: "10:30"},
		{in: "15时", days: DaysUnsaid, hhmm: "15:00"},
		{in: "9：30", days: DaysUnsaid, hhmm: "09:30"},
		{in: "礼拜一 10点", days: DaysOne, wd: time.Monday, hhmm: "10:00"},
		{in: "周一10:00", days: DaysOne, wd: time.Monday, hhmm: "10:00"},
		{in: "周一 10:00", days: DaysOne, wd: time.Monday, hhmm: "10:00"},
		{in: "每周二 15:00", days: DaysOne, wd: time.Tuesday, hhmm: "15:00"},
		{in: "每个星期日 下午6点", days: DaysOne, wd: time.Sunday, hhmm: "18:00"},
		{in: "周天 9:00", days: DaysOne, wd: time.Sunday, hhmm: "09:00"},
		{in: "星期五 18:30", days: DaysOne, wd: time.Friday, hhmm: "18:30"},
		{in: "fri 18:30", days: DaysOne, wd: time.Friday, hhmm: "18:30"},
		{in: "Monday 9:00", days: DaysOne, wd: time.Monday, hhmm: "09:00"},
		{in: "每个工作日 9:30", days: daysWorkdays, hhmm: "09:30"},
		{in: "工作日 18:00", days: daysWorkdays, hhmm: "18:00"},
		{in: "每天 9:30", days: daysEvery, hhmm: "09:30"},
		{in: "周一 25:00", err: ErrClockRange},
		{in: "周一 10:60", err: ErrClockRange},
		{in: "周一 9:5", err: errNotWeekly},
		{in: "下周 10:00", err: errNotWeekly},
		{in: "周八 10:00", err: errNotWeekly},
		{in: "周末 10:00", err: errNotWeekly},
		{in: "周一", err: errNotWeekly},
		{in: "周一 10:00 周二", err: errNotWeekly},
		{in: "", err: errNotWeekly},
	}
	for _, tc := range tests {
		w, err := ParseWeekly(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseWeekly(%q) = %+v, %v; want %v", tc.in, w, err, tc.err)
			}
			continue
		}
		got := time.Date(2026, 1, 1, w.Hour, w.Minute, 0, 0, time.UTC).Format("15:04")
		if err != nil || w.Days != tc.days || w.Days == DaysOne && w.Weekday != tc.wd || got != tc.hhmm {
			t.Errorf("ParseWeekly(%q) = %+v (%s), %v; want days %d %v %s", tc.in, w, got, err, tc.days, tc.wd, tc.hhmm)
		}
	}
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		in      string
		minutes int // 0: not a length
	}{
		{"90分钟", 90}, {"90分", 90}, {"45 min", 45}, {"1.5小时", 90}, {"2小时", 120}, {"1小时30分", 90},
		{"1小时30分钟", 90}, {"1小时30", 90}, {"1个半小时", 90}, {"半小时", 30}, {"2h", 120}, {"1.25小时", 75},
		{"1.33小时", 0}, {"两个钟", 0}, {"90", 0}, {"", 0}, {"小时", 0}, {"10:00", 0},
	}
	for _, tc := range tests {
		d, ok := parseLength(tc.in)
		if got := int(d / time.Minute); ok != (tc.minutes > 0) || ok && got != tc.minutes {
			t.Errorf("parseLength(%q) = %d min, %v; want %d", tc.in, got, ok, tc.minutes)
		}
	}
}
