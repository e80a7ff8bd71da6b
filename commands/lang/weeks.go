// Weeks as members write and read them: this week, a week argument
// (2026-W48, 本周, 上周), and the labels replies print for weeks.

package lang

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"teambot"
)

// ParseWeekText reads 2026-W48 with a clear Chinese error.
func ParseWeekText(s string) (teambot.Week, error) {
	w, err := teambot.ParseWeek(s)
	if err != nil {
		return teambot.Week{}, teambot.Invalid("看不懂周「%s」，请写成 2026-W48（ISO 周：年份-W周数），或写 本周、上周。", s)
	}
	return w, nil
}

// weekish matches text meant as a week, even a mistyped one: 2026-W48,
// 2026W48, W48.
var weekish = regexp.MustCompile(`(?i)^\d{0,4}-?w\d`)

// LooksLikeWeek tells a week (or a mistyped one) from a member's name.
func LooksLikeWeek(s string) bool {
	switch strings.ToLower(s) {
	case "本周", "上周", "this", "last":
		return true
	}
	return strings.Contains(s, "..") || weekish.MatchString(s)
}

// WeeksBetween counts the weeks from through to, inclusive.
func WeeksBetween(from, to teambot.Week) int {
	return int(to.Monday().In(time.UTC).Sub(from.Monday().In(time.UTC)).Hours()/24/7) + 1
}

// WeekLabel names a week with its dates: 2026-W48（11月23日–11月29日）.
func WeekLabel(w teambot.Week) string {
	return fmt.Sprintf("%s（%s–%s）", w, MonthDay(w.Monday()), MonthDay(w.Sunday()))
}

// RangeLabel names one week or a range of them.
func RangeLabel(from, to teambot.Week) string {
	if from == to {
		return WeekLabel(from)
	}
	return fmt.Sprintf("%s 至 %s（%s–%s）", from, to, MonthDay(from.Monday()), MonthDay(to.Sunday()))
}
