package meeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"

	"teambot"
)

// Disputes of an absence (R12): a member raises one (/会议 申诉), the
// Supervisor decides it (/会议 申诉 批准, 驳回), and both list them
// (/会议 申诉 列表).

// raiseDispute is /会议 申诉 DATE REASON: a member disputes an absence.
func raiseDispute(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) == 0 {
		return teambot.Reply{}, teambot.Invalid("请写上缺席的会议日期和理由，例如 /会议 申诉 12月14日 那天在医院，有病历。")
	}
	today := r.Today()
	words := lang.RestWords(r.Rest)
	span, rest, err := lang.ParseDateSpan(lang.WordTexts(words[1:]), today)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := lang.TextFrom(r.Rest, words, rest)
	if err := lang.CheckLeaveReason(reason, "请写上申诉理由，例如 /会议 申诉 12月14日 那天在医院，有病历。"); err != nil {
		return teambot.Reply{}, err
	}
	loc := r.Location()
	list, err := txOf(r).Meetings(ctx, r.Team.ID, span.From.In(loc), span.To.AddDate(0, 0, 1).In(loc).Add(-time.Second))
	if err != nil {
		return teambot.Reply{}, err
	}
	var m teambot.Meeting
	var other []string
	for _, g := range list {
		if g.Status != teambot.MeetingHeld {
			continue
		}
		a, found, err := attendanceOf(ctx, r, g, r.Caller.ID)
		if err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case found && a.Status == teambot.AttendanceAbsent:
			m = g
		case found:
			other = append(other, fmt.Sprintf("%s 的会议记为%s", commands.MeetingWhen(r, g), attendanceCN(a.Status)))
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
			int(teambot.DisputeWindow/time.Hour), commands.MeetingWhen(r, m), r.Moment(deadline))
	}
	d := teambot.MeetingDispute{TeamID: r.Team.ID, MeetingID: m.ID, MemberID: r.Caller.ID, Reason: reason, CreatedAt: r.Now}
	if err := txOf(r).CreateMeetingDispute(ctx, &d); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("你已经申诉过 %s 会议的缺席，每次会议只能申诉一次。发送 /会议 记录 查看结果。", commands.MeetingWhen(r, m))
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.dispute", r.UserID, fmt.Sprintf("#%d 会议 %s", d.ID, meetingDetail(m, loc))); err != nil {
		return teambot.Reply{}, err
	}
	reply := teambot.Reply{Text: fmt.Sprintf("已提交申诉 #%d：%s 会议的缺席，理由：%s。", d.ID, commands.MeetingWhen(r, m), reason)}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
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
func decideDispute(ctx context.Context, r *commands.Request, status string) (teambot.Reply, error) {
	d, err := txOf(r).MeetingDisputeByID(ctx, r.Team.ID, r.ID)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, teambot.NotFound("没有编号 #%d 的申诉。发送 /会议 申诉 列表 查看编号。", r.ID)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if d.Status != teambot.DisputePending {
		return teambot.Reply{}, teambot.Conflict("申诉 #%d 已在 %s %s，不能再改。", d.ID, r.Moment(d.DecidedAt), disputeVerb(d.Status))
	}
	note := lang.FreeText(r.Tail)
	if note != "" {
		if err := lang.CheckLeaveReason(note, ""); err != nil {
			return teambot.Reply{}, err
		}
	}
	if err := txOf(r).DecideMeetingDispute(ctx, r.Team.ID, d.ID, status, r.UserID, note, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	when := commands.MeetingWhen(r, teambot.Meeting{StartsAt: d.StartsAt})
	detail := fmt.Sprintf("#%d 会议 #%d", d.ID, d.MeetingID)
	text := fmt.Sprintf("已驳回 %s 的申诉 #%d：%s 的会议仍记为缺席。", d.Name, d.ID, when)
	notice := fmt.Sprintf("你对 %s 会议缺席的申诉 #%d 已被主管驳回，仍记为缺席。", when, d.ID)
	if status == teambot.DisputeApproved {
		if err := txOf(r).ExcuseAbsence(ctx, r.Team.ID, d.MeetingID, d.MemberID, r.UserID, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		n, err := txOf(r).DismissMeetingProposals(ctx, r.Team.ID, d.MemberID, d.MeetingID, r.UserID, r.Now)
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
		entries, err := txOf(r).LedgerEntries(ctx, teambot.LedgerFilter{TeamID: r.Team.ID, MemberID: d.MemberID})
		if err != nil {
			return teambot.Reply{}, err
		}
		proposals, err := txOf(r).MeetingProposals(ctx, r.Team.ID, teambot.ProposalConfirmed)
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
	how, err := tellDisputer(ctx, r, d, notice)
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
func tellDisputer(ctx context.Context, r *commands.Request, d teambot.MeetingDispute, notice string) (string, error) {
	origin := fmt.Sprintf("meeting.dispute #%d", d.ID)
	switch {
	case r.Engine.Config.DirectMessages:
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
func listDisputes(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	list, err := txOf(r).MeetingDisputes(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	var lines []string
	for _, d := range list {
		switch {
		case r.Caller.IsSupervisor() && d.Status == teambot.DisputePending:
			lines = append(lines, fmt.Sprintf("#%d %s · %s 会议 · 理由：%s", d.ID, d.Name, commands.MeetingWhen(r, teambot.Meeting{StartsAt: d.StartsAt}), d.Reason))
		case !r.Caller.IsSupervisor() && d.MemberID == r.Caller.ID:
			lines = append(lines, fmt.Sprintf("#%d %s 会议 · %s · 理由：%s", d.ID, commands.MeetingWhen(r, teambot.Meeting{StartsAt: d.StartsAt}), disputeStatusCN(d.Status), d.Reason))
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
