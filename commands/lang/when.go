package lang

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"teambot"
)

// Times of day and weekly times, read the same way wherever people type
// them: /提醒 设置, /会议 设置, /会议 通知 and /周报 截止.

// ClockHint lists the forms parseClockText understands, for error messages.
const ClockHint = "时间可以写 10:00、9:30、10点、10点半、下午3点"

// lengthHint lists the forms parseLength understands, for error messages.
const lengthHint = "时长可以写 90分钟、1.5小时 或 1小时30分"

// Errors of parseWeekly: the text is not a day and a time at all, or its
// time is not a time of day (25:00). Callers word them for their command.
var (
	errNotWeekly  = errors.New("not a weekly time")
	ErrClockRange = errors.New("time of day out of range")
)

// clockPattern reads a time of day, maybe after the part of the day.
var clockPattern = regexp.MustCompile(`^(上午|早上|中午|下午|晚上)?\s*(\d{1,2})(?:[:：](\d{2})|[点时](?:(半)|(\d{1,2})分?)?)$`)

// parseClockText reads a time of day: 10:00, 9:30, 10点, 10点半, 9点5
// (09:05), 10点30分, 15时, with 上午, 早上, 中午, 下午 or 晚上 before it
// (下午3点 is 15:00). ok is false when s is not written as a time; ranged
// is false when it is, but no clock has that time (25:00, 10:60).
func parseClockText(s string) (hh, mm int, ok, ranged bool) {
	m := clockPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, false, false
	}
	hh = atoi(m[2])
	switch {
	case m[3] != "":
		mm = atoi(m[3])
	case m[4] != "":
		mm = 30
	case m[5] != "":
		mm = atoi(m[5])
	}
	switch m[1] {
	case "下午", "晚上":
		if hh < 12 {
			hh += 12
		}
	case "中午":
		if hh < 11 {
			hh += 12
		}
	}
	return hh, mm, true, hh >= 0 && hh < 24 && mm >= 0 && mm < 60
}

// ParseTimeOfDay reads a time of day as parseClockText does; half is the
// 上午 or 下午 already read with its date (明天下午 3点), or "".
func ParseTimeOfDay(s, half string) (hh, mm int, ok bool) {
	if s != "" && isDigit(s[0]) {
		s = half + s
	}
	hh, mm, ok, ranged := parseClockText(s)
	return hh, mm, ok && ranged
}

// weeklyDays says which days a weekly time recurs on.
type weeklyDays int

const (
	DaysUnsaid   weeklyDays = iota // only a time was written: the caller keeps its days
	daysEvery                      // 每天
	daysWorkdays                   // 工作日, Monday to Friday
	DaysOne                        // one weekday
)

// weeklyTime is a recurring time: some days of the week and a time of day.
type weeklyTime struct {
	Days         weeklyDays
	Weekday      time.Weekday // when Days is daysOne
	Hour, Minute int
}

// weeklyDayPattern reads the days at the front of a weekly time.
var weeklyDayPattern = regexp.MustCompile(`(?i)^(?:(每天|每日|天天)|(?:每个?)?(工作日)|(?:每个?)?(?:周|星期|礼拜)([一二三四五六日天1-7])|(mon|tue|wed|thu|fri|sat|sun)[a-z]*)`)

// englishDays are the weekdays written in English (fri 18:00).
var englishDays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// ParseWeekly reads a weekly time from text: the days (周一, 礼拜一, 星期一,
// 每周二, 每天, 工作日, 每个工作日, fri), glued to or apart from a time of
// Day as parseClockText reads it (周一10:00, 每周二 下午3点, 每个工作日
// 9:30), or a time of day alone (10点). It fails with errNotWeekly or
// errClockRange.
func ParseWeekly(text string) (weeklyTime, error) {
	text = strings.TrimSpace(text)
	var w weeklyTime
	if m := weeklyDayPattern.FindStringSubmatch(text); m != nil {
		switch {
		case m[1] != "":
			w.Days = daysEvery
		case m[2] != "":
			w.Days = daysWorkdays
		case m[3] != "":
			w.Days, w.Weekday = DaysOne, weekdayChars[m[3]]
		default:
			w.Days, w.Weekday = DaysOne, englishDays[strings.ToLower(m[4])]
		}
		text = text[len(m[0]):]
	}
	hh, mm, ok, ranged := parseClockText(text)
	switch {
	case !ok:
		return weeklyTime{}, errNotWeekly
	case !ranged:
		return weeklyTime{}, ErrClockRange
	}
	w.Hour, w.Minute = hh, mm
	return w, nil
}

// CronDays is the day-of-week field of a cron spec for w; old is the field
// kept when w names no days.
func (w weeklyTime) CronDays(old string) string {
	switch w.Days {
	case daysEvery:
		return "*"
	case daysWorkdays:
		return "MON-FRI"
	case DaysOne:
		return CronDays[w.Weekday]
	}
	return old
}

// Bounds of a meeting's length.
const (
	minMeetingLength = 15 * time.Minute
	maxMeetingLength = 8 * time.Hour
)

// Patterns of a length: in minutes (90分钟), in hours maybe with minutes
// (1.5小时, 1小时30分, 1个半小时), or half an hour (半小时).
var (
	minutesPattern  = regexp.MustCompile(`(?i)^(\d{1,4})\s*(?:分钟|分|min)$`)
	hoursPattern    = regexp.MustCompile(`(?i)^(\d{1,2}(?:\.\d{1,2})?)\s*个?(半)?\s*(?:小时|钟头|h)\s*(?:(\d{1,2})\s*(?:分钟|分|min)?)?$`)
	halfHourPattern = regexp.MustCompile(`^半\s*个?\s*(?:小时|钟头)$`)
)

// parseLength reads how long a meeting lasts: 90分钟, 1.5小时, 1小时30分,
// 2小时, 半小时, 1个半小时. ok is false when s is not written as a whole
// number of minutes.
func parseLength(s string) (d time.Duration, ok bool) {
	s = strings.TrimSpace(s)
	if m := minutesPattern.FindStringSubmatch(s); m != nil {
		return time.Duration(atoi(m[1])) * time.Minute, true
	}
	if halfHourPattern.MatchString(s) {
		return 30 * time.Minute, true
	}
	m := hoursPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	hours, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	minutes := hours * 60
	if m[2] != "" {
		minutes += 30
	}
	if m[3] != "" {
		minutes += float64(atoi(m[3]))
	}
	if minutes != math.Trunc(minutes) {
		return 0, false
	}
	return time.Duration(minutes) * time.Minute, true
}

// LengthCN says a length in Chinese: 45 分钟, 1 小时, 1 小时 30 分钟.
func LengthCN(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d 分钟", m)
	case m == 0:
		return fmt.Sprintf("%d 小时", h)
	}
	return fmt.Sprintf("%d 小时 %d 分钟", h, m)
}

// meetingSetHint says how to write /会议 设置.
const meetingSetHint = "例如 /会议 设置 周一 10:00、/会议 设置 礼拜一 10点 或 /会议 设置 每周二 下午3点 90分钟"

// ParseMeetingSchedule reads /会议 设置's weekday and time as parseWeekly
// does (周一 10:00, 礼拜一 10点, 每周二 下午3点), maybe followed by the
// meeting's length as parseLength reads it (90分钟, 1.5小时, 1小时30分).
func ParseMeetingSchedule(args []teambot.Arg) (teambot.MeetingSchedule, error) {
	text, length := ArgsText(args), time.Duration(0)
	for k := 1; k <= 2 && k < len(args); k++ { // 90分钟 or 90 分钟
		if d, ok := parseLength(ArgsText(args[len(args)-k:])); ok {
			text, length = ArgsText(args[:len(args)-k]), d
			break
		}
	}
	w, err := ParseWeekly(text)
	switch {
	case errors.Is(err, ErrClockRange):
		return teambot.MeetingSchedule{}, teambot.Invalid("例会时间「%s」不是有效的时刻：小时 0–23，分钟 0–59，例如 /会议 设置 周一 10:00。", Clip(text))
	case err != nil:
		return teambot.MeetingSchedule{}, teambot.Invalid("看不懂例会时间「%s」，请写成 星期几、时间 和（可选的）时长，%s。%s；%s。",
			Clip(ArgsText(args)), meetingSetHint, ClockHint, lengthHint)
	case w.Days != DaysOne:
		return teambot.MeetingSchedule{}, teambot.Invalid("例会每周一次，请写上是星期几，%s。", meetingSetHint)
	case length != 0 && (length < minMeetingLength || length > maxMeetingLength):
		return teambot.MeetingSchedule{}, teambot.Invalid("会议时长 %s 不行：最短 %s，最长 %s。%s。",
			LengthCN(length), LengthCN(minMeetingLength), LengthCN(maxMeetingLength), lengthHint)
	}
	return teambot.MeetingSchedule{Weekday: w.Weekday, Hour: w.Hour, Minute: w.Minute, Length: length}, nil
}

var CronDays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
