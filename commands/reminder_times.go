// The calendar a team's reminders follow and how a reminder's time reads;
// when each next sends is in commands/roll.

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"teambot/calendar"
	"teambot/commands/lang"
)

// Calendar is the team's work calendar: statutory days and its own.
func (r *Request) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	return TeamCalendar(ctx, r.Tx, r.Team.ID)
}

// Describe says rm's spec in Chinese.
func (rm Reminder) Describe(spec string) string {
	f := strings.Fields(spec)
	if (rm.Day == nil && rm.DayText == "") || len(f) != 5 {
		return describeSpec(spec)
	}
	mm, err1 := strconv.Atoi(f[0])
	hh, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return spec
	}
	return fmt.Sprintf("%s %02d:%02d", rm.DayText, hh, mm)
}

// describeSpec says a simple spec in Chinese ("每周一 09:00"), else gives the
// spec itself.
func describeSpec(spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return spec
	}
	mm, err1 := strconv.Atoi(f[0])
	hh, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return spec
	}
	clock := fmt.Sprintf("%02d:%02d", hh, mm)
	switch day := strings.ToUpper(f[4]); day {
	case "*":
		return "每天 " + clock
	case "MON-FRI", "1-5":
		return "工作日 " + clock
	default:
		for i, d := range lang.CronDays {
			if day == d || day == strconv.Itoa(i) {
				return "每" + WeekdaysCN[i] + " " + clock
			}
		}
	}
	return spec
}

// TeamCalendar is a team's work calendar: statutory days and its own.
func TeamCalendar(ctx context.Context, tx Tx, teamID int64) (*calendar.Calendar, error) {
	days, err := tx.TeamDays(ctx, teamID)
	if err != nil {
		return nil, err
	}
	overrides := make([]calendar.Override, len(days))
	for i, d := range days {
		overrides[i] = calendar.Override{Date: d.Date, Off: d.Off, Note: d.Note}
	}
	return calendar.New(overrides), nil
}
