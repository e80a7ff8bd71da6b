package leave

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"teambot"
	"teambot/calendar"
	"teambot/commands"
	"teambot/commands/lang"
	"teambot/commands/roll"
)

// leaveCommand is /请假 (docs/product.md §5): with dates and a reason it
// asks for leave; its subcommands cancel, list, ask for the next meeting,
// and for the supervisor decide a request or file a member's leave.
func leaveCommand() *commands.Command {
	id := func(verb string) []commands.ArgSpec {
		return []commands.ArgSpec{{Kind: commands.ArgID,
			Missing: "请写上请假申请的编号，例如 /请假 " + verb + " 3。发送 /请假 列表 查看编号。",
			Bad:     "「%s」不是请假申请的编号，编号是数字，例如 /请假 " + verb + " 3。发送 /请假 列表 查看编号。"}}
	}
	return &commands.Command{
		Name: "leave", Chinese: "请假",
		Summary:  "申请请假（可以半天，只算工作日），为下次会议请假，取消自己的申请，查看请假列表；主管批准或驳回，也可以替成员记下请假",
		Usage:    "日期[到日期] [上午|下午] 理由",
		Examples: []string{"/请假 明天 上午 去医院复查", "/请假 12月3日到12月5日 回老家办事", "/请假 会议 外出拜访客户", "/请假 取消 3", "/请假 列表", "/请假 批准 3", "/请假 驳回 3 月底上线，请改到下周", "/请假 @张三 今天 病假"},
		Who:      commands.Member, Handler: requestLeave,
		Sub: []*commands.Command{
			{Name: "meeting", Chinese: "会议", Usage: "理由", Summary: "为下次会议请假（会议所在的半天）",
				Who: commands.Member, Handler: meetingLeave},
			{Name: "cancel", Chinese: "取消", Aliases: []string{"撤销"}, Usage: "编号", Summary: "取消自己还没开始的请假",
				Who: commands.Member, Args: id("取消"), Handler: cancelLeave},
			{Name: "list", Chinese: "列表", Aliases: []string{"查看"}, Usage: "[周]", Summary: "查看请假申请（主管看全队，成员看自己的）",
				Who: commands.Member, Handler: listLeave},
			{Name: "approve", Chinese: "批准", Aliases: []string{"同意"}, Usage: "编号", Summary: "批准请假申请",
				Who: commands.Supervisor, Forbidden: "批准请假只有主管可以操作%s。", Args: id("批准"),
				Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
					return decideLeave(ctx, r, teambot.LeaveApproved)
				}},
			{Name: "reject", Chinese: "驳回", Aliases: []string{"拒绝"}, Usage: "编号 理由", Summary: "驳回请假申请（理由不在群里显示）",
				Who: commands.Supervisor, Forbidden: "驳回请假只有主管可以操作%s。", Args: id("驳回"),
				Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
					return decideLeave(ctx, r, teambot.LeaveRejected)
				}},
			{Name: "file", Chinese: "@名字", OnMention: true, Usage: "日期[到日期] [上午|下午] 理由", Summary: "替成员记下请假，立即批准，最多往前补记 7 天",
				Who:       commands.Supervisor,
				Forbidden: "替别人请假只有主管可以操作%s。自己请假不用 @名字，例如 /请假 明天 去医院复查。",
				Args:      []commands.ArgSpec{{Kind: commands.ArgMember}}, Handler: fileLeave},
		},
	}
}

// meetingLeave is /请假 会议 REASON: leave for the half day of the next
// meeting (R9-R12: approved, it excuses that meeting), asked like any other
// request so the supervisor decides it the same way.
func meetingLeave(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m, ok, err := r.Rules().NextMeeting(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !ok {
		return teambot.Reply{}, teambot.NotFound("现在没有安排中的会议。主管可用 /会议 设置 周一 10:00 或 /会议 通知 日期 时间 议程 安排。")
	}
	start := m.StartsAt.In(r.Location())
	half := "上午"
	if start.Hour() >= 12 {
		half = "下午"
	}
	// The reason is the row's text as written, after the word 会议.
	reason := lang.TrimSpace(r.Tail)
	if reason == "" {
		return teambot.Reply{}, teambot.Invalid("请写上理由，例如 /请假 会议 外出拜访客户。")
	}
	r.Rest = teambot.DateOf(start).String() + " " + half + " " + reason
	reply, err := askLeave(ctx, r, true)
	if err == nil {
		reply.Text += fmt.Sprintf("（这是 %s 那次会议的请假。）", commands.MeetingWhen(r, m))
	}
	return reply, err
}

// maxBackdateDays is how many days before today the supervisor may file
// leave for a member (a sick day reported afterwards); members cannot
// back-date their own requests.
const maxBackdateDays = 7

// requestLeave is /请假 DATE[到DATE] [上午|下午] REASON: a pending request
// for the caller. The reply echoes the absolute dates so a misread date is
// seen at once, with the number of workdays it takes. A start before today,
// Days that are all days off, a clash with the caller's pending or approved
// leave and a missing reason are refused.
func requestLeave(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) == 0 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上请假的日期和理由。")
	}
	return askLeave(ctx, r, false)
}

// askLeave is requestLeave; forMeeting marks leave for a meeting, which is
// asked even when the meeting falls on a day off.
func askLeave(ctx context.Context, r *commands.Request, forMeeting bool) (teambot.Reply, error) {
	words := lang.RestWords(r.Rest)
	l, cal, err := newLeave(ctx, r, *r.Caller, r.Rest, words, forMeeting)
	if err != nil {
		return teambot.Reply{}, err
	}
	// The audit says which days, never why.
	if err := r.Audit(ctx, "leave.request", r.UserID, leaveDetail(l)); err != nil {
		return teambot.Reply{}, err
	}
	reply := teambot.Reply{Text: fmt.Sprintf("已提交请假申请 #%d：%s，理由：%s。", l.ID, describeLeave(roll.LeaveSpan(l), cal, r.Today()), l.Reason)}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case !ok:
		reply.Text += "团队还没有主管，指定主管后由主管批准。"
	case sup.ID == r.Caller.ID:
		reply.Text += fmt.Sprintf("你是主管，发送 /请假 批准 %d 记下批准。", l.ID)
	default:
		reply.Text += fmt.Sprintf("等待主管 %s 批准：/请假 批准 %d 或 /请假 驳回 %d 理由。要撤回就发 /请假 取消 %d。", sup.Name, l.ID, l.ID, l.ID)
		reply.Mentions = []string{sup.UserID}
		text := fmt.Sprintf("%s 申请请假 #%d：%s，理由：%s。批准：/请假 批准 %d；驳回：/请假 驳回 %d 理由。",
			r.Caller.Name, l.ID, describeLeave(roll.LeaveSpan(l), cal, r.Today()), l.Reason, l.ID, l.ID)
		msg, ok, err := supervisorCard(ctx, r, l, sup, text)
		if err != nil {
			return teambot.Reply{}, err
		}
		if ok {
			if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
				return teambot.Reply{}, err
			}
		}
	}
	return reply, nil
}

// fileLeave is /请假 @名字 DATE[到DATE] [上午|下午] REASON: the supervisor
// records a member's leave, approved at once, up to maxBackdateDays in the
// past. The audit says the supervisor filed it; the member is told
// privately when the app may send direct messages, else by an @mention in
// the group, which, as for any approved leave, sees the name and the days
// but never the reason (R14).
func fileLeave(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	m := r.Target
	words := lang.RestWords(r.Rest)
	l, cal, err := newLeave(ctx, r, m, r.Rest, words[1:], false)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).DecideLeave(ctx, r.Team.ID, l.ID, teambot.LeaveApproved, r.UserID, "", r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "leave.file", m.UserID, leaveDetail(l)+"，主管代请并批准"); err != nil {
		return teambot.Reply{}, err
	}
	when := describeLeave(roll.LeaveSpan(l), cal, r.Today())
	text := fmt.Sprintf("已为 %s 记下请假 #%d：%s，已批准。", m.Name, l.ID, when)
	switch {
	case r.Engine.Config.DirectMessages:
		notice := fmt.Sprintf("主管 %s 为你记下了请假 #%d：%s（已批准），理由：%s。", r.Caller.Name, l.ID, when, l.Reason)
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{m.UserID}, Text: notice, Origin: "leave.file"}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: text + fmt.Sprintf("已私信通知 %s。", m.Name)}, nil
	case r.Single():
		text = strings.TrimSuffix(text, "。") + "，理由：" + l.Reason + "。"
		return teambot.Reply{Text: text + fmt.Sprintf("这是私聊，%s 不会收到通知，请另行告知；对方发送 /请假 列表 可以查看。", m.Name)}, nil
	}
	return teambot.Reply{Text: text, Mentions: []string{m.UserID}}, nil
}

// newLeave reads the days and the reason of a request for m from words
// (the words of text after any that name the member), checks them and
// stores the request as pending. It returns the request and the team's
// calendar. Days before today are refused unless the supervisor files the
// request for someone (up to maxBackdateDays back); so are days that are
// all days off (except for a meeting, which may fall on one), a clash with
// m's pending or approved leave and a missing reason.
func newLeave(ctx context.Context, r *commands.Request, m teambot.Member, text string, words []lang.Word, forMeeting bool) (teambot.Leave, *calendar.Calendar, error) {
	today := r.Today()
	span, rest, err := lang.ParseDateSpan(lang.WordTexts(words), today)
	if err != nil {
		return teambot.Leave{}, nil, err
	}
	reason := lang.TextFrom(text, words, rest)
	if err := lang.CheckLeaveReason(reason, "请写上请假理由，例如 /请假 明天 上午 去医院复查。想看今天谁请假，发送 /谁请假。"); err != nil {
		return teambot.Leave{}, nil, err
	}
	if err := checkLeaveStart(r, span, m, today); err != nil {
		return teambot.Leave{}, nil, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Leave{}, nil, err
	}
	if !forMeeting {
		if err := checkLeaveWorkdays(span, cal, today); err != nil {
			return teambot.Leave{}, nil, err
		}
	}
	clash, err := txOf(r).OverlappingLeaves(ctx, r.Team.ID, m.ID, span.From, span.To, span.Half)
	if err != nil {
		return teambot.Leave{}, nil, err
	}
	if len(clash) > 0 {
		c := clash[0]
		if m.ID != r.Caller.ID {
			return teambot.Leave{}, nil, teambot.Conflict("和 %s 已有的请假冲突：#%d %s（%s）。同一天不能重复请假；发送 /请假 列表 查看。",
				m.Name, c.ID, describeLeave(roll.LeaveSpan(c), cal, today), leaveStatusCN(c.Status))
		}
		return teambot.Leave{}, nil, teambot.Conflict("和你已有的请假冲突：#%d %s（%s）。同一天不能重复请假；要改日期，请先 /请假 取消 %d 再重新申请。",
			c.ID, describeLeave(roll.LeaveSpan(c), cal, today), leaveStatusCN(c.Status), c.ID)
	}
	l := teambot.Leave{TeamID: r.Team.ID, MemberID: m.ID, UserID: m.UserID, Name: m.Name,
		From: span.From, To: span.To, Half: span.Half, Reason: reason, ForMeeting: forMeeting, CreatedAt: r.Now}
	if err := txOf(r).CreateLeave(ctx, &l); err != nil {
		return teambot.Leave{}, nil, err
	}
	return l, cal, nil
}

// checkLeaveStart refuses leave that starts before today, unless the
// Supervisor files it for a member at most maxBackdateDays back. A member
// is told that the supervisor can record an absence afterwards.
func checkLeaveStart(r *commands.Request, span lang.DateSpan, m teambot.Member, today teambot.Date) error {
	if !span.From.Before(today) {
		return nil
	}
	if m.ID == r.Caller.ID {
		return teambot.Invalid("%s已经过去了，不能补请假（今天是 %s）。请从今天或以后的日期开始；已经缺勤的，请和主管说明，主管可以用 /请假 @%s %s 理由 补记（最多往前 %d 天）。",
			lang.DescribeDay(span.From, today), lang.DescribeDay(today, today), m.Name, lang.MonthDay(span.From), maxBackdateDays)
	}
	if earliest := today.AddDate(0, 0, -maxBackdateDays); span.From.Before(earliest) {
		return teambot.Invalid("补记请假最多往前 %d 天，%s超过了（今天是 %s，最早 %s）。",
			maxBackdateDays, lang.DescribeDay(span.From, today), lang.DescribeDay(today, today), lang.DescribeDay(earliest, today))
	}
	return nil
}

// cancelLeave is /请假 取消 ID: the member withdraws their own pending or
// approved request before its first day.
func cancelLeave(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	l, err := leaveByID(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	today := r.Today()
	switch {
	case l.MemberID != r.Caller.ID:
		return teambot.Reply{}, teambot.Forbidden("请假 #%d 是 %s 的申请，只有申请人本人可以取消。", l.ID, l.Name)
	case !l.Active():
		return teambot.Reply{}, leaveStatusConflict(ctx, r, l)
	case !today.Before(l.From):
		return teambot.Reply{}, teambot.Conflict("请假 #%d 从 %s开始，已经开始了，不能取消。提前回来请直接告诉主管。", l.ID, lang.DescribeDay(l.From, today))
	}
	if err := txOf(r).CancelLeave(ctx, r.Team.ID, l.ID, r.UserID, r.Now); err != nil {
		return teambot.Reply{}, leaveChangeError(ctx, r, l, err)
	}
	if err := r.Audit(ctx, "leave.cancel", r.UserID, leaveDetail(l)+"，原"+leaveStatusCN(l.Status)); err != nil {
		return teambot.Reply{}, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	reply := teambot.Reply{Text: fmt.Sprintf("已取消请假 #%d：%s。", l.ID, describeLeave(roll.LeaveSpan(l), cal, today))}
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case !ok || l.Status != teambot.LeaveApproved || sup.ID == r.Caller.ID:
	case r.Single():
		reply.Text += fmt.Sprintf("这条请假原已由主管批准；这是私聊，主管 %s 不会收到通知，请直接告诉主管。", sup.Name)
	default:
		reply.Text += fmt.Sprintf("这条请假原已由主管批准，已告知主管 %s。", sup.Name)
		reply.Mentions = []string{sup.UserID}
	}
	return reply, nil
}

// decideLeave is /请假 批准 ID and /请假 驳回 ID REASON, for the supervisor.
// The member learns of it through an @mention in the group reply, which
// never shows a rejection's reason (R14): that stays in the records, for
// the member's own /请假 列表, and in the supervisor's reply when it is
// private (a single chat). Nothing is sent on the side: when the decision
// is made in a single chat, the reply says the member was not told.
func decideLeave(ctx context.Context, r *commands.Request, status string) (teambot.Reply, error) {
	verb, action := "批准", "leave.approve"
	if status == teambot.LeaveRejected {
		verb, action = "驳回", "leave.reject"
	}
	l, err := leaveByID(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	var note string
	if status == teambot.LeaveRejected {
		note = lang.FreeText(r.Tail)
		if err := lang.CheckLeaveReason(note, fmt.Sprintf("驳回要写理由，例如 /请假 驳回 %d 月底上线，请改到下周。", l.ID)); err != nil {
			return teambot.Reply{}, err
		}
	}
	if l.Status != teambot.LeavePending {
		return teambot.Reply{}, leaveStatusConflict(ctx, r, l)
	}
	if err := txOf(r).DecideLeave(ctx, r.Team.ID, l.ID, status, r.UserID, note, r.Now); err != nil {
		return teambot.Reply{}, leaveChangeError(ctx, r, l, err)
	}
	if err := r.Audit(ctx, action, l.UserID, leaveDetail(l)); err != nil {
		return teambot.Reply{}, err
	}
	today := r.Today()
	cal, err := r.Calendar(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	when := describeLeave(roll.LeaveSpan(l), cal, today)
	text := fmt.Sprintf("已%s %s 的请假 #%d：%s。", verb, l.Name, l.ID, when)
	if r.Engine.Config.DirectMessages {
		// The member hears it privately, reason included, through the outbox
		// in this same transaction.
		notice := fmt.Sprintf("你的请假 #%d（%s）已被主管%s。", l.ID, when, verb)
		if status == teambot.LeaveRejected {
			notice += "理由：" + note + "。"
		}
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{l.UserID}, Text: notice, Origin: "leave." + string(status)}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: text + fmt.Sprintf("已私信通知 %s。", l.Name)}, nil
	}
	if r.Single() {
		if status == teambot.LeaveRejected {
			text += "驳回理由：" + note + "。"
		}
		text += fmt.Sprintf("这是私聊，%s 不会收到通知，请另行告知；对方发送 /请假 列表 可以查看结果。", l.Name)
		return teambot.Reply{Text: text}, nil
	}
	if status == teambot.LeaveRejected {
		text += fmt.Sprintf("驳回理由已记下，不在群里显示：%s 发送 /请假 列表 可以查看。", l.Name)
	}
	return teambot.Reply{Text: text, Mentions: []string{l.UserID}}, nil
}

// leaveByID loads the team's request numbered by the ID argument.
func leaveByID(ctx context.Context, r *commands.Request) (teambot.Leave, error) {
	l, err := txOf(r).LeaveByID(ctx, r.Team.ID, r.ID)
	if errors.Is(err, teambot.ErrNotFound) {
		return l, teambot.NotFound("没有编号 #%d 的请假申请。发送 /请假 列表 查看编号。", r.ID)
	}
	return l, err
}

// leaveChangeError words a change that storage refused because the request
// changed status in the meantime (for instance two decisions at once).
func leaveChangeError(ctx context.Context, r *commands.Request, l teambot.Leave, err error) error {
	if !errors.Is(err, teambot.ErrLeaveStatus) {
		return err
	}
	now, rerr := txOf(r).LeaveByID(ctx, r.Team.ID, l.ID)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	return leaveStatusConflict(ctx, r, now)
}

// leaveStatusConflict says that a request was already decided or
// cancelled, by whom and when.
func leaveStatusConflict(ctx context.Context, r *commands.Request, l teambot.Leave) error {
	switch l.Status {
	case teambot.LeavePending:
		return teambot.Conflict("请假 #%d 还在等待主管批准。", l.ID)
	case teambot.LeaveExpired:
		return teambot.Conflict("请假 #%d 没有在最后一天前批准，已在 %s 过期，不能再改。需要的话请用 /请假 @%s 日期 理由 补记（最多往前 %d 天）。",
			l.ID, r.Moment(l.DecidedAt), l.Name, maxBackdateDays)
	}
	who := l.DecidedBy
	if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, l.DecidedBy); err == nil {
		who = m.Name
		if m.IsSupervisor() {
			who = "主管 " + m.Name
		}
	}
	return teambot.Conflict("请假 #%d 已经由 %s 在 %s %s了，不能再改。发送 /请假 列表 查看。",
		l.ID, who, r.Moment(l.DecidedAt), leaveStatusVerb(l.Status))
}

// Commands are /请假 and /谁请假.
func Commands() []*commands.Command {
	return []*commands.Command{
		leaveCommand(),
		{
			Name: "off", Chinese: "谁请假", Aliases: []string{"今天谁请假"},
			Summary:  "看今天谁请假（只列名字）",
			Examples: []string{"/谁请假"},
			Who:      commands.Anyone, Handler: whoIsOff,
		},
	}
}
