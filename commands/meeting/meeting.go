package meeting

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"

	"teambot"
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
func meetingCommand() *commands.Command {
	disputeID := func(verb string) []commands.ArgSpec {
		return []commands.ArgSpec{{Kind: commands.ArgID,
			Missing: "请写上申诉的编号，例如 /会议 申诉 " + verb + " 1。发送 /会议 申诉 列表 查看编号。",
			Bad:     "「%s」不是申诉的编号，编号是数字，例如 /会议 申诉 " + verb + " 1。"}}
	}
	window := int(teambot.DisputeWindow / time.Hour)
	return &commands.Command{
		Name: "meeting", Chinese: "会议", Aliases: []string{"meetings"},
		Summary:  "查看下次会议；主管设置每周例会、召集会议、定议程、点名、结束或取消会议；成员申诉缺席、查看出勤记录",
		Usage:    "[下次]",
		Examples: []string{"/会议", "/会议 设置 周一 10:00", "/会议 设置 每周二 下午3点 90分钟", "/会议 通知 明天 15:00 双十二活动分工", "/会议 议程 复盘双十一；各模块先交周报", "/会议 点名 @张三", "/会议 结束", "/会议 取消 团建改期", "/会议 申诉 12月14日 那天在医院", "/会议 记录"},
		Who:      commands.Member, Handler: showMeeting,
		Sub: []*commands.Command{
			{Name: "set", Chinese: "设置", Usage: "周一 10:00 [时长]", Summary: "设定每周例会的时间和时长",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("设置每周例会"), Handler: setMeetingSchedule,
				Sub: []*commands.Command{
					{Name: "off", Chinese: "关闭", Aliases: []string{"无"}, Summary: "不再开每周例会（临时会议不受影响）",
						Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("设置每周例会"), Handler: closeMeetingSchedule},
				}},
			{Name: "notice", Chinese: "通知", Aliases: []string{"安排"}, Usage: "日期 时间 议程", Summary: "召集临时会议",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("召集会议"), Handler: callMeeting},
			{Name: "agenda", Chinese: "议程", Usage: "内容", Summary: "设置下次会议的议程",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("设置议程"), Handler: setMeetingAgenda},
			{Name: "roll", Chinese: "点名", Usage: "@名字…", Summary: fmt.Sprintf("把到会但没签到的成员记为出席；会后 %d 小时内可更正", window),
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("点名"), Handler: rollCall},
			{Name: "close", Chinese: "结束", Aliases: []string{"end"}, Summary: "结束会议，记下出勤",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("结束会议"), Handler: closeMeeting},
			{Name: "cancel", Chinese: "取消", Usage: "原因", Summary: "取消下次会议，这次不计出勤",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("取消会议"), Handler: cancelMeeting},
			{Name: "proposals", Chinese: "建议", Aliases: []string{"提醒"}, Summary: "在单聊中查看缺勤提醒（R12）",
				Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("查看缺勤提醒"), Handler: listProposals},
			{Name: "dispute", Chinese: "申诉", Usage: "日期 理由", Summary: fmt.Sprintf("申诉缺席（会议结束后 %d 小时内）", window),
				Who: commands.Member, Handler: raiseDispute,
				Sub: []*commands.Command{
					{Name: "approve", Chinese: "批准", Aliases: []string{"同意"}, Usage: "编号", Summary: "批准申诉，缺席改记为请假",
						Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("批准申诉"), Args: disputeID("批准"),
						Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
							return decideDispute(ctx, r, teambot.DisputeApproved)
						}},
					{Name: "reject", Chinese: "驳回", Aliases: []string{"拒绝"}, Usage: "编号 [说明]", Summary: "驳回申诉，仍记为缺席",
						Who: commands.Supervisor, Forbidden: commands.OnlySupervisor("驳回申诉"), Args: disputeID("驳回"),
						Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
							return decideDispute(ctx, r, teambot.DisputeRejected)
						}},
					{Name: "list", Chinese: "列表", Summary: "查看申诉（主管看待处理的，成员看自己的）",
						Who: commands.Member, Handler: listDisputes},
				}},
			{Name: "history", Chinese: "记录", Usage: "[@名字]", Summary: "查看最近的出勤记录（别人的只有主管可以看）",
				Who: commands.Member, Args: []commands.ArgSpec{{Kind: commands.ArgMember, Optional: true}}, Handler: attendanceHistory},
		},
	}
}

// checkInCommand is /签到: a member checks in to the meeting under way.
func checkInCommand() *commands.Command {
	return &commands.Command{
		Name: "checkin", Chinese: "签到",
		Summary:  "会议签到：会前 15 分钟到会议结束之间，开始 10 分钟后算迟到",
		Examples: []string{"/签到", "/checkin"},
		Who:      commands.Member, Handler: checkIn,
	}
}

// showMeeting is /会议 and /会议 下次; any other first word names no
// subcommand.
func showMeeting(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) > 0 {
		if w := strings.ToLower(r.Args[0].Text); w != "下次" && w != "next" {
			return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("没有「%s」这个会议操作。", lang.Clip(r.Args[0].Text)))
		}
	}
	return showNextMeeting(ctx, r)
}

// nextMeeting is the earliest scheduled meeting that has not ended.
func nextMeeting(ctx context.Context, r *commands.Request) (teambot.Meeting, bool, error) {
	if err := ensureWeekly(ctx, r); err != nil {
		return teambot.Meeting{}, false, err
	}
	list, err := txOf(r).Meetings(ctx, r.Team.ID, r.Now.Add(-24*time.Hour), time.Time{})
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
func openMeeting(ctx context.Context, r *commands.Request, since func(teambot.Meeting) time.Time) (teambot.Meeting, bool, error) {
	if err := ensureWeekly(ctx, r); err != nil {
		return teambot.Meeting{}, false, err
	}
	list, err := txOf(r).Meetings(ctx, r.Team.ID, r.Now.Add(-meetingLookback), r.Now.Add(teambot.CheckInEarly))
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

// clockOf is an instant's time of day in the team's zone.
func clockOf(r *commands.Request, t time.Time) string { return t.In(r.Location()).Format("15:04") }

// meetingDetail is a meeting for the audit log: id and start, never the agenda.
func meetingDetail(m teambot.Meeting, loc *time.Location) string {
	return fmt.Sprintf("#%d %s", m.ID, m.StartsAt.In(loc).Format("2006-01-02 15:04"))
}

// showNextMeeting is /会议 and /会议 下次.
func showNextMeeting(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m, ok, err := nextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	s, weekly, err := txOf(r).MeetingSchedule(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	regular := "本团队没有每周例会。"
	if weekly {
		regular = fmt.Sprintf("每周例会：每%s %s。", commands.WeekdaysCN[s.Weekday], s.Clock())
	}
	if !ok {
		return teambot.Reply{Text: "还没有安排会议。" + regular + "主管可以用 /会议 设置 周一 10:00 设定每周例会，或 /会议 通知 明天 15:00 议程 召集临时会议。"}, nil
	}
	var b strings.Builder
	kind := "临时会议"
	if m.Weekly {
		kind = "每周例会"
	}
	fmt.Fprintf(&b, "下次会议：%s–%s（%s）", commands.MeetingWhen(r, m), clockOf(r, m.EndsAt()), kind)
	if m.Agenda != "" {
		b.WriteString("\n议程：" + m.Agenda)
	} else {
		b.WriteString("\n议程：还没有，主管可以用 /会议 议程 内容 设置。")
	}
	fmt.Fprintf(&b, "\n签到：%s 到 %s 发送 /签到，%s 以后算迟到。", clockOf(r, checkInOpens(m)), clockOf(r, m.EndsAt()), clockOf(r, m.StartsAt.Add(teambot.LateAfter)))
	if !m.Weekly {
		b.WriteString("\n" + regular)
	}
	return teambot.Reply{Text: b.String()}, nil
}

// Commands are /会议 and /签到.
func Commands() []*commands.Command { return []*commands.Command{meetingCommand(), checkInCommand()} }

// NextMeeting is Rules.NextMeeting: the earliest scheduled meeting that
// has not ended.
func NextMeeting(ctx context.Context, r *commands.Request) (teambot.Meeting, bool, error) {
	return nextMeeting(ctx, r)
}
