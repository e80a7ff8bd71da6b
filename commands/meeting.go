package commands

import (
	"context"
	"errors"
	"fmt"
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
//   - Disputes may be raised, and 点名 corrects a held meeting, until
//     teambot.DisputeWindow (48 h) after the meeting's end or close,
//     whichever is later (meeting_close.go).

const (
	// maxAgendaRunes is the longest agenda, in characters.
	maxAgendaRunes = 500
	// meetingLookback bounds how far back 会议 结束 looks for a meeting left open.
	meetingLookback = 14 * 24 * time.Hour
	// historyLength is how many meetings 会议 记录 shows.
	historyLength = 20
)

// meetingCommand is /会议 (R8-R12): without arguments, or with 下次, it
// shows the next meeting; its subcommands are the supervisor's (set the
// weekly meeting, call one, set the agenda, roll call, close, cancel, read
// the R12 proposals) and the members' (dispute an absence, read the
// attendance history).
func meetingCommand() *Command {
	disputeID := func(verb string) []ArgSpec {
		return []ArgSpec{{Kind: ArgID,
			Missing: "请写上申诉的编号，例如 /会议 申诉 " + verb + " 1。发送 /会议 申诉 列表 查看编号。",
			Bad:     "「%s」不是申诉的编号，编号是数字，例如 /会议 申诉 " + verb + " 1。"}}
	}
	window := int(teambot.DisputeWindow / time.Hour)
	return &Command{
		Name: "meeting", Chinese: "会议", Aliases: []string{"meetings"},
		Summary:  "查看下次会议；主管设置每周例会、召集会议、定议程、点名、结束或取消会议；成员申诉缺席、查看出勤记录",
		Usage:    "[下次]",
		Examples: []string{"/会议", "/会议 设置 周一 10:00", "/会议 设置 每周二 下午3点 90分钟", "/会议 通知 明天 15:00 双十二活动分工", "/会议 议程 复盘双十一；各模块先交周报", "/会议 点名 @张三", "/会议 结束", "/会议 取消 团建改期", "/会议 申诉 12月14日 那天在医院", "/会议 记录"},
		Who:      Member, Handler: showMeeting,
		Sub: []*Command{
			{Name: "set", Chinese: "设置", Usage: "周一 10:00 [时长]", Summary: "设定每周例会的时间和时长",
				Who: Supervisor, Forbidden: onlySupervisor("设置每周例会"), Handler: setMeetingSchedule,
				Sub: []*Command{
					{Name: "off", Chinese: "关闭", Aliases: []string{"无"}, Summary: "不再开每周例会（临时会议不受影响）",
						Who: Supervisor, Forbidden: onlySupervisor("设置每周例会"), Handler: closeMeetingSchedule},
				}},
			{Name: "notice", Chinese: "通知", Aliases: []string{"安排"}, Usage: "日期 时间 议程", Summary: "召集临时会议",
				Who: Supervisor, Forbidden: onlySupervisor("召集会议"), Handler: callMeeting},
			{Name: "agenda", Chinese: "议程", Usage: "内容", Summary: "设置下次会议的议程",
				Who: Supervisor, Forbidden: onlySupervisor("设置议程"), Handler: setMeetingAgenda},
			{Name: "roll", Chinese: "点名", Usage: "@名字…", Summary: fmt.Sprintf("把到会但没签到的成员记为出席；会后 %d 小时内可更正", window),
				Who: Supervisor, Forbidden: onlySupervisor("点名"), Handler: rollCall},
			{Name: "close", Chinese: "结束", Aliases: []string{"end"}, Summary: "结束会议，记下出勤",
				Who: Supervisor, Forbidden: onlySupervisor("结束会议"), Handler: closeMeeting},
			{Name: "cancel", Chinese: "取消", Usage: "原因", Summary: "取消下次会议，这次不计出勤",
				Who: Supervisor, Forbidden: onlySupervisor("取消会议"), Handler: cancelMeeting},
			{Name: "proposals", Chinese: "建议", Aliases: []string{"提醒"}, Summary: "在单聊中查看缺勤提醒（R12）",
				Who: Supervisor, Forbidden: onlySupervisor("查看缺勤提醒"), Handler: listProposals},
			{Name: "dispute", Chinese: "申诉", Usage: "日期 理由", Summary: fmt.Sprintf("申诉缺席（会议结束后 %d 小时内）", window),
				Who: Member, Handler: raiseDispute,
				Sub: []*Command{
					{Name: "approve", Chinese: "批准", Aliases: []string{"同意"}, Usage: "编号", Summary: "批准申诉，缺席改记为请假",
						Who: Supervisor, Forbidden: onlySupervisor("批准申诉"), Args: disputeID("批准"),
						Handler: func(ctx context.Context, r *Request) (teambot.Reply, error) {
							return decideDispute(ctx, r, teambot.DisputeApproved)
						}},
					{Name: "reject", Chinese: "驳回", Aliases: []string{"拒绝"}, Usage: "编号 [说明]", Summary: "驳回申诉，仍记为缺席",
						Who: Supervisor, Forbidden: onlySupervisor("驳回申诉"), Args: disputeID("驳回"),
						Handler: func(ctx context.Context, r *Request) (teambot.Reply, error) {
							return decideDispute(ctx, r, teambot.DisputeRejected)
						}},
					{Name: "list", Chinese: "列表", Summary: "查看申诉（主管看待处理的，成员看自己的）",
						Who: Member, Handler: listDisputes},
				}},
			{Name: "history", Chinese: "记录", Usage: "[@名字]", Summary: "查看最近的出勤记录（别人的只有主管可以看）",
				Who: Member, Args: []ArgSpec{{Kind: ArgMember, Optional: true}}, Handler: attendanceHistory},
		},
	}
}

// checkInCommand is /签到: a member checks in to the meeting under way.
func checkInCommand() *Command {
	return &Command{
		Name: "checkin", Chinese: "签到",
		Summary:  "会议签到：会前 15 分钟到会议结束之间，开始 10 分钟后算迟到",
		Examples: []string{"/签到", "/checkin"},
		Who:      Member, Handler: checkIn,
	}
}

// showMeeting is /会议 and /会议 下次; any other first word names no
// subcommand.
func showMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) > 0 {
		if w := strings.ToLower(r.Args[0].Text); w != "下次" && w != "next" {
			return teambot.Reply{}, usageError(r.Command, fmt.Sprintf("没有「%s」这个会议操作。", clip(r.Args[0].Text)))
		}
	}
	return showNextMeeting(ctx, r)
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
		if !ok || start.Add(s.Duration()).Before(r.Now) {
			continue // no workday that week, or already over
		}
		existing, err := r.Tx.Meetings(ctx, r.Team.ID, start, start)
		if err != nil {
			return err
		}
		if len(existing) == 0 {
			m := teambot.Meeting{TeamID: r.Team.ID, StartsAt: start, Duration: s.Duration(), Weekly: true, CreatedBy: "system", CreatedAt: r.Now}
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
	return r.moment(m.StartsAt)
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

// closeMeetingSchedule is /会议 设置 关闭 (supervisor): no more weekly
// meetings; the occurrences already created that nobody has checked in to
// are cancelled. Words after 关闭 make it a time that setMeetingSchedule
// refuses, as it always has.
func closeMeetingSchedule(ctx context.Context, r *Request) (teambot.Reply, error) {
	if len(r.Params) > 0 {
		return setMeetingSchedule(ctx, r)
	}
	if err := r.Tx.ClearMeetingSchedule(ctx, r.Team.ID); err != nil {
		return teambot.Reply{}, err
	}
	n, err := r.dropWeekly(ctx, nil, weeklyClosedNote)
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
func setMeetingSchedule(ctx context.Context, r *Request) (teambot.Reply, error) {
	// Every word after 设置, 关闭 too when closeMeetingSchedule passes it on.
	args := r.Args[1:]
	if len(args) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上例会时间，例如 /会议 设置 周一 10:00；不再开例会就发 /会议 设置 关闭。")
	}
	s, err := parseMeetingSchedule(args)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Tx.SetMeetingSchedule(ctx, r.Team.ID, s, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.reopenWeekly(ctx, s); err != nil {
		return teambot.Reply{}, err
	}
	if _, err := r.dropWeekly(ctx, &s, weeklyMovedNote+"每"+weekdaysCN[s.Weekday]+" "+s.Clock()); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.schedule", r.ChatID, fmt.Sprintf("每%s %s", weekdaysCN[s.Weekday], s.Clock())); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := r.nextMeeting(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	if ok && m.Agenda == "" {
		// The occurrence moved here keeps the agenda it had.
		if old, moved, err := r.movedFrom(ctx, m); err != nil {
			return teambot.Reply{}, err
		} else if moved && old.Agenda != "" {
			if err := r.Tx.SetMeetingAgenda(ctx, r.Team.ID, m.ID, old.Agenda); err != nil {
				return teambot.Reply{}, err
			}
		}
	}
	text := fmt.Sprintf("每周例会定在每%s %s，每次 %s。", weekdaysCN[s.Weekday], s.Clock(), lengthCN(s.Duration()))
	if ok {
		text += fmt.Sprintf("下次会议：%s。", r.meetingWhen(m))
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
func (r *Request) reopenWeekly(ctx context.Context, s teambot.MeetingSchedule) error {
	list, err := r.Tx.Meetings(ctx, r.Team.ID, r.Now, time.Time{})
	if err != nil {
		return err
	}
	cal, err := r.calendar(ctx)
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
		if err := r.Tx.ReopenMeeting(ctx, r.Team.ID, m.ID); err != nil {
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
func (r *Request) movedFrom(ctx context.Context, m teambot.Meeting) (teambot.Meeting, bool, error) {
	if !m.Weekly {
		return teambot.Meeting{}, false, nil
	}
	week := teambot.WeekOf(m.StartsAt.In(r.Location()))
	list, err := r.Tx.Meetings(ctx, r.Team.ID, week.Start(r.Location()), week.End(r.Location()))
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
	hh, mm, ok := parseTimeOfDay(rest[0], span.Half)
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
// meeting running now, for those who attended without checking in; with
// none running, it corrects the last held one (see correctAttendance).
func rollCall(ctx context.Context, r *Request) (teambot.Reply, error) {
	if len(r.Params) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上到会的成员，例如 /会议 点名 @张三 @李四。")
	}
	m, ok, err := r.openMeeting(ctx, checkInOpens)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return correctAttendance(ctx, r)
	}
	var marked, already []string
	seen := map[int64]bool{}
	for _, arg := range r.Params {
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
	m, ok, err := r.openMeeting(ctx, meetingStart)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		if last, found, err := r.lastHeld(ctx); err != nil {
			return teambot.Reply{}, err
		} else if found && !r.Now.After(correctionDeadline(last)) {
			return teambot.Reply{}, teambot.Conflict("%s 的会议已在 %s 结束，出勤已记下。有误的请在 %s 前用 /会议 点名 @名字 改记为出席。",
				r.meetingWhen(last), r.moment(last.ClosedAt), r.moment(correctionDeadline(last)))
		}
		if next, found, err := r.nextMeeting(ctx); err != nil {
			return teambot.Reply{}, err
		} else if found {
			return teambot.Reply{}, teambot.Invalid("会议还没开始（%s 开始），开始后才能结束。要取消请用 /会议 取消 理由。", r.meetingWhen(next))
		}
		return teambot.Reply{}, teambot.NotFound("没有进行中的会议可以结束。发送 /会议 查看。")
	}
	h, err := r.holdMeeting(ctx, m, r.Caller.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := r.closeSummary(m, h)
	switch {
	case len(h.proposals) > 0 && r.Single():
		for _, p := range h.proposals {
			text += "\n" + r.proposalLine(p)
		}
	case len(h.proposals) > 0:
		told, err := r.tellSupervisorProposals(ctx, h.proposals, "meeting.propose "+meetingDetail(m, r.Location()))
		if err != nil {
			return teambot.Reply{}, err
		}
		text += told
	}
	return teambot.Reply{Text: text}, nil
}

// heldMeeting is what closing a meeting recorded: the names by attendance
// status and the R12 proposals it made.
type heldMeeting struct {
	names     map[string][]string
	proposals []teambot.MeetingProposal
}

// holdMeeting closes m as held, as /会议 结束 and the close at its end do:
// everyone not recorded is excused (approved leave that covers it) or
// absent, except ranBy (the supervisor who closes it, counted present: they
// ran it; 0 for none); then R12 proposals are made.
func (r *Request) holdMeeting(ctx context.Context, m teambot.Meeting, ranBy int64) (heldMeeting, error) {
	h := heldMeeting{names: map[string][]string{}}
	loc := r.Location()
	recorded, err := r.Tx.MeetingAttendance(ctx, r.Team.ID, m.ID)
	if err != nil {
		return h, err
	}
	status := map[int64]string{}
	for _, a := range recorded {
		status[a.MemberID] = a.Status
	}
	day := teambot.DateOf(m.StartsAt.In(loc))
	away, err := r.onLeave(ctx, day, day)
	if err != nil {
		return h, err
	}
	members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
	if err != nil {
		return h, err
	}
	half := meetingHalf(m, loc)
	var absent []teambot.Member
	for _, mem := range members {
		if mem.JoinedAt.After(m.StartsAt) {
			continue
		}
		s, found := status[mem.ID]
		if !found {
			switch {
			case mem.ID == ranBy:
				s = teambot.AttendancePresent
			case excusedBy(away[mem.ID], day, half):
				s = teambot.AttendanceExcused
			default:
				s = teambot.AttendanceAbsent
				absent = append(absent, mem)
			}
			a := teambot.Attendance{MeetingID: m.ID, MemberID: mem.ID, Status: s, At: r.Now, By: r.UserID}
			if err := r.Tx.RecordAttendance(ctx, r.Team.ID, a); err != nil {
				return h, err
			}
		}
		h.names[s] = append(h.names[s], mem.Name)
	}
	if err := r.Tx.CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingHeld, r.UserID, "", r.Now); err != nil {
		return h, err
	}
	counts := fmt.Sprintf("出席 %d 迟到 %d 请假 %d 缺席 %d", len(h.names[teambot.AttendancePresent]), len(h.names[teambot.AttendanceLate]),
		len(h.names[teambot.AttendanceExcused]), len(h.names[teambot.AttendanceAbsent]))
	if err := r.Audit(ctx, "meeting.close", r.Team.ChatID, meetingDetail(m, loc)+" "+counts); err != nil {
		return h, err
	}
	h.proposals, err = r.proposeWarnings(ctx, absent)
	return h, err
}

// closeSummary is the attendance of a meeting just closed, by status,
// with how to dispute an absence.
func (r *Request) closeSummary(m teambot.Meeting, h heldMeeting) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的会议已结束。", r.meetingWhen(m))
	for _, s := range []string{teambot.AttendancePresent, teambot.AttendanceLate, teambot.AttendanceExcused, teambot.AttendanceAbsent} {
		fmt.Fprintf(&b, "\n%s %d 人", attendanceCN(s), len(h.names[s]))
		if len(h.names[s]) > 0 {
			b.WriteString("：" + strings.Join(h.names[s], "、"))
		}
	}
	if len(h.names[teambot.AttendanceAbsent]) > 0 {
		fmt.Fprintf(&b, "\n对缺席有异议的，请在会议结束后 %d 小时内发送 /会议 申诉 %s 理由。", int(teambot.DisputeWindow/time.Hour),
			monthDay(teambot.DateOf(m.StartsAt.In(r.Location()))))
	}
	return b.String()
}

// meetingHalf is the half of its day a meeting starts in, in loc: 上午
// before 12:00, 下午 from 12:00.
func meetingHalf(m teambot.Meeting, loc *time.Location) string {
	if m.StartsAt.In(loc).Hour() >= 12 {
		return teambot.HalfAfternoon
	}
	return teambot.HalfMorning
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
// never held, so they neither break nor extend a streak. A proposal starts
// the streak again: an absence already in one is never in another, so
// four absences in a row make two proposals, not three.
func (r *Request) proposeWarnings(ctx context.Context, absent []teambot.Member) ([]teambot.MeetingProposal, error) {
	var out []teambot.MeetingProposal
	if len(absent) == 0 {
		return nil, nil
	}
	earlier, err := r.Tx.MeetingProposals(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	proposed := map[[2]int64]bool{} // member, meeting
	for _, p := range earlier {
		proposed[[2]int64{p.MemberID, p.FirstMeetingID}] = true
		proposed[[2]int64{p.MemberID, p.SecondMeetingID}] = true
	}
	for _, mem := range absent {
		last, err := r.Tx.MemberAttendance(ctx, r.Team.ID, mem.ID, 2)
		if err != nil {
			return nil, err
		}
		if len(last) < 2 || last[0].Status != teambot.AttendanceAbsent || last[1].Status != teambot.AttendanceAbsent ||
			proposed[[2]int64{mem.ID, last[1].MeetingID}] {
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

// proposalLine is one open proposal for the supervisor: who, which
// meetings, and the ledger commands that confirm or dismiss it.
func (r *Request) proposalLine(p teambot.MeetingProposal) string {
	today := r.Today()
	first := describeDay(teambot.DateOf(p.FirstAt.In(r.Location())), today)
	second := describeDay(teambot.DateOf(p.SecondAt.In(r.Location())), today)
	return fmt.Sprintf("缺勤提醒 #%d：%s 连续两次会议无故缺席（%s、%s），建议警告。确认请发送 /惩处 确认 %d，不同意请发送 /惩处 驳回 %d 理由；在你确认之前不会记任何处分。",
		p.ID, p.Name, first, second, p.ID, p.ID)
}

// tellSupervisorProposals sends new proposals to the supervisor
// privately (R12, R14): by app message, or, without app messages, by an
// @mention in the group that only says where to read them. It returns what
// the group may be told about them.
func (r *Request) tellSupervisorProposals(ctx context.Context, proposals []teambot.MeetingProposal, origin string) (string, error) {
	sup, ok := r.supervisor(ctx)
	if len(proposals) == 0 || !ok {
		return "", nil
	}
	if !r.engine.cfg.DirectMessages {
		const pointer = "\n主管请在单聊中查看缺勤提醒（/会议 建议）。"
		if r.UserID == sup.UserID {
			return pointer, nil
		}
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Mentions: []string{sup.UserID}, Origin: origin,
			Text: fmt.Sprintf("%s，有 %d 条新的缺勤提醒（R12），请私聊我发送 /会议 建议 查看。", sup.Name, len(proposals))}
		return pointer, r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
	}
	lines := make([]string, len(proposals))
	for i, p := range proposals {
		lines[i] = r.proposalLine(p)
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Origin: origin,
		Text: strings.Join(lines, "\n")}
	return "\n缺勤提醒已私信发给主管。", r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
}

// cancelMeeting is /会议 取消 REASON (supervisor): the next meeting is
// cancelled and never counts.
func cancelMeeting(ctx context.Context, r *Request) (teambot.Reply, error) {
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

// raiseDispute is /会议 申诉 DATE REASON: a member disputes an absence.
func raiseDispute(ctx context.Context, r *Request) (teambot.Reply, error) {
	if len(r.Params) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上缺席的会议日期和理由，例如 /会议 申诉 12月14日 那天在医院，有病历。")
	}
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
	if deadline := correctionDeadline(m); r.Now.After(deadline) {
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
	d, err := r.Tx.MeetingDisputeByID(ctx, r.Team.ID, r.ID)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, teambot.NotFound("没有编号 #%d 的申诉。发送 /会议 申诉 列表 查看编号。", r.ID)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if d.Status != teambot.DisputePending {
		return teambot.Reply{}, teambot.Conflict("申诉 #%d 已在 %s %s，不能再改。", d.ID, r.moment(d.DecidedAt), disputeVerb(d.Status))
	}
	note := freeText(r.Tail)
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
	text := fmt.Sprintf("已驳回 %s 的申诉 #%d：%s 的会议仍记为缺席。", d.Name, d.ID, when)
	notice := fmt.Sprintf("你对 %s 会议缺席的申诉 #%d 已被主管驳回，仍记为缺席。", when, d.ID)
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
		notice = fmt.Sprintf("你对 %s 会议缺席的申诉 #%d 已被主管批准，改记为请假，不算缺席。", when, d.ID)
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
	if note != "" {
		notice += "理由：" + note + "。"
		if r.Single() {
			text += "说明：" + note + "。"
		}
	}
	how, err := r.tellDisputer(ctx, d, notice)
	if err != nil {
		return teambot.Reply{}, err
	}
	if how == "" { // a group reply without app messages @mentions the member
		return teambot.Reply{Text: text, Mentions: []string{d.UserID}}, nil
	}
	return teambot.Reply{Text: text + how}, nil
}

// tellDisputer tells the member who raised d its decision privately
// (R14): by app message, else, when the decision was made in a single
// chat, by an @mention in the group that only says where to read it. It
// returns what to add to the supervisor's reply; "" when the reply itself,
// in the group, is to @mention the member.
func (r *Request) tellDisputer(ctx context.Context, d teambot.MeetingDispute, notice string) (string, error) {
	origin := fmt.Sprintf("meeting.dispute #%d", d.ID)
	switch {
	case r.engine.cfg.DirectMessages:
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{d.UserID}, Text: notice, Origin: origin}
		return fmt.Sprintf("已私信通知 %s。", d.Name), r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
	case r.Single():
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Mentions: []string{d.UserID}, Origin: origin,
			Text: fmt.Sprintf("%s，你的申诉 #%d 有结果了，请私聊我发送 /会议 申诉 列表 查看。", d.Name, d.ID)}
		return fmt.Sprintf("已在群里提醒 %s 私聊查看结果（群里不显示内容）。", d.Name), r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
	}
	return "", nil
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
	if r.Target.ID != 0 {
		// Whose record is read, not whether 记录 may be used: a member
		// may read their own.
		if r.Target.ID != r.Caller.ID && !r.Caller.IsSupervisor() {
			return teambot.Reply{}, teambot.Forbidden("只能查看自己的出勤记录（发送 /会议 记录）；别人的记录只有主管可以查看%s。", r.supervisorHint(ctx))
		}
		who = r.Target
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

// disputeVerb is what the supervisor did to a decided dispute: 批准 or 驳回.
func disputeVerb(status string) string {
	return strings.TrimPrefix(disputeStatusCN(status), "已")
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
