package storage

import (
	"context"
	"fmt"
	"time"

	"teambot"
)

// ScheduledMeetingsBetween lists the scheduled meetings of every team that
// start in from…to, by start: what the meeting reminders look at.
func (tx *Tx) ScheduledMeetingsBetween(ctx context.Context, from, to time.Time) ([]teambot.Meeting, error) {
	var rows []meetingRow
	if err := tx.selectRows(ctx, &rows, meetingSelect+` WHERE status = 'scheduled' AND starts_at >= ? AND starts_at <= ?
		ORDER BY starts_at, id`, utc(from), utc(to)); err != nil {
		return nil, fmt.Errorf("scheduled meetings from %s to %s: %w", from, to, err)
	}
	out := make([]teambot.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.meeting()
	}
	return out, nil
}

// MeetingSchedules lists the weekly meeting times of every team that has
// one, by team id.
func (tx *Tx) MeetingSchedules(ctx context.Context) (map[int64]teambot.MeetingSchedule, error) {
	var rows []scheduleRow
	if err := tx.selectRows(ctx, &rows, `SELECT team_id, iso_day, minute, minutes, updated_at FROM meeting_schedules ORDER BY team_id`); err != nil {
		return nil, fmt.Errorf("meeting schedules: %w", err)
	}
	out := make(map[int64]teambot.MeetingSchedule, len(rows))
	for _, r := range rows {
		out[r.TeamID] = r.schedule()
	}
	return out, nil
}
