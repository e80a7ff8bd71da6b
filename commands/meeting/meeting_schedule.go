package meeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
)

// When meetings take place (R8, R9): the weekly schedule (/会议 设置) and
// its occurrences, ad-hoc meetings (/会议 通知), the agenda (/会议 议程) and
// cancelling the next meeting (/会议 取消).

// weeklyStart is when a weekly meeting whose nominal time is at takes
// place: on a day off it moves to the same time on the next workday of its
// ISO week, as the reminders do (R8); a week with no workday left has no
// meeting (false).
func weeklyStart(at time.Time, cal *calendar.Calendar) (time.Time, bool) {
	day, ok := cal.NextWorkdayInWeek(teambot.DateOf(at))
	if !ok {
		return time.Time{}, false
	}
	return time.Date(day.Year, day.Month, day.Day, at.Hour(), at.Minute(), 0, 0, at.Location()), true
}

// weeklyNominal is the nominal time of the weekly occurrence that takes
// place at start, if one does.
func weeklyNominal(s teambot.MeetingSchedule, start time.Time, cal *calendar.Calendar, loc *time.Location) (time.Time, bool) {
	for at := s.After(start.Add(-7*24*time.Hour-time.Minute), loc); !at.After(start); at = s.After(at, loc) {
		if moved, ok := weeklyStart(at, cal); ok && moved.Equal(start) {
			return at, true
		}
	}
	return time.Time{}, false
}

// ensureWeekly creates the team's next weekly occurrence as a meeting row
// when it is not there yet: the first occurrence whose end is still ahead,
// or the one after when that one was held or cancelled.
func ensureWeekly(ctx context.Context, r *commands.Request) error {
	s, ok, err := txOf(r).MeetingSchedule(ctx, r.Team.ID)
	if err != nil || !ok {
		return err
	}
	loc := r.Location()
	cal, err := r.Calendar(ctx)
	if err != nil {
		return err
	}
	// A nominal time up to a week back may have moved to a later day.
	for at := s.After(r.Now.Add(-7*24*time.Hour), loc); at.Before(r.Now.Add(15 * 24 * time.Hour)); at = s.After(at, loc) {
		start, ok := weeklyStart(at, cal)
		if !ok || start.Add(s.Duration()).Before(r.Now) {
			continue // no workday that week, or already over
		}
		existing, err := txOf(r).Meetings(ctx, r.Team.ID, start, start)
		if err != nil {
			return err
		}
		if len(existing) == 0 {
			m := teambot.Meeting{TeamID: r.Team.ID, StartsAt: start, Duration: s.Duration(), Weekly: true, CreatedBy: "system", CreatedAt: r.Now}
			if err := txOf(r).CreateMeeting(ctx, &m); err != nil {
				return err
			}
			detail := meetingDetail(m, loc) + " 每周例会"
			if !start.Equal(at) {
				detail += "（休息日顺延）"
			}
			return r.Audit(ctx, "meeting.create", "weekly", detail)
		}
		if existing[0].Status == teambot.MeetingScheduled {
			return nil
		}
	}
	return nil
}

// closeMeetingSchedule is /会议 设置 关闭 (supervisor): no more weekly
// meetings; the occurrences already created that nobody has checked in to
// are cancelled. Words after 关闭 make it a time that setMeetingSchedule
// refuses, as it always has.
func closeMeetingSchedule(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) > 0 {
		return setMeetingSchedule(ctx, r)
	}
	if err := txOf(r).ClearMeetingSchedule(ctx, r.Team.ID); err != nil {
		return teambot.Reply{}, err
	}
	n, err := dropWeekly(ctx, r, nil, weeklyClosedNote)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.schedule", r.ChatID, "关闭每周例会"); err != nil {
		return teambot.Reply{}, err
	}
	text := "已关闭每周例会；主管用 /会议 通知 召集的临时会议不受影响。"
	if n > 0 {
		text += fmt.Sprintf("已取消还没开的例会 %d 次。", n)
	}
	return teambot.Reply{Text: text}, nil
}

// setMeetingSchedule is /会议 设置 周一 10:00 (supervisor). A change
// cancels the weekly occurrences already created for the old time that
// nobody has checked in to yet.
func setMeetingSchedule(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	// Every word after 设置, 关闭 too when closeMeetingSchedule passes it on.
	args := r.Args[1:]
	if len(args) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上例会时间，例如 /会议 设置 周一 10:00；不再开例会就发 /会议 设置 关闭。")
	}
	s, err := lang.ParseMeetingSchedule(args)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).SetMeetingSchedule(ctx, r.Team.ID, s, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := reopenWeekly(ctx, r, s); err != nil {
		return teambot.Reply{}, err
	}
	if _, err := dropWeekly(ctx, r, &s, weeklyMovedNote+"每"+commands.WeekdaysCN[s.Weekday]+" "+s.Clock()); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.schedule", r.ChatID, fmt.Sprintf("每%s %s", commands.WeekdaysCN[s.Weekday], s.Clock())); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := nextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok && m.Agenda == "" {
		// The occurrence moved here keeps the agenda it had.
		if old, moved, err := movedFrom(ctx, r, m); err != nil {
			return teambot.Reply{}, err
		} else if moved && old.Agenda != "" {
			if err := txOf(r).SetMeetingAgenda(ctx, r.Team.ID, m.ID, old.Agenda); err != nil {
				return teambot.Reply{}, err
			}
		}
	}
	text := fmt.Sprintf("每周例会定在每%s %s，每次 %s。", commands.WeekdaysCN[s.Weekday], s.Clock(), lang.LengthCN(s.Duration()))
	if ok {
		text += fmt.Sprintf("下次会议：%s。", commands.MeetingWhen(r, m))
	}
	return teambot.Reply{Text: text}, nil
}

// Notes of weekly occurrences cancelled by a change of the schedule, not
// by the supervisor cancelling that meeting: setting the schedule again
// reopens those that fit it, and the notice of the one that replaces a
// moved occurrence says it is a correction.
const (
	weeklyClosedNote = "每周例会已关闭"
	weeklyMovedNote  = "例会时间改为"
)

// cancelledBySchedule reports whether m is a weekly occurrence a change of
// the schedule cancelled.
func cancelledBySchedule(m teambot.Meeting) bool {
	return m.Weekly && m.Status == teambot.MeetingCancelled &&
		(m.Note == weeklyClosedNote || strings.HasPrefix(m.Note, weeklyMovedNote))
}

// reopenWeekly reopens the weekly occurrences not yet started that a
// change of the schedule cancelled and that fit s: turning the schedule
// off and on again, or moving it back, keeps the meeting already
// announced, its agenda and its reminders (claimed once) included.
func reopenWeekly(ctx context.Context, r *commands.Request, s teambot.MeetingSchedule) error {
	list, err := txOf(r).Meetings(ctx, r.Team.ID, r.Now, time.Time{})
	if err != nil {
		return err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return err
	}
	for _, m := range list {
		if !cancelledBySchedule(m) || !m.StartsAt.After(r.Now) {
			continue
		}
		if _, ok := weeklyNominal(s, m.StartsAt, cal, r.Location()); !ok {
			continue
		}
		if err := txOf(r).ReopenMeeting(ctx, r.Team.ID, m.ID); err != nil {
			return err
		}
		if err := r.Audit(ctx, "meeting.reopen", r.ChatID, meetingDetail(m, r.Location())); err != nil {
			return err
		}
	}
	return nil
}

// movedFrom is the weekly occurrence of m's ISO week that a change of the
// schedule moved to m, if any.
func movedFrom(ctx context.Context, r *commands.Request, m teambot.Meeting) (teambot.Meeting, bool, error) {
	if !m.Weekly {
		return teambot.Meeting{}, false, nil
	}
	week := teambot.WeekOf(m.StartsAt.In(r.Location()))
	list, err := txOf(r).Meetings(ctx, r.Team.ID, week.Start(r.Location()), week.End(r.Location()))
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if g := list[i]; cancelledBySchedule(g) && strings.HasPrefix(g.Note, weeklyMovedNote) && !g.StartsAt.Equal(m.StartsAt) {
			return g, true, nil
		}
	}
	return teambot.Meeting{}, false, nil
}

// dropWeekly cancels the weekly occurrences not yet started that nobody has
// checked in to and that do not fit keep (nil: the schedule was closed);
// the one that fits a new schedule is created when needed.
func dropWeekly(ctx context.Context, r *commands.Request, keep *teambot.MeetingSchedule, note string) (int, error) {
	list, err := txOf(r).Meetings(ctx, r.Team.ID, r.Now, time.Time{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range list {
		if !m.Weekly || m.Status != teambot.MeetingScheduled || !m.StartsAt.After(r.Now) {
			continue
		}
		if t := m.StartsAt.In(r.Location()); keep != nil && t.Weekday() == keep.Weekday && t.Hour() == keep.Hour && t.Minute() == keep.Minute {
			continue
		}
		att, err := txOf(r).MeetingAttendance(ctx, r.Team.ID, m.ID)
		if err != nil {
			return 0, err
		}
		if len(att) > 0 {
			continue
		}
		if err := txOf(r).CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingCancelled, r.UserID, note, r.Now); err != nil {
			return 0, err
		}
		if err := r.Audit(ctx, "meeting.cancel", r.ChatID, meetingDetail(m, r.Location())+" "+note); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// checkAgenda refuses an empty agenda, one that seems to carry a password
// and one over maxAgendaRunes characters.
func checkAgenda(agenda, missing string) error {
	switch n := utf8.RuneCountInString(agenda); {
	case agenda == "":
		return teambot.Invalid("%s", missing)
	case n > maxAgendaRunes:
		return teambot.Invalid("议程最多 %d 字，这条有 %d 字，请写简短些。", maxAgendaRunes, n)
	}
	return nil
}

// callMeeting is /会议 通知 DATE TIME AGENDA (supervisor): an ad-hoc meeting.
func callMeeting(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	const how = "请写成 /会议 通知 日期 时间 议程，例如 /会议 通知 明天 15:00 双十二活动分工。"
	words := lang.RestWords(r.Rest)
	if len(words) < 2 {
		return teambot.Reply{}, teambot.Invalid("%s", how)
	}
	today := r.Today()
	span, rest, err := lang.ParseDateSpan(lang.WordTexts(words[1:]), today)
	if err != nil {
		return teambot.Reply{}, err
	}
	if span.To != span.From {
		return teambot.Reply{}, teambot.Invalid("会议只能在一天里开，不能写日期范围。%s", how)
	}
	if len(rest) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上开会时间。%s", how)
	}
	hh, mm, ok := lang.ParseTimeOfDay(rest[0], span.Half)
	if !ok {
		return teambot.Reply{}, teambot.Invalid("看不懂开会时间「%s」。%s", lang.Clip(rest[0]), how)
	}
	agenda := lang.TextFrom(r.Rest, words, rest[1:])
	if err := checkAgenda(agenda, "请写上议程。"+how); err != nil {
		return teambot.Reply{}, err
	}
	start := time.Date(span.From.Year, span.From.Month, span.From.Day, hh, mm, 0, 0, r.Location())
	if !start.After(r.Now) {
		return teambot.Reply{}, teambot.Invalid("%s 已经过去了（现在是 %s），请写以后的时间。", commands.MeetingWhen(r, teambot.Meeting{StartsAt: start}), r.Moment(r.Now))
	}
	m := teambot.Meeting{TeamID: r.Team.ID, StartsAt: start, Agenda: agenda, CreatedBy: r.UserID, CreatedAt: r.Now}
	if err := txOf(r).CreateMeeting(ctx, &m); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("%s 已经有一个会议了。要改议程请用 /会议 议程 内容；发送 /会议 查看。", commands.MeetingWhen(r, m))
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.create", r.ChatID, meetingDetail(m, r.Location())+" 临时会议"); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已安排会议 #%d：%s–%s，议程：%s\n请在 %s 到 %s 之间发送 /签到，%s 以后算迟到。",
		m.ID, commands.MeetingWhen(r, m), clockOf(r, m.EndsAt()), agenda, clockOf(r, checkInOpens(m)), clockOf(r, m.EndsAt()), clockOf(r, m.StartsAt.Add(teambot.LateAfter)))}, nil
}

// setMeetingAgenda is /会议 议程 TEXT (supervisor): the next meeting's agenda.
func setMeetingAgenda(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	var agenda string
	if words := lang.RestWords(r.Rest); len(words) > 1 {
		agenda = lang.FreeText(r.Rest[words[1].At:])
	}
	if err := checkAgenda(agenda, "请写上议程，例如 /会议 议程 双十二活动分工；各模块负责人先交周报。"); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := nextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("还没有安排会议，无法设置议程。请先 /会议 设置 周一 10:00 设定例会，或 /会议 通知 日期 时间 议程 召集会议。")
	}
	if err := txOf(r).SetMeetingAgenda(ctx, r.Team.ID, m.ID, agenda); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.agenda", r.ChatID, meetingDetail(m, r.Location())); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已更新 %s 会议的议程：%s", commands.MeetingWhen(r, m), agenda)}, nil
}

// cancelMeeting is /会议 取消 REASON (supervisor): the next meeting is
// cancelled and never counts.
func cancelMeeting(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	var reason string
	if words := lang.RestWords(r.Rest); len(words) > 1 {
		reason = lang.FreeText(r.Rest[words[1].At:])
	}
	if err := lang.CheckLeaveReason(reason, "请写上取消的原因，例如 /会议 取消 团建改期。"); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := nextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("没有可以取消的会议。发送 /会议 查看。")
	}
	if err := txOf(r).CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingCancelled, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.cancel", r.ChatID, meetingDetail(m, r.Location())); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已取消 %s 的会议，原因：%s。这次会议不计出勤。", commands.MeetingWhen(r, m), reason)}, nil
}
