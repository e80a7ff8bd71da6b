package commands

import (
	"fmt"
	"strconv"
	"strings"
	"teambot/commands/lang"
	"time"

	"teambot"
)

// Dates in replies and reminders are written one way: 12月1日（周二）, with
// the year only when it is not the current one (2027年1月4日（周一）), times
// as 10:00 (12月1日（周二）10:00) and ranges as 12月1日（周二）至 12月3日（周四）.
// teambot.Date.Describe and teambot.DescribeTime write a day and an instant;
// DescribeDay (dates.go) and the helpers here build on them. Text
// meant for machines keeps its ISO form: week ids people type (2026-W48),
// audit details, exports and logs.

// describeMoment is an instant as a day and a time in loc:
// "12月1日（周二）10:00".
func describeMoment(t time.Time, loc *time.Location, today teambot.Date) string {
	return teambot.DescribeTime(t, loc, today)
}

// DescribeRange is the days from from to to, both included:
// "12月1日（周二）至 12月3日（周四）", or one day when they are the same.
func DescribeRange(from, to, today teambot.Date) string {
	if from == to {
		return lang.DescribeDay(from, today)
	}
	return fmt.Sprintf("%s至 %s", lang.DescribeDay(from, today), lang.DescribeDay(to, today))
}

// Day is d as the team reads it: "12月1日（周二）".
func (r *Request) Day(d teambot.Date) string { return lang.DescribeDay(d, r.Today()) }

// DayOf is the day of an instant in the team's time zone: "12月1日（周二）".
func (r *Request) DayOf(t time.Time) string { return r.Day(teambot.DateOf(t.In(r.Location()))) }

// Moment is an instant in the team's time zone: "11月27日（周五）18:00".
func (r *Request) Moment(t time.Time) string { return describeMoment(t, r.Location(), r.Today()) }

// NameList joins names with 、, or — for none.
func NameList(names []string) string {
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, "、")
}

// Days prints a number of days: 2, 1.5.
func Days(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

var WeekdaysCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayCN is the day of the week in Chinese, e.g. 周三.
func WeekdayCN(d teambot.Date) string { return WeekdaysCN[d.Weekday()] }

// MeetingWhen is "11月30日（周一）10:00".
func MeetingWhen(r *Request, m teambot.Meeting) string {
	return r.Moment(m.StartsAt)
}

// RoleList names roles in Chinese, or "无" for none.
func RoleList(roles []teambot.Role) string {
	if len(roles) == 0 {
		return "无"
	}
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = r.Chinese()
	}
	return strings.Join(parts, "、")
}

// Week is the current ISO week in the team's time zone.
func (r *Request) Week() teambot.Week { return teambot.WeekOf(r.Now.In(r.Location())) }

// WeekArg reads one week: 2026-W48, or 本周/this, 上周/last.
func (r *Request) WeekArg(s string) (teambot.Week, error) {
	switch strings.ToLower(s) {
	case "本周", "this":
		return r.Week(), nil
	case "上周", "last":
		return r.Week().Prev(), nil
	}
	return lang.ParseWeekText(s)
}
