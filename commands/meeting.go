package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
	"teambot/calendar"
)

// Meetings (R8-R12, docs/product.md §6): a weekly schedule and ad-hoc meetings,
// check-in, roll call, closing with an attendance summary, cancelling, the
// two-absences proposal, disputes and history.
//
// Decisions:
//   - A weekly occurrence becomes a meeting row when it is needed (shown,
//     checked in to, given an agenda, cancelled): the first occurrence whose
//     end is still ahead. When that one is cancelled or held, the next one.
//   - Check-in is open from teambot.CheckInEarly (15 min) before the start
//     to the end (default 1 h); later than teambot.LateAfter (10 min) after
//     the start counts as late.
//   - The supervisor attends like everyone; the supervisor who closes a
//     meeting is counted present (they ran it) unless already recorded.
//   - Members who joined after a meeting started are not counted for it.
//   - Approved leave excuses a meeting when it covers the meeting's day (a
//     half day only when it is the half the meeting starts in).
//   - 会议 结束 and 会议 点名 act on the latest scheduled meeting that has
//     started (点名: whose check-in has opened) within the last
//     meetingLookback; older unclosed ones stay unsettled and never count.
//   - Disputes may be raised until teambot.DisputeWindow (48 h) after the
//     meeting's end.

const (
	// maxAgendaRunes is the longest agenda, in characters.
	maxAgendaRunes = 500
	// meetingLookback bounds how far back 会议 结束 looks for a meeting left open.
	meetingLookback = 14 * 24 * time.Hour
	// historyLength is how many meetings 会议 记录 shows.
	historyLength = 20
)

// meeting is /会议: without arguments it shows the next meeting; its first
// word may name an action.
func meeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needTeam(); err != nil {
		return teambot.Reply{}, err
	}
	switch r.subcommand() {
	case "", "下次", "next":
		return showNextMeeting(ctx, r)
	case "设置", "set":
		return setMeetingSchedule(ctx, r)
	case "通知", "安排", "notice":
		return callMeeting(ctx, r)
	case "议程", "agenda":
		return setMeetingAgenda(ctx, r)
	case "点名", "roll":
		return rollCall(ctx, r)
	case "结束", "close", "end":
		return closeMeeting(ctx, r)
	case "取消", "cancel":
		return cancelMeeting(ctx, r)
	case "提醒", "建议", "proposals":
		return listProposals(ctx, r)
	case "申诉", "dispute":
		return dispute(ctx, r)
	case "记录", "history":
		return attendanceHistory(ctx, r)
	}
	return teambot.Reply{}, usageError(r.Command, fmt.Sprintf("没有「%s」这个会议操作。", clip(r.Args[0].Text)))
}

// needSupervisor refuses a caller who is not the supervisor, naming what
// they tried.
func (r *Request) needSupervisor(ctx context.Context, what string) error {
	if r.Caller.IsSupervisor() {
		return nil
	}
	return teambot.Forbidden("%s只有主管可以操作%s。", what, r.supervisorHint(ctx))
}

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
func (r *Request) ensureWeekly(ctx context.Context) error {
	s, ok, err := r.Tx.MeetingSchedule(ctx, r.Team.ID)
	if err != nil || !ok {
		return err
	}
	loc := r.Location()
	cal, err := r.calendar(ctx)
	if err != nil {
		return err
	}
	// A nominal time up to a week back may have moved to a later day.
	for at := s.After(r.Now.Add(-7*24*time.Hour), loc); at.Before(r.Now.Add(15 * 24 * time.Hour)); at = s.After(at, loc) {
		start, ok := weeklyStart(at, cal)
		if !ok || start.Add(teambot.DefaultMeetingDuration).Before(r.Now) {
			continue // no workday that week, or already over
		}
		existing, err := r.Tx.Meetings(ctx, r.Team.ID, start, start)
		if err != nil {
			return err
		}
		if len(existing) == 0 {
			m := teambot.Meeting{TeamID: r.Team.ID, StartsAt: start, Weekly: true, CreatedBy: "system", CreatedAt: r.Now}
			if err := r.Tx.CreateMeeting(ctx, &m); err != nil {
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

// nextMeeting is the earliest scheduled meeting that has not ended.
func (r *Request) nextMeeting(ctx context.Context) (teambot.Meeting, bool, error) {
	if err := r.ensureWeekly(ctx); err != nil {
		return teambot.Meeting{}, false, err
	}
	list, err := r.Tx.Meetings(ctx, r.Team.ID, r.Now.Add(-24*time.Hour), time.Time{})
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	for _, m := range list {
		if m.Status == teambot.MeetingScheduled && !m.EndsAt().Before(r.Now) {
			return m, true, nil
		}
	}
	return teambot.Meeting{}, false, nil
}

// openMeeting is the latest scheduled meeting that began at or before
// since(m) ≤ now: its start for closing, its check-in opening for roll call.
func (r *Request) openMeeting(ctx context.Context, since func(teambot.Meeting) time.Time) (teambot.Meeting, bool, error) {
	if err := r.ensureWeekly(ctx); err != nil {
		return teambot.Meeting{}, false, err
	}
	list, err := r.Tx.Meetings(ctx, r.Team.ID, r.Now.Add(-meetingLookback), r.Now.Add(teambot.CheckInEarly))
	if err != nil {
		return teambot.Meeting{}, false, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if m := list[i]; m.Status == teambot.MeetingScheduled && !r.Now.Before(since(m)) {
			return m, true, nil
		}
	}
	return teambot.Meeting{}, false, nil
}

func checkInOpens(m teambot.Meeting) time.Time { return m.StartsAt.Add(-teambot.CheckInEarly) }
func meetingStart(m teambot.Meeting) time.Time { return m.StartsAt }

// meetingWhen is "11月30日（周一）10:00".
func (r *Request) meetingWhen(m teambot.Meeting) string {
	t := m.StartsAt.In(r.Location())
	return describeDay(teambot.DateOf(t), r.Today()) + t.Format("15:04")
}

// clockOf is an instant's time of day in the team's zone.
func (r *Request) clockOf(t time.Time) string { return t.In(r.Location()).Format("15:04") }

// meetingDetail is a meeting for the audit log: id and start, never the agenda.
func meetingDetail(m teambot.Meeting, loc *time.Location) string {
	return fmt.Sprintf("#%d %s", m.ID, m.StartsAt.In(loc).Format("2006-01-02 15:04"))
}

// showNextMeeting is /会议 and /会议 下次.
func showNextMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	s, weekly, err := r.Tx.MeetingSchedule(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	regular := "本团队没有每周例会。"
	if weekly {
		regular = fmt.Sprintf("每周例会：每%s %s。", weekdaysCN[s.Weekday], s.Clock())
	}
	if !ok {
		return teambot.Reply{Text: "还没有安排会议。" + regular + "主管可以用 /会议 设置 周一 10:00 设定每周例会，或 /会议 通知 明天 15:00 议程 召集临时会议。"}, nil
	}
	var b strings.Builder
	kind := "临时会议"
	if m.Weekly {
		kind = "每周例会"
	}
	fmt.Fprintf(&b, "下次会议：%s–%s（%s）", r.meetingWhen(m), r.clockOf(m.EndsAt()), kind)
	if m.Agenda != "" {
		b.WriteString("\n议程：" + m.Agenda)
	} else {
		b.WriteString("\n议程：还没有，主管可以用 /会议 议程 内容 设置。")
	}
	fmt.Fprintf(&b, "\n签到：%s 到 %s 发送 /签到，%s 以后算迟到。", r.clockOf(checkInOpens(m)), r.clockOf(m.EndsAt()), r.clockOf(m.StartsAt.Add(teambot.LateAfter)))
	if !m.Weekly {
		b.WriteString("\n" + regular)
	}
	return teambot.Reply{Text: b.String()}, nil
}

// setMeetingSchedule is /会议 设置 周一 10:00 and /会议 设置 关闭 (supervisor).
// A change cancels the weekly occurrences already created for the old time
// that nobody has checked in to yet.
func setMeetingSchedule(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "设置每周例会"); err != nil {
		return teambot.Reply{}, err
	}
	args := r.Args[1:]
	if len(args) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上例会时间，例如 /会议 设置 周一 10:00；不再开例会就发 /会议 设置 关闭。")
	}
	if len(args) == 1 && (args[0].Text == "关闭" || args[0].Text == "off" || args[0].Text == "无") {
		if err := r.Tx.ClearMeetingSchedule(ctx, r.Team.ID); err != nil {
			return teambot.Reply{}, err
		}
		n, err := r.dropWeekly(ctx, nil, "每周例会已关闭")
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
	s, err := parseMeetingSchedule(args)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.SetMeetingSchedule(ctx, r.Team.ID, s, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if _, err := r.dropWeekly(ctx, &s, "例会时间改为每"+weekdaysCN[s.Weekday]+" "+s.Clock()); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.schedule", r.ChatID, fmt.Sprintf("每%s %s", weekdaysCN[s.Weekday], s.Clock())); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("每周例会定在每%s %s，每次 %d 小时。", weekdaysCN[s.Weekday], s.Clock(), int(teambot.DefaultMeetingDuration/time.Hour))
	if ok {
		text += fmt.Sprintf("下次会议：%s。", r.meetingWhen(m))
	}
	return teambot.Reply{Text: text}, nil
}

// dropWeekly cancels the weekly occurrences not yet started that nobody has
// checked in to and that do not fit keep (nil: the schedule was closed);
// the one that fits a new schedule is created when needed.
func (r *Request) dropWeekly(ctx context.Context, keep *teambot.MeetingSchedule, note string) (int, error) {
	list, err := r.Tx.Meetings(ctx, r.Team.ID, r.Now, time.Time{})
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
		att, err := r.Tx.MeetingAttendance(ctx, r.Team.ID, m.ID)
		if err != nil {
			return 0, err
		}
		if len(att) > 0 {
			continue
		}
		if err := r.Tx.CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingCancelled, r.UserID, note, r.Now); err != nil {
			return 0, err
		}
		if err := r.Audit(ctx, "meeting.cancel", r.ChatID, meetingDetail(m, r.Location())+" "+note); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// parseMeetingSchedule reads a weekday and a time of day (周一 10:00,
// 星期一 10点, mon 10:00).
func parseMeetingSchedule(args []teambot.Arg) (teambot.MeetingSchedule, error) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Text
	}
	text := strings.Join(parts, " ")
	m := deadlinePattern.FindStringSubmatch(text)
	if m == nil {
		return teambot.MeetingSchedule{}, teambot.Invalid("看不懂例会时间「%s」，请写成 星期几 和 时:分，例如 /会议 设置 周一 10:00。", clip(text))
	}
	hour, _ := strconv.Atoi(m[3])
	minute, _ := strconv.Atoi(m[4])
	if (m[2] == "下午" || m[2] == "晚上") && hour < 12 {
		hour += 12
	}
	s := teambot.MeetingSchedule{Weekday: weekdayWords[strings.ToLower(m[1])], Hour: hour, Minute: minute}
	if !s.Valid() {
		return teambot.MeetingSchedule{}, teambot.Invalid("例会时间「%s」不是有效的时刻：小时 0–23，分钟 0–59，例如 /会议 设置 周一 10:00。", clip(text))
	}
	return s, nil
}

// parseMeetingClock reads a time of day: 15:00, 15点, 15点30, 9:30.
func parseMeetingClock(s, half string) (hh, mm int, ok bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "分"), "点")
	if h, m, found := strings.Cut(s, "点"); found {
		if len(m) == 1 {
			m = "0" + m
		}
		s = h + ":" + m
	} else if !strings.Contains(s, ":") {
		s += ":00"
	}
	if hh, mm, ok = parseClock(s); ok && half == teambot.HalfAfternoon && hh < 12 {
		hh += 12
	}
	return hh, mm, ok
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
func callMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	const how = "请写成 /会议 通知 日期 时间 议程，例如 /会议 通知 明天 15:00 双十二活动分工。"
	if err := r.needSupervisor(ctx, "召集会议"); err != nil {
		return teambot.Reply{}, err
	}
	words := restWords(r.Rest)
	if len(words) < 2 {
		return teambot.Reply{}, teambot.Invalid("%s", how)
	}
	today := r.Today()
	span, rest, err := parseDateSpan(wordTexts(words[1:]), today)
	if err != nil {
		return teambot.Reply{}, err
	}
	if span.To != span.From {
		return teambot.Reply{}, teambot.Invalid("会议只能在一天里开，不能写日期范围。%s", how)
	}
	if len(rest) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上开会时间。%s", how)
	}
	hh, mm, ok := parseMeetingClock(rest[0], span.Half)
	if !ok {
		return teambot.Reply{}, teambot.Invalid("看不懂开会时间「%s」。%s", clip(rest[0]), how)
	}
	agenda := textFrom(r.Rest, words, rest[1:])
	if err := checkAgenda(agenda, "请写上议程。"+how); err != nil {
		return teambot.Reply{}, err
	}
	start := time.Date(span.From.Year, span.From.Month, span.From.Day, hh, mm, 0, 0, r.Location())
	if !start.After(r.Now) {
		return teambot.Reply{}, teambot.Invalid("%s 已经过去了（现在是 %s），请写以后的时间。", r.meetingWhen(teambot.Meeting{StartsAt: start}), r.moment(r.Now))
	}
	m := teambot.Meeting{TeamID: r.Team.ID, StartsAt: start, Agenda: agenda, CreatedBy: r.UserID, CreatedAt: r.Now}
	if err := r.Tx.CreateMeeting(ctx, &m); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("%s 已经有一个会议了。要改议程请用 /会议 议程 内容；发送 /会议 查看。", r.meetingWhen(m))
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.create", r.ChatID, meetingDetail(m, r.Location())+" 临时会议"); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已安排会议 #%d：%s–%s，议程：%s\n请在 %s 到 %s 之间发送 /签到，%s 以后算迟到。",
		m.ID, r.meetingWhen(m), r.clockOf(m.EndsAt()), agenda, r.clockOf(checkInOpens(m)), r.clockOf(m.EndsAt()), r.clockOf(m.StartsAt.Add(teambot.LateAfter)))}, nil
}

// setMeetingAgenda is /会议 议程 TEXT (supervisor): the next meeting's agenda.
func setMeetingAgenda(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "设置议程"); err != nil {
		return teambot.Reply{}, err
	}
	var agenda string
	if words := restWords(r.Rest); len(words) > 1 {
		agenda = freeText(r.Rest[words[1].at:])
	}
	if err := checkAgenda(agenda, "请写上议程，例如 /会议 议程 双十二活动分工；各模块负责人先交周报。"); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("还没有安排会议，无法设置议程。请先 /会议 设置 周一 10:00 设定例会，或 /会议 通知 日期 时间 议程 召集会议。")
	}
	if err := r.Tx.SetMeetingAgenda(ctx, r.Team.ID, m.ID, agenda); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.agenda", r.ChatID, meetingDetail(m, r.Location())); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已更新 %s 会议的议程：%s", r.meetingWhen(m), agenda)}, nil
}

// checkIn is /签到: the caller checks in to the meeting whose check-in is
// open.
func checkIn(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needTeam(); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("现在没有可以签到的会议：还没有安排会议。发送 /会议 查看；没带手机或错过签到的，可以请主管用 /会议 点名 @名字 记为出席。")
	}
	if r.Now.Before(checkInOpens(m)) {
		return teambot.Reply{}, teambot.Invalid("现在还不能签到。下次会议 %s 开始，签到时间是 %s 到 %s（会前 %d 分钟到会议结束）。",
			r.meetingWhen(m), r.moment(checkInOpens(m)), r.clockOf(m.EndsAt()), int(teambot.CheckInEarly/time.Minute))
	}
	if a, found, err := r.attendanceOf(ctx, m, r.Caller.ID); err != nil {
		return teambot.Reply{}, err
	} else if found {
		return teambot.Reply{}, teambot.Conflict("你已经在 %s 签到了（%s），不用再签。", r.clockOf(a.At), attendanceCN(a.Status))
	}
	a := teambot.Attendance{MeetingID: m.ID, MemberID: r.Caller.ID, Status: teambot.AttendancePresent, At: r.Now, By: r.UserID}
	if r.Now.After(m.StartsAt.Add(teambot.LateAfter)) {
		a.Status = teambot.AttendanceLate
	}
	if err := r.Tx.RecordAttendance(ctx, r.Team.ID, a); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.checkin", r.UserID, meetingDetail(m, r.Location())+" "+a.Status); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("%s 已签到：%s 的会议", r.Caller.Name, r.meetingWhen(m))
	if a.Status == teambot.AttendanceLate {
		text += fmt.Sprintf("，迟到 %d 分钟。", int(r.Now.Sub(m.StartsAt)/time.Minute))
	} else {
		text += "。"
	}
	return teambot.Reply{Text: text}, nil
}

// attendanceOf is a member's record of a meeting, if there is one.
func (r *Request) attendanceOf(ctx context.Context, m teambot.Meeting, memberID int64) (teambot.Attendance, bool, error) {
	list, err := r.Tx.MeetingAttendance(ctx, r.Team.ID, m.ID)
	if err != nil {
		return teambot.Attendance{}, false, err
	}
	for _, a := range list {
		if a.MemberID == memberID {
			return a, true, nil
		}
	}
	return teambot.Attendance{}, false, nil
}

// rollCall is /会议 点名 @A @B (supervisor): marks members present at the
// meeting running now, for those who attended without checking in.
func rollCall(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "点名"); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) < 2 {
		return teambot.Reply{}, teambot.Invalid("请写上到会的成员，例如 /会议 点名 @张三 @李四。")
	}
	m, ok, err := r.openMeeting(ctx, checkInOpens)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("现在没有进行中的会议，点名要在会前 %d 分钟到会议结束（/会议 结束）之间。发送 /会议 查看下次会议。", int(teambot.CheckInEarly/time.Minute))
	}
	var marked, already []string
	seen := map[int64]bool{}
	for _, arg := range r.Args[1:] {
		mem, err := r.member(ctx, arg)
		if err != nil {
			return teambot.Reply{}, err
		}
		if seen[mem.ID] {
			continue
		}
		seen[mem.ID] = true
		if a, found, err := r.attendanceOf(ctx, m, mem.ID); err != nil {
			return teambot.Reply{}, err
		} else if found {
			already = append(already, fmt.Sprintf("%s（%s）", mem.Name, attendanceCN(a.Status)))
			continue
		}
		a := teambot.Attendance{MeetingID: m.ID, MemberID: mem.ID, Status: teambot.AttendancePresent, At: r.Now, By: r.UserID}
		if err := r.Tx.RecordAttendance(ctx, r.Team.ID, a); err != nil {
			return teambot.Reply{}, err
		}
		if err := r.Audit(ctx, "meeting.roll", mem.UserID, meetingDetail(m, r.Location())+" present"); err != nil {
			return teambot.Reply{}, err
		}
		marked = append(marked, mem.Name)
	}
	text := fmt.Sprintf("%s 的会议点名：", r.meetingWhen(m))
	if len(marked) > 0 {
		text += strings.Join(marked, "、") + " 记为出席。"
	}
	if len(already) > 0 {
		text += "已有记录，未改：" + strings.Join(already, "、") + "。"
	}
	return teambot.Reply{Text: text}, nil
}

// closeMeeting is /会议 结束 (supervisor): the latest meeting that has
// started is held; everyone not recorded is excused (approved leave that
// covers it) or absent; the summary goes to the group. Then R12: a member
// whose two latest held meetings are both unexcused absences gets one
// proposal, shown in a single chat only.
func closeMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "结束会议"); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.openMeeting(ctx, meetingStart)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		if next, found, err := r.nextMeeting(ctx); err != nil {
			return teambot.Reply{}, err
		} else if found {
			return teambot.Reply{}, teambot.Invalid("会议还没开始（%s 开始），开始后才能结束。要取消请用 /会议 取消 理由。", r.meetingWhen(next))
		}
		return teambot.Reply{}, teambot.NotFound("没有进行中的会议可以结束。发送 /会议 查看。")
	}
	loc := r.Location()
	recorded, err := r.Tx.MeetingAttendance(ctx, r.Team.ID, m.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	status := map[int64]string{}
	for _, a := range recorded {
		status[a.MemberID] = a.Status
	}
	day := teambot.DateOf(m.StartsAt.In(loc))
	away, err := r.onLeave(ctx, day, day)
	if err != nil {
		return teambot.Reply{}, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	half := teambot.HalfMorning
	if m.StartsAt.In(loc).Hour() >= 12 {
		half = teambot.HalfAfternoon
	}
	names := map[string][]string{}
	var absent []teambot.Member
	for _, mem := range members {
		if mem.JoinedAt.After(m.StartsAt) {
			continue
		}
		s, found := status[mem.ID]
		if !found {
			switch {
			case mem.ID == r.Caller.ID:
				s = teambot.AttendancePresent // the supervisor ran the meeting
			case excusedBy(away[mem.ID], day, half):
				s = teambot.AttendanceExcused
			default:
				s = teambot.AttendanceAbsent
				absent = append(absent, mem)
			}
			a := teambot.Attendance{MeetingID: m.ID, MemberID: mem.ID, Status: s, At: r.Now, By: r.UserID}
			if err := r.Tx.RecordAttendance(ctx, r.Team.ID, a); err != nil {
				return teambot.Reply{}, err
			}
		}
		names[s] = append(names[s], mem.Name)
	}
	if err := r.Tx.CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingHeld, r.UserID, "", r.Now); err != nil {
		return teambot.Reply{}, err
	}
	counts := fmt.Sprintf("出席 %d 迟到 %d 请假 %d 缺席 %d", len(names[teambot.AttendancePresent]), len(names[teambot.AttendanceLate]),
		len(names[teambot.AttendanceExcused]), len(names[teambot.AttendanceAbsent]))
	if err := r.Audit(ctx, "meeting.close", r.ChatID, meetingDetail(m, loc)+" "+counts); err != nil {
		return teambot.Reply{}, err
	}
	proposals, err := r.proposeWarnings(ctx, absent)
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的会议已结束。", r.meetingWhen(m))
	for _, s := range []string{teambot.AttendancePresent, teambot.AttendanceLate, teambot.AttendanceExcused, teambot.AttendanceAbsent} {
		fmt.Fprintf(&b, "\n%s %d 人", attendanceCN(s), len(names[s]))
		if len(names[s]) > 0 {
			b.WriteString("：" + strings.Join(names[s], "、"))
		}
	}
	if len(names[teambot.AttendanceAbsent]) > 0 {
		fmt.Fprintf(&b, "\n对缺席有异议的，请在会议结束后 %d 小时内发送 /会议 申诉 %s 理由。", int(teambot.DisputeWindow/time.Hour), monthDay(day))
	}
	if len(proposals) > 0 {
		if r.Single() {
			for _, p := range proposals {
				b.WriteString("\n" + r.proposalLine(p))
			}
		} else {
			b.WriteString("\n主管请在单聊中查看缺勤提醒（/会议 建议）。")
		}
	}
	return teambot.Reply{Text: b.String()}, nil
}

// excusedBy reports whether approved leave covers a meeting on day that
// starts in half of it.
func excusedBy(ls []teambot.Leave, day teambot.Date, half string) bool {
	for _, l := range ls {
		if l.Covers(day) && (l.Whole() || l.Half == half) {
			return true
		}
	}
	return false
}

// proposeWarnings stores, for each member just recorded absent whose two
// latest held meetings are both unexcused absences, a proposal to warn
// them (R12), once per member and second absence. Cancelled meetings are
// never held, so they neither break nor extend a streak.
func (r *Request) proposeWarnings(ctx context.Context, absent []teambot.Member) ([]teambot.MeetingProposal, error) {
	var out []teambot.MeetingProposal
	for _, mem := range absent {
		last, err := r.Tx.MemberAttendance(ctx, r.Team.ID, mem.ID, 2)
		if err != nil {
			return nil, err
		}
		if len(last) < 2 || last[0].Status != teambot.AttendanceAbsent || last[1].Status != teambot.AttendanceAbsent {
			continue
		}
		p := teambot.MeetingProposal{TeamID: r.Team.ID, MemberID: mem.ID, UserID: mem.UserID, Name: mem.Name,
			FirstMeetingID: last[1].MeetingID, SecondMeetingID: last[0].MeetingID,
			FirstAt: last[1].StartsAt, SecondAt: last[0].StartsAt, CreatedAt: r.Now}
		created, err := r.Tx.CreateMeetingProposal(ctx, &p)
		if err != nil {
			return nil, err
		}
		if !created {
			continue
		}
		loc := r.Location()
		if err := r.Audit(ctx, "meeting.propose", mem.UserID, fmt.Sprintf("#%d 连续缺席 %s、%s", p.ID,
			p.FirstAt.In(loc).Format(time.DateOnly), p.SecondAt.In(loc).Format(time.DateOnly))); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// proposalLine is one open proposal for the supervisor, with the command
// that will confirm it once the ledger exists.
func (r *Request) proposalLine(p teambot.MeetingProposal) string {
	today := r.Today()
	first := describeDay(teambot.DateOf(p.FirstAt.In(r.Location())), today)
	second := describeDay(teambot.DateOf(p.SecondAt.In(r.Location())), today)
	return fmt.Sprintf("缺勤提醒 #%d：%s 连续两次会议无故缺席（%s、%s），建议警告。确认请发送 /惩处 确认 %d（奖惩记录功能上线后可用）；在你确认之前不会记任何处分。",
		p.ID, p.Name, first, second, p.ID)
}

// cancelMeeting is /会议 取消 REASON (supervisor): the next meeting is
// cancelled and never counts.
func cancelMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "取消会议"); err != nil {
		return teambot.Reply{}, err
	}
	var reason string
	if words := restWords(r.Rest); len(words) > 1 {
		reason = freeText(r.Rest[words[1].at:])
	}
	if err := checkLeaveReason(reason, "请写上取消的原因，例如 /会议 取消 团建改期。"); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("没有可以取消的会议。发送 /会议 查看。")
	}
	if err := r.Tx.CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingCancelled, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.cancel", r.ChatID, meetingDetail(m, r.Location())); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已取消 %s 的会议，原因：%s。这次会议不计出勤。", r.meetingWhen(m), reason)}, nil
}

// listProposals is /会议 建议 (also /会议 提醒), for the supervisor in a
// single chat: the open proposals to warn a member (R12, R14).
func listProposals(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needSupervisor(ctx, "查看缺勤提醒"); err != nil {
		return teambot.Reply{}, err
	}
	if !r.Single() {
		return teambot.Reply{}, teambot.Invalid("缺勤提醒只在单聊中查看：请私聊我发送 /会议 建议。")
	}
	open, err := r.Tx.MeetingProposals(ctx, r.Team.ID, teambot.ProposalProposed)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(open) == 0 {
		return teambot.Reply{Text: "没有待处理的缺勤提醒。", Private: true}, nil
	}
	lines := make([]string, len(open))
	for i, p := range open {
		lines[i] = r.proposalLine(p)
	}
	return teambot.Reply{Text: strings.Join(lines, "\n"), Private: true}, nil
}

// dispute is /会议 申诉: a member disputes an absence (DATE REASON); the
// supervisor approves (批准 ID) or rejects (驳回 ID [REASON]) it; 列表 lists
// the pending ones.
func dispute(ctx context.Context, r *Request) (teambot.Reply, error) {
	if len(r.Args) < 2 {
		return teambot.Reply{}, teambot.Invalid("请写上缺席的会议日期和理由，例如 /会议 申诉 12月14日 那天在医院，有病历。")
	}
	switch strings.ToLower(r.Args[1].Text) {
	case "批准", "同意", "approve":
		return decideDispute(ctx, r, teambot.DisputeApproved)
	case "驳回", "拒绝", "reject":
		return decideDispute(ctx, r, teambot.DisputeRejected)
	case "列表", "list":
		return listDisputes(ctx, r)
	}
	return raiseDispute(ctx, r)
}

// raiseDispute is /会议 申诉 DATE REASON.
func raiseDispute(ctx context.Context, r *Request) (teambot.Reply, error) {
	today := r.Today()
	words := restWords(r.Rest)
	span, rest, err := parseDateSpan(wordTexts(words[1:]), today)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := textFrom(r.Rest, words, rest)
	if err := checkLeaveReason(reason, "请写上申诉理由，例如 /会议 申诉 12月14日 那天在医院，有病历。"); err != nil {
		return teambot.Reply{}, err
	}
	loc := r.Location()
	list, err := r.Tx.Meetings(ctx, r.Team.ID, span.From.In(loc), span.To.AddDate(0, 0, 1).In(loc).Add(-time.Second))
	if err != nil {
		return teambot.Reply{}, err
	}
	var m teambot.Meeting
	var other []string
	for _, g := range list {
		if g.Status != teambot.MeetingHeld {
			continue
		}
		a, found, err := r.attendanceOf(ctx, g, r.Caller.ID)
		if err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case found && a.Status == teambot.AttendanceAbsent:
			m = g
		case found:
			other = append(other, fmt.Sprintf("%s 的会议记为%s", r.meetingWhen(g), attendanceCN(a.Status)))
		}
	}
	switch {
	case m.ID == 0 && len(other) > 0:
		return teambot.Reply{}, teambot.Conflict("%s，不是缺席，不用申诉。", strings.Join(other, "；"))
	case m.ID == 0:
		return teambot.Reply{}, teambot.NotFound("%s没有你缺席的已结束会议。发送 /会议 记录 查看你的出勤记录。", span.Describe(today))
	}
	if deadline := m.EndsAt().Add(teambot.DisputeWindow); r.Now.After(deadline) {
		return teambot.Reply{}, teambot.Invalid("申诉要在会议结束后 %d 小时内提出（%s 的会议截止到 %s），已经过了。请直接和主管说明。",
			int(teambot.DisputeWindow/time.Hour), r.meetingWhen(m), r.moment(deadline))
	}
	d := teambot.MeetingDispute{TeamID: r.Team.ID, MeetingID: m.ID, MemberID: r.Caller.ID, Reason: reason, CreatedAt: r.Now}
	if err := r.Tx.CreateMeetingDispute(ctx, &d); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("你已经申诉过 %s 会议的缺席，每次会议只能申诉一次。发送 /会议 记录 查看结果。", r.meetingWhen(m))
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.dispute", r.UserID, fmt.Sprintf("#%d 会议 %s", d.ID, meetingDetail(m, loc))); err != nil {
		return teambot.Reply{}, err
	}
	reply := teambot.Reply{Text: fmt.Sprintf("已提交申诉 #%d：%s 会议的缺席，理由：%s。", d.ID, r.meetingWhen(m), reason)}
	switch sup, ok := r.supervisor(ctx); {
	case !ok:
		reply.Text += "团队还没有主管，指定主管后由主管处理。"
	case sup.ID == r.Caller.ID:
		reply.Text += fmt.Sprintf("你是主管，发送 /会议 申诉 批准 %d 记下。", d.ID)
	default:
		reply.Text += fmt.Sprintf("等待主管 %s 处理：/会议 申诉 批准 %d 或 /会议 申诉 驳回 %d 理由。", sup.Name, d.ID, d.ID)
		reply.Mentions = []string{sup.UserID}
	}
	return reply, nil
}

// decideDispute is /会议 申诉 批准 ID and /会议 申诉 驳回 ID [REASON]
// (supervisor). An approved dispute excuses the absence and dismisses any
// proposal built on it.
func decideDispute(ctx context.Context, r *Request, status string) (teambot.Reply, error) {
	verb := map[string]string{teambot.DisputeApproved: "批准", teambot.DisputeRejected: "驳回"}[status]
	if err := r.needSupervisor(ctx, verb+"申诉"); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) < 3 {
		return teambot.Reply{}, teambot.Invalid("请写上申诉的编号，例如 /会议 申诉 %s 1。发送 /会议 申诉 列表 查看编号。", verb)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Args[2].Text, "#"), 10, 64)
	if err != nil || id <= 0 {
		return teambot.Reply{}, teambot.Invalid("「%s」不是申诉的编号，编号是数字，例如 /会议 申诉 %s 1。", clip(r.Args[2].Text), verb)
	}
	d, err := r.Tx.MeetingDisputeByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, teambot.NotFound("没有编号 #%d 的申诉。发送 /会议 申诉 列表 查看编号。", id)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if d.Status != teambot.DisputePending {
		return teambot.Reply{}, teambot.Conflict("申诉 #%d 已经在 %s %s了，不能再改。", d.ID, r.moment(d.DecidedAt), disputeStatusCN(d.Status))
	}
	var note string
	if words := restWords(r.Rest); len(words) > 3 {
		note = freeText(r.Rest[words[3].at:])
	}
	if note != "" {
		if err := checkLeaveReason(note, ""); err != nil {
			return teambot.Reply{}, err
		}
	}
	if err := r.Tx.DecideMeetingDispute(ctx, r.Team.ID, d.ID, status, r.UserID, note, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	when := r.meetingWhen(teambot.Meeting{StartsAt: d.StartsAt})
	detail := fmt.Sprintf("#%d 会议 #%d", d.ID, d.MeetingID)
	text := fmt.Sprintf("已驳回 %s 的申诉 #%d：%s 会议仍记为缺席。", d.Name, d.ID, when)
	if status == teambot.DisputeApproved {
		if err := r.Tx.ExcuseAbsence(ctx, r.Team.ID, d.MeetingID, d.MemberID, r.UserID, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		n, err := r.Tx.DismissMeetingProposals(ctx, r.Team.ID, d.MemberID, d.MeetingID, r.UserID, r.Now)
		if err != nil {
			return teambot.Reply{}, err
		}
		if n > 0 {
			detail += fmt.Sprintf("，撤回缺勤提醒 %d 条", n)
		}
		text = fmt.Sprintf("已批准 %s 的申诉 #%d：%s 的会议改记为请假，不算缺席。", d.Name, d.ID, when)
		if n > 0 && r.Single() {
			text += fmt.Sprintf("据此提出的缺勤提醒 %d 条已撤回。", n)
		}
		// A warning already confirmed on this absence stays in the ledger
		// (entries are never changed): point the supervisor at revoking it.
		entries, err := r.Tx.LedgerEntries(ctx, teambot.LedgerFilter{TeamID: r.Team.ID, MemberID: d.MemberID})
		if err != nil {
			return teambot.Reply{}, err
		}
		proposals, err := r.Tx.MeetingProposals(ctx, r.Team.ID, teambot.ProposalConfirmed)
		if err != nil {
			return teambot.Reply{}, err
		}
		for _, p := range proposals {
			if p.MemberID != d.MemberID || (p.FirstMeetingID != d.MeetingID && p.SecondMeetingID != d.MeetingID) {
				continue
			}
			for _, e := range entries {
				switch {
				case e.ProposalID != p.ID || e.RevokedBy != 0:
				case r.Single():
					text += fmt.Sprintf("注意：据这次缺席确认的警告 #%d 仍在记录里，如需撤销请发送 /惩处 撤销 %d 理由。", e.ID, e.ID)
				default: // the ledger is private (R14)
					text += "另有据这次缺席作出的记录需要主管处理，请私聊我发送 /记录 全部 查看。"
				}
			}
		}
	}
	if err := r.Audit(ctx, "meeting.dispute."+map[string]string{teambot.DisputeApproved: "approve", teambot.DisputeRejected: "reject"}[status], d.UserID, detail); err != nil {
		return teambot.Reply{}, err
	}
	if r.Single() {
		if note != "" {
			text += "说明：" + note + "。"
		}
		return teambot.Reply{Text: text + fmt.Sprintf("这是私聊，%s 不会收到通知，请另行告知。", d.Name)}, nil
	}
	return teambot.Reply{Text: text, Mentions: []string{d.UserID}}, nil
}

// listDisputes is /会议 申诉 列表: the supervisor sees the team's pending
// disputes, a member their own; reasons are shown, so the reply is
// private.
func listDisputes(ctx context.Context, r *Request) (teambot.Reply, error) {
	list, err := r.Tx.MeetingDisputes(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	var lines []string
	for _, d := range list {
		switch {
		case r.Caller.IsSupervisor() && d.Status == teambot.DisputePending:
			lines = append(lines, fmt.Sprintf("#%d %s · %s 会议 · 理由：%s", d.ID, d.Name, r.meetingWhen(teambot.Meeting{StartsAt: d.StartsAt}), d.Reason))
		case !r.Caller.IsSupervisor() && d.MemberID == r.Caller.ID:
			lines = append(lines, fmt.Sprintf("#%d %s 会议 · %s · 理由：%s", d.ID, r.meetingWhen(teambot.Meeting{StartsAt: d.StartsAt}), disputeStatusCN(d.Status), d.Reason))
		}
	}
	title := "你的申诉"
	if r.Caller.IsSupervisor() {
		title = "待处理的申诉"
	}
	if len(lines) == 0 {
		return teambot.Reply{Text: title + "：没有。", Private: true}, nil
	}
	return teambot.Reply{Text: fmt.Sprintf("%s（%d 条）：\n%s", title, len(lines), strings.Join(lines, "\n")), Private: true}, nil
}

// attendanceHistory is /会议 记录 [@Name]: the last meetings a member was
// counted for. A member sees their own; the supervisor anyone's. The
// reply is private (R14).
func attendanceHistory(ctx context.Context, r *Request) (teambot.Reply, error) {
	who := *r.Caller
	if len(r.Args) > 1 {
		m, err := r.member(ctx, r.Args[1])
		if err != nil {
			return teambot.Reply{}, err
		}
		if m.ID != r.Caller.ID && !r.Caller.IsSupervisor() {
			return teambot.Reply{}, teambot.Forbidden("只能查看自己的出勤记录（发送 /会议 记录）；别人的记录只有主管可以查看%s。", r.supervisorHint(ctx))
		}
		who = m
	}
	list, err := r.Tx.MemberAttendance(ctx, r.Team.ID, who.ID, historyLength)
	if err != nil {
		return teambot.Reply{}, err
	}
	disputes, err := r.Tx.MeetingDisputes(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	byMeeting := map[int64]teambot.MeetingDispute{}
	for _, d := range disputes {
		if d.MemberID == who.ID {
			byMeeting[d.MeetingID] = d
		}
	}
	whose := who.Name
	if who.ID == r.Caller.ID {
		whose = "你"
	}
	if len(list) == 0 {
		return teambot.Reply{Text: whose + "还没有已结束会议的出勤记录。", Private: true}, nil
	}
	counts := map[string]int{}
	var b strings.Builder
	fmt.Fprintf(&b, "%s最近 %d 次会议的出勤：", whose, len(list))
	for _, a := range list {
		counts[a.Status]++
		fmt.Fprintf(&b, "\n%s %s", r.meetingWhen(teambot.Meeting{StartsAt: a.StartsAt}), attendanceCN(a.Status))
		if a.Status == teambot.AttendanceLate {
			fmt.Fprintf(&b, "（%s 签到）", r.clockOf(a.At))
		}
		if d, ok := byMeeting[a.MeetingID]; ok {
			fmt.Fprintf(&b, "（申诉 #%d %s）", d.ID, disputeStatusCN(d.Status))
		}
	}
	fmt.Fprintf(&b, "\n合计：出席 %d，迟到 %d，请假 %d，缺席 %d。", counts[teambot.AttendancePresent], counts[teambot.AttendanceLate],
		counts[teambot.AttendanceExcused], counts[teambot.AttendanceAbsent])
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// attendanceCN names an attendance status for users.
func attendanceCN(status string) string {
	switch status {
	case teambot.AttendancePresent:
		return "出席"
	case teambot.AttendanceLate:
		return "迟到"
	case teambot.AttendanceExcused:
		return "请假"
	case teambot.AttendanceAbsent:
		return "缺席"
	}
	return status
}

// disputeStatusCN names a dispute status for users.
func disputeStatusCN(status string) string {
	switch status {
	case teambot.DisputePending:
		return "待处理"
	case teambot.DisputeApproved:
		return "已批准"
	case teambot.DisputeRejected:
		return "已驳回"
	}
	return status
}
