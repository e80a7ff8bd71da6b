package meeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// The two meeting reminders (R10, docs/product.md §6): 会议通知 at 17:00 of the
// workday before a meeting, and 会前提醒 30 minutes before it. Both go to
// the group with the agenda, the members on approved leave that day and the
// members who have not handed in the report week the meeting checks (the
// last one due before it starts); they @mention everyone expected at the
// meeting: every active member but those whose leave covers it. A meeting
// on a day off keeps its time; the notice says it falls on a day off.
//
// Decisions:
//   - A weekly occurrence that has no meeting row yet counts as scheduled
//     (rows are created when needed); a cancelled or held row gets nothing.
//   - A notice not sent before the 30-minute reminder is due is left to it.
const (
	// JobMeetingNotice and JobMeetingSoon name the two reminders' firings.
	JobMeetingNotice = "meeting_notice"
	JobMeetingSoon   = "meeting_soon"

	// meetingNoticeHour is when the notice goes out on the workday before.
	meetingNoticeHour = 17
	// meetingSoonBefore is how long before the start the last reminder goes out.
	meetingSoonBefore = 30 * time.Minute
	// meetingHorizon bounds how far ahead meetings are looked at: the
	// workday before a meeting may lie a long holiday away.
	meetingHorizon = 14 * 24 * time.Hour
	// workdaySearch bounds the search for the workday before a meeting.
	workdaySearch = 31
)

// ReminderFirings lists the meeting reminders due at now: for every
// scheduled meeting of every team that starts after now, the notice when
// 17:00 of the workday before has come and the 30-minute reminder is not
// yet due, and the 30-minute reminder once it is due. Each firing's Subject
// is the meeting's start; the caller claims each once.
func (j Jobs) ReminderFirings(ctx context.Context, now time.Time) ([]teambot.Firing, error) {
	e := j.Engine
	var out []teambot.Firing
	err := e.Config.Store.Update(ctx, func(tx commands.Tx) error {
		meetings, err := upcomingMeetings(ctx, tx, now)
		if err != nil {
			return err
		}
		teams := map[int64]teambot.Team{}
		cals := map[int64]*calendar.Calendar{}
		for _, m := range meetings {
			team, ok := teams[m.TeamID]
			if !ok {
				if team, err = tx.TeamByID(ctx, m.TeamID); err != nil {
					return err
				}
				teams[m.TeamID] = team
			}
			cal, ok := cals[m.TeamID]
			if !ok {
				if cal, err = commands.TeamCalendar(ctx, tx, m.TeamID); err != nil {
					return err
				}
				cals[m.TeamID] = cal
			}
			soon := m.StartsAt.Add(-meetingSoonBefore)
			f := teambot.Firing{TeamID: team.ID, ChatID: team.ChatID, Subject: m.StartsAt.UTC()}
			switch {
			case !now.Before(soon):
				f.Job, f.At = JobMeetingSoon, soon.UTC()
				out = append(out, f)
			default:
				at, ok := noticeAt(m.StartsAt, team.Location(), cal)
				if ok && !now.Before(at) {
					f.Job, f.At = JobMeetingNotice, at.UTC()
					out = append(out, f)
				}
			}
		}
		return nil
	})
	return out, err
}

// upcomingMeetings is every team's scheduled meetings that start after now
// and within meetingHorizon, with the weekly occurrences that have no row
// yet.
func upcomingMeetings(ctx context.Context, tx commands.Tx, now time.Time) ([]teambot.Meeting, error) {
	end := now.Add(meetingHorizon)
	list, err := asTx(tx).ScheduledMeetingsBetween(ctx, now, end)
	if err != nil {
		return nil, err
	}
	var out []teambot.Meeting
	for _, m := range list {
		if m.StartsAt.After(now) {
			out = append(out, m)
		}
	}
	weekly, err := unrecordedWeekly(ctx, tx, now.Add(-7*24*time.Hour), end, func(start time.Time, _ teambot.MeetingSchedule) bool {
		return start.After(now) && !start.After(end)
	})
	return append(out, weekly...), err
}

// unrecordedWeekly is every team's weekly meetings from schedules nominally
// after from and up to to, where they take place (moved off a day off, as
// ensureWeekly does), that keep accepts and that have no row yet.
func unrecordedWeekly(ctx context.Context, tx commands.Tx, from, to time.Time, keep func(start time.Time, s teambot.MeetingSchedule) bool) ([]teambot.Meeting, error) {
	schedules, err := asTx(tx).MeetingSchedules(ctx)
	if err != nil {
		return nil, err
	}
	var out []teambot.Meeting
	for teamID, s := range schedules {
		team, err := tx.TeamByID(ctx, teamID)
		if err != nil {
			return nil, err
		}
		loc := team.Location()
		cal, err := commands.TeamCalendar(ctx, tx, teamID)
		if err != nil {
			return nil, err
		}
		for at := s.After(from, loc); !at.After(to); at = s.After(at, loc) {
			start, ok := weeklyStart(at, cal)
			if !ok || !keep(start, s) {
				continue
			}
			rows, err := asTx(tx).Meetings(ctx, teamID, start, start)
			if err != nil {
				return nil, err
			}
			if len(rows) == 0 {
				out = append(out, weeklyOccurrence(teamID, start, s.Duration()))
			}
		}
	}
	return out, nil
}

// weeklyOccurrence is a weekly meeting that has no row yet.
func weeklyOccurrence(teamID int64, at time.Time, length time.Duration) teambot.Meeting {
	return teambot.Meeting{TeamID: teamID, StartsAt: at.UTC(), Duration: length,
		Weekly: true, Status: teambot.MeetingScheduled, CreatedBy: "system"}
}

// noticeAt is 17:00 of the last workday before the meeting's day, in loc.
func noticeAt(start time.Time, loc *time.Location, cal *calendar.Calendar) (time.Time, bool) {
	day := teambot.DateOf(start.In(loc))
	for i := 1; i <= workdaySearch; i++ {
		if d := day.AddDate(0, 0, -i); cal.Workday(d) {
			return time.Date(d.Year, d.Month, d.Day, meetingNoticeHour, 0, 0, 0, loc), true
		}
	}
	return time.Time{}, false
}

// Remind composes 会议通知 or 会前提醒 for the meeting that starts
// At f.Subject: one group message that @mentions everyone expected at it.
// Nothing is sent when the meeting is no
// longer scheduled.
func (j Jobs) Remind(ctx context.Context, f teambot.Firing) ([]teambot.Outgoing, error) {
	e := j.Engine
	var out []teambot.Outgoing
	err := e.FiringRequest(ctx, f, func(r *commands.Request) error {
		m, ok, err := meetingAt(ctx, r, f.Subject)
		if err != nil || !ok {
			return err
		}
		text, mentions, err := meetingReminderText(ctx, r, m, f.Job == JobMeetingSoon)
		if err != nil {
			return err
		}
		msg := commands.GroupMessage(r, f, f.Job, text, mentions)
		if f.Job == JobMeetingSoon {
			if msg.Card, err = checkInButton(ctx, r, m, f.Subject); err != nil {
				return err
			}
		}
		out = append(out, msg)
		return nil
	})
	return out, err
}

// checkInButton is 会前提醒's card with the 签到 button (R10), where cards
// can be pushed; the meeting's row is made first if the weekly one has
// none yet (the card stands for the row).
func checkInButton(ctx context.Context, r *commands.Request, m teambot.Meeting, start time.Time) (*teambot.Card, error) {
	if !commands.PushCards(r) {
		return nil, nil
	}
	if m.ID == 0 {
		if err := ensureWeekly(ctx, r); err != nil {
			return nil, err
		}
		again, ok, err := meetingAt(ctx, r, start)
		if err != nil || !ok || again.ID == 0 {
			return nil, err
		}
		m = again
	}
	return commands.NewCard(ctx, r, teambot.CardCheckIn, m.ID)
}

// meetingAt is the team's scheduled meeting that starts at start: its row,
// or the weekly occurrence that has none yet.
func meetingAt(ctx context.Context, r *commands.Request, start time.Time) (teambot.Meeting, bool, error) {
	rows, err := txOf(r).Meetings(ctx, r.Team.ID, start, start)
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	if len(rows) > 0 {
		return rows[0], rows[0].Status == teambot.MeetingScheduled, nil
	}
	s, ok, err := txOf(r).MeetingSchedule(ctx, r.Team.ID)
	if err != nil || !ok {
		return teambot.Meeting{}, false, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	if _, ok := weeklyNominal(s, start, cal, r.Location()); !ok {
		return teambot.Meeting{}, false, nil // the weekly time changed
	}
	return weeklyOccurrence(r.Team.ID, start, s.Duration()), true, nil
}

// meetingReminderText is the text of a meeting reminder and the userids it
// @mentions.
func meetingReminderText(ctx context.Context, r *commands.Request, m teambot.Meeting, soon bool) (string, []string, error) {
	loc := r.Location()
	day := teambot.DateOf(m.StartsAt.In(loc))
	kind := "临时会议"
	if m.Weekly {
		kind = "每周例会"
	}
	var b strings.Builder
	if soon {
		fmt.Fprintf(&b, "【会前提醒】%d 分钟后开会：%s–%s（%s）", int(meetingSoonBefore/time.Minute), commands.MeetingWhen(r, m), clockOf(r, m.EndsAt()), kind)
	} else {
		fmt.Fprintf(&b, "【会议通知】%s–%s（%s）", commands.MeetingWhen(r, m), clockOf(r, m.EndsAt()), kind)
	}
	if old, ok, err := announcedMove(ctx, r, m); err != nil {
		return "", nil, err
	} else if ok {
		fmt.Fprintf(&b, "\n更正：原定 %s 的例会改到这个时间，以本条为准。", commands.MeetingWhen(r, old))
	}
	agenda := m.Agenda
	if agenda == "" {
		agenda = "还没有，主管可以用 /会议 议程 内容 设置。"
	}
	b.WriteString("\n议程：" + agenda)

	cal, err := r.Calendar(ctx)
	if err != nil {
		return "", nil, err
	}
	if !cal.Workday(day) {
		why := cal.Why(day)
		if why == "" {
			why = commands.WeekdayCN(day)
		}
		fmt.Fprintf(&b, "\n注意：会议在休息日（%s），时间不变；要改期请主管 /会议 取消 理由 后重新 /会议 通知。", why)
	}

	away, err := roll.OnLeave(ctx, r, day, day)
	if err != nil {
		return "", nil, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return "", nil, err
	}
	half := meetingHalf(m, loc)
	var leave, mentions []string
	for _, mem := range members {
		for _, l := range away[mem.ID] {
			if l.Covers(day) {
				name := mem.Name
				if !l.Whole() {
					name += "（" + l.Half + "）"
				}
				leave = append(leave, name)
				break
			}
		}
		// Everyone expected is @mentioned by userid, never with a literal
		// "@all": that would also reach the members whose leave covers the
		// meeting and people in the group who are not on the team (R9).
		if !excusedBy(away[mem.ID], day, half) {
			mentions = append(mentions, mem.UserID)
		}
	}
	fmt.Fprintf(&b, "\n请假：%s", commands.NameList(leave))

	week, err := meetingReportWeek(ctx, r, m.StartsAt)
	if err != nil {
		return "", nil, err
	}
	s, err := roll.LoadWeekStatus(ctx, r, week)
	if err != nil {
		return "", nil, err
	}
	switch {
	case s.Expected == 0 || s.Closed:
	case len(s.Missing) == 0:
		fmt.Fprintf(&b, "\n%s的周报都已交齐。", lang.WeekLabel(s.Week))
	default:
		fmt.Fprintf(&b, "\n还没交 %s周报的 %d 人：%s。请会前 @我 发送 /周报 内容 提交。",
			lang.WeekLabel(s.Week), len(s.Missing), commands.NameList(commands.MemberNames(s.Missing)))
	}
	if soon {
		fmt.Fprintf(&b, "\n签到：%s 起发送 /签到，%s 以后算迟到。", clockOf(r, checkInOpens(m)), clockOf(r, m.StartsAt.Add(teambot.LateAfter)))
	}
	return b.String(), mentions, nil
}

// announcedMove is the weekly occurrence a change of the schedule moved
// to m after the group had been told of it (its notice or 30-minute
// reminder was sent), if any: m's reminders then say they correct it.
func announcedMove(ctx context.Context, r *commands.Request, m teambot.Meeting) (teambot.Meeting, bool, error) {
	old, ok, err := movedFrom(ctx, r, m)
	if err != nil || !ok {
		return old, false, err
	}
	for _, job := range []string{JobMeetingNotice, JobMeetingSoon} {
		sent, err := txOf(r).FiringClaimed(ctx, teambot.FiringKey{TeamID: r.Team.ID, Job: job, Nominal: old.StartsAt.UTC()})
		if err != nil || sent {
			return old, sent, err
		}
	}
	return old, false, nil
}

// meetingReportWeek is the report week a meeting starting at start checks
// (R10): the most recent ISO week whose report deadline falls before the
// meeting starts, so a Monday meeting checks last week's reports and a
// Saturday one this week's. The notice and the 30-minute reminder of a
// meeting therefore always name the same week.
func meetingReportWeek(ctx context.Context, r *commands.Request, start time.Time) (teambot.Week, error) {
	week := teambot.WeekOf(start.In(r.Location()))
	for range 2 {
		due, err := roll.ReportDue(ctx, r, week)
		if err != nil {
			return teambot.Week{}, err
		}
		at := due.At
		if due.Exempt {
			at = due.Nominal // nobody owes a report: the check finds no one missing
		}
		if at.Before(start) {
			return week, nil
		}
		week = week.Prev()
	}
	return week, nil // a week's deadline lies within it: last week's has passed
}

// Jobs are the meetings' timed work, for the scheduler: the notice and
// the reminder before each meeting (R9), and closing it at its end (R12).
type Jobs struct{ Engine *commands.Engine }
