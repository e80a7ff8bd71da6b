package meeting

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
	"time"

	"teambot"
)

// Attendance (R12): check-in (/签到), roll call (/会议 点名), closing a
// meeting with its summary (/会议 结束), the leave that excuses an absence,
// and a member's attendance history (/会议 记录).

// checkIn is /签到: the caller checks in to the meeting whose check-in is
// open.
func checkIn(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	m, ok, err := nextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("现在没有可以签到的会议：还没有安排会议。发送 /会议 查看；没带手机或错过签到的，可以请主管用 /会议 点名 @名字 记为出席。")
	}
	if r.Now.Before(checkInOpens(m)) {
		return teambot.Reply{}, teambot.Invalid("现在还不能签到。下次会议 %s 开始，签到时间是 %s 到 %s（会前 %d 分钟到会议结束）。",
			commands.MeetingWhen(r, m), r.Moment(checkInOpens(m)), clockOf(r, m.EndsAt()), int(teambot.CheckInEarly/time.Minute))
	}
	if a, found, err := attendanceOf(ctx, r, m, r.Caller.ID); err != nil {
		return teambot.Reply{}, err
	} else if found {
		return teambot.Reply{}, teambot.Conflict("你已经在 %s 签到了（%s），不用再签。", clockOf(r, a.At), attendanceCN(a.Status))
	}
	a := teambot.Attendance{MeetingID: m.ID, MemberID: r.Caller.ID, Status: teambot.AttendancePresent, At: r.Now, By: r.UserID}
	if r.Now.After(m.StartsAt.Add(teambot.LateAfter)) {
		a.Status = teambot.AttendanceLate
	}
	if err := txOf(r).RecordAttendance(ctx, r.Team.ID, a); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.checkin", r.UserID, meetingDetail(m, r.Location())+" "+a.Status); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("%s 已签到：%s 的会议", r.Caller.Name, commands.MeetingWhen(r, m))
	if a.Status == teambot.AttendanceLate {
		text += fmt.Sprintf("，迟到 %d 分钟。", int(r.Now.Sub(m.StartsAt)/time.Minute))
	} else {
		text += "。"
	}
	return teambot.Reply{Text: text}, nil
}

// attendanceOf is a member's record of a meeting, if there is one.
func attendanceOf(ctx context.Context, r *commands.Request, m teambot.Meeting, memberID int64) (teambot.Attendance, bool, error) {
	list, err := txOf(r).MeetingAttendance(ctx, r.Team.ID, m.ID)
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
func rollCall(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上到会的成员，例如 /会议 点名 @张三 @李四。")
	}
	m, ok, err := openMeeting(ctx, r, checkInOpens)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return correctAttendance(ctx, r)
	}
	var marked, already []string
	seen := map[int64]bool{}
	for _, arg := range r.Params {
		mem, err := r.Member(ctx, arg)
		if err != nil {
			return teambot.Reply{}, err
		}
		if seen[mem.ID] {
			continue
		}
		seen[mem.ID] = true
		if a, found, err := attendanceOf(ctx, r, m, mem.ID); err != nil {
			return teambot.Reply{}, err
		} else if found {
			already = append(already, fmt.Sprintf("%s（%s）", mem.Name, attendanceCN(a.Status)))
			continue
		}
		a := teambot.Attendance{MeetingID: m.ID, MemberID: mem.ID, Status: teambot.AttendancePresent, At: r.Now, By: r.UserID}
		if err := txOf(r).RecordAttendance(ctx, r.Team.ID, a); err != nil {
			return teambot.Reply{}, err
		}
		if err := r.Audit(ctx, "meeting.roll", mem.UserID, meetingDetail(m, r.Location())+" present"); err != nil {
			return teambot.Reply{}, err
		}
		marked = append(marked, mem.Name)
	}
	text := fmt.Sprintf("%s 的会议点名：", commands.MeetingWhen(r, m))
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
func closeMeeting(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m, ok, err := openMeeting(ctx, r, meetingStart)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		if last, found, err := lastHeld(ctx, r); err != nil {
			return teambot.Reply{}, err
		} else if found && !r.Now.After(correctionDeadline(last)) {
			return teambot.Reply{}, teambot.Conflict("%s 的会议已在 %s 结束，出勤已记下。有误的请在 %s 前用 /会议 点名 @名字 改记为出席。",
				commands.MeetingWhen(r, last), r.Moment(last.ClosedAt), r.Moment(correctionDeadline(last)))
		}
		if next, found, err := nextMeeting(ctx, r); err != nil {
			return teambot.Reply{}, err
		} else if found {
			return teambot.Reply{}, teambot.Invalid("会议还没开始（%s 开始），开始后才能结束。要取消请用 /会议 取消 理由。", commands.MeetingWhen(r, next))
		}
		return teambot.Reply{}, teambot.NotFound("没有进行中的会议可以结束。发送 /会议 查看。")
	}
	h, err := holdMeeting(ctx, r, m, r.Caller.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := closeSummary(r, m, h)
	switch {
	case len(h.proposals) > 0 && r.Single():
		for _, p := range h.proposals {
			text += "\n" + proposalLine(r, p)
		}
	case len(h.proposals) > 0:
		told, err := tellSupervisorProposals(ctx, r, h.proposals, "meeting.propose "+meetingDetail(m, r.Location()))
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
func holdMeeting(ctx context.Context, r *commands.Request, m teambot.Meeting, ranBy int64) (heldMeeting, error) {
	h := heldMeeting{names: map[string][]string{}}
	loc := r.Location()
	recorded, err := txOf(r).MeetingAttendance(ctx, r.Team.ID, m.ID)
	if err != nil {
		return h, err
	}
	status := map[int64]string{}
	for _, a := range recorded {
		status[a.MemberID] = a.Status
	}
	day := teambot.DateOf(m.StartsAt.In(loc))
	away, err := roll.OnLeave(ctx, r, day, day)
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
			if err := txOf(r).RecordAttendance(ctx, r.Team.ID, a); err != nil {
				return h, err
			}
		}
		h.names[s] = append(h.names[s], mem.Name)
	}
	if err := txOf(r).CloseMeeting(ctx, r.Team.ID, m.ID, teambot.MeetingHeld, r.UserID, "", r.Now); err != nil {
		return h, err
	}
	counts := fmt.Sprintf("出席 %d 迟到 %d 请假 %d 缺席 %d", len(h.names[teambot.AttendancePresent]), len(h.names[teambot.AttendanceLate]),
		len(h.names[teambot.AttendanceExcused]), len(h.names[teambot.AttendanceAbsent]))
	if err := r.Audit(ctx, "meeting.close", r.Team.ChatID, meetingDetail(m, loc)+" "+counts); err != nil {
		return h, err
	}
	h.proposals, err = proposeWarnings(ctx, r, absent)
	return h, err
}

// closeSummary is the attendance of a meeting just closed, by status,
// with how to dispute an absence.
func closeSummary(r *commands.Request, m teambot.Meeting, h heldMeeting) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 的会议已结束。", commands.MeetingWhen(r, m))
	for _, s := range []string{teambot.AttendancePresent, teambot.AttendanceLate, teambot.AttendanceExcused, teambot.AttendanceAbsent} {
		fmt.Fprintf(&b, "\n%s %d 人", attendanceCN(s), len(h.names[s]))
		if len(h.names[s]) > 0 {
			b.WriteString("：" + strings.Join(h.names[s], "、"))
		}
	}
	if len(h.names[teambot.AttendanceAbsent]) > 0 {
		fmt.Fprintf(&b, "\n对缺席有异议的，请在会议结束后 %d 小时内发送 /会议 申诉 %s 理由。", int(teambot.DisputeWindow/time.Hour),
			lang.MonthDay(teambot.DateOf(m.StartsAt.In(r.Location()))))
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

// attendanceHistory is /会议 记录 [@Name]: the last meetings a member was
// counted for. A member sees their own; the supervisor anyone's. The
// reply is private (R14).
func attendanceHistory(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	who := *r.Caller
	if r.Target.ID != 0 {
		// Whose record is read, not whether 记录 may be used: a member
		// may read their own.
		if r.Target.ID != r.Caller.ID && !r.Caller.IsSupervisor() {
			return teambot.Reply{}, teambot.Forbidden("只能查看自己的出勤记录（发送 /会议 记录）；别人的记录只有主管可以查看%s。", r.SupervisorHint(ctx))
		}
		who = r.Target
	}
	list, err := txOf(r).MemberAttendance(ctx, r.Team.ID, who.ID, historyLength)
	if err != nil {
		return teambot.Reply{}, err
	}
	disputes, err := txOf(r).MeetingDisputes(ctx, r.Team.ID)
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
		fmt.Fprintf(&b, "\n%s %s", commands.MeetingWhen(r, teambot.Meeting{StartsAt: a.StartsAt}), attendanceCN(a.Status))
		if a.Status == teambot.AttendanceLate {
			fmt.Fprintf(&b, "（%s 签到）", clockOf(r, a.At))
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
