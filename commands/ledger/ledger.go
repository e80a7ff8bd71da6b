package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// The ledger of rewards and penalties (R17-R19): 嘉奖 and 惩处 record
// entries (supervisor only, a ground from the rulebook and a reason
// always: grounds.go), 撤销 revokes one with a new
// entry, 惩处 确认 turns a meeting-absence proposal (R12) into a warning,
// and 记录 shows a member's entries to them or to the supervisor.
//
// Decisions:
//   - Every reward level is a commendation and is announced in the group,
//     as is 通报批评. A warning goes to the member alone. 劝退 and 除名 take
//     the member off the roster: the group hears only that they left, the
//     member hears the level and reason, the supervisor gets the list of
//     accounts to hand over.
//   - Without app messages a member cannot be told anything privately: the
//     group then sees an @mention that says a record is waiting, never what
//     it is, and the member reads it with /记录 (a reply only they see).
//   - The supervisor records nothing about themselves, and cannot dismiss
//     themselves: hand the role over first.
//   - A revocation is announced where the entry was announced. Revoking
//     劝退 or 除名 does not put the member back on the roster: they rejoin
//     with /加入.
const (
	maxLedgerReason = 300
	// ledgerListLength is how many entries 记录 shows.
	ledgerListLength = 30
)

// Commands are the ledger commands' rows of the command table.
func Commands() []*commands.Command {
	return []*commands.Command{
		{
			Name: "award", Chinese: "嘉奖", Aliases: []string{"奖励"},
			Summary:  "主管记录嘉奖：通报表扬、三等功、二等功、一等功、特等功，注明规章依据，在群里公布；也可撤销",
			Usage:    "@名字 等级 依据编号 理由",
			Examples: []string{"/嘉奖 @张三 三等功 依据1 双十一推文阅读量破十万", "/嘉奖 @李四 通报表扬 依据 表率作用 海报提前两天完成", "/嘉奖 依据", "/嘉奖 撤销 3 记错了人"},
			Who:      commands.Supervisor,
			Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
				return recordEntry(ctx, r, teambot.LedgerReward)
			},
			Sub: []*commands.Command{groundsRow(teambot.LedgerReward), revokeRow("嘉奖")},
		},
		{
			Name: "penalty", Chinese: "惩处", Aliases: []string{"处罚"},
			Summary:  "主管记录惩处：通报批评、警告、劝退、除名，注明规章依据；确认或驳回缺勤提醒；撤销记录",
			Usage:    "@名字 等级 依据编号 理由",
			Examples: []string{"/惩处 @王五 警告 依据2 连续两周未按要求修改海报", "/惩处 依据", "/惩处 确认 1", "/惩处 驳回 1 那两次都提前请过假", "/惩处 撤销 4 已查明是系统问题"},
			Who:      commands.Supervisor,
			Handler: func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
				return recordEntry(ctx, r, teambot.LedgerPenalty)
			},
			Sub: []*commands.Command{
				{Name: "confirm", Chinese: "确认", Usage: "提醒编号", Summary: "把缺勤提醒（连续两次无故缺席）确认为警告",
					Who: commands.Supervisor, Args: proposalID(confirmHow, confirmHow+" 发送 /会议 建议 查看编号。"), Handler: confirmProposal},
				{Name: "dismiss", Chinese: "驳回", Usage: "提醒编号 理由", Summary: "驳回缺勤提醒，不记入记录",
					Who: commands.Supervisor, Args: proposalID(dismissHow, dismissHow+" 发送 /会议 建议 查看编号。"), Handler: dismissProposal},
				groundsRow(teambot.LedgerPenalty),
				revokeRow("惩处"),
			},
		},
		{
			Name: "record", Chinese: "记录", Aliases: []string{"奖惩", "ledger"},
			Summary:  "查看自己的嘉奖和惩处记录（只有你能看到）；主管可查看任何人或全队",
			Usage:    "[@名字]",
			Examples: []string{"/记录", "/记录 @张三", "/记录 全部"},
			Who:      commands.Member, Handler: ledgerRecord,
			Sub: []*commands.Command{
				{Name: "all", Chinese: "全部", Summary: "查看全队的嘉奖和惩处记录",
					Who: commands.Supervisor, Forbidden: "全队的记录只有主管可以查看%s。发送 /记录 查看你自己的。",
					Handler: ledgerRecord},
			},
		},
	}
}

// revokeRow is 撤销 编号 理由 of /嘉奖 or /惩处 (verb): a revocation.
func revokeRow(verb string) *commands.Command {
	how := revokeHow(verb)
	return &commands.Command{Name: "revoke", Chinese: "撤销", Usage: "编号 理由", Summary: "撤销一条记录（新记一条撤销，原记录保留）",
		Who:     commands.Supervisor,
		Args:    []commands.ArgSpec{{Kind: commands.ArgID, Missing: "请写上记录编号。" + how, Bad: "「%s」不是记录编号。" + how}},
		Handler: revokeEntry}
}

// revokeHow is how to write 撤销 of /嘉奖 or /惩处.
func revokeHow(verb string) string {
	return fmt.Sprintf("请写成 /%s 撤销 编号 理由，例如 /%s 撤销 3 记错了人。", verb, verb)
}

// How to write /惩处 确认 and /惩处 驳回.
const (
	confirmHow = "请写成 /惩处 确认 编号。"
	dismissHow = "请写成 /惩处 驳回 编号 理由，例如 /惩处 驳回 1 那两次都提前请过假。"
)

// proposalID is the number of a meeting-absence proposal (R12), with the
// refusals when it is missing or not a number.
func proposalID(how, missing string) []commands.ArgSpec {
	return []commands.ArgSpec{{Kind: commands.ArgID, Missing: "请写上缺勤提醒的编号。" + missing, Bad: "「%s」不是缺勤提醒编号。" + how}}
}

// Reminders are the ledger's reminders: none of its own (the
// handover of a dismissed member's accounts is an account reminder).
func Reminders() []commands.Reminder { return nil }

// levelAliases are other words for a level.
var levelAliases = map[string]string{"表扬": teambot.LevelCommendation, "批评": teambot.LevelCriticism}

func ledgerVerb(kind string) (verb, levels string) {
	if kind == teambot.LedgerReward {
		return "嘉奖", strings.Join(teambot.RewardLevels, "、")
	}
	return "惩处", strings.Join(teambot.PenaltyLevels, "、")
}

// ledgerReason is the reason written as text, checked.
func ledgerReason(text, how string) (string, error) {
	reason := lang.FreeText(text)
	switch l := utf8.RuneCountInString(reason); {
	case reason == "":
		return "", teambot.Invalid("请写上理由。%s", how)
	case l > maxLedgerReason:
		return "", teambot.Invalid("理由最多 %d 字，这条有 %d 字，请写简短些。", maxLedgerReason, l)
	}
	return reason, nil
}

// recordEntry is /嘉奖 @名字 等级 依据 理由 or /惩处 @名字 等级 依据 理由.
func recordEntry(ctx context.Context, r *commands.Request, kind string) (teambot.Reply, error) {
	verb, levels := ledgerVerb(kind)
	how := fmt.Sprintf("请写成 /%s @名字 等级 依据编号 理由，等级是 %s 之一，例如 %s。发送 /%s 依据 查看依据。", verb, levels, groundExample(kind), verb)
	if len(r.Args) < 2 {
		return teambot.Reply{}, teambot.Invalid("%s", how)
	}
	if err := r.LockTeam(ctx); err != nil { // 劝退 and 除名 change the roster
		return teambot.Reply{}, err
	}
	m, err := r.Member(ctx, r.Args[0])
	if err != nil {
		return teambot.Reply{}, err
	}
	level := r.Args[1].Text
	if alias, ok := levelAliases[level]; ok {
		level = alias
	}
	if !teambot.ValidLevel(kind, level) {
		return teambot.Reply{}, teambot.Invalid("「%s」不是%s等级。%s", lang.Clip(r.Args[1].Text), verb, how)
	}
	if teambot.PrivateLevel(level) {
		if err := r.NeedSingleChat(level+"的理由", fmt.Sprintf("/%s @%s %s 依据编号 理由", verb, m.Name, level)); err != nil {
			return teambot.Reply{}, err
		}
	}
	ground, used, err := readGround(kind, r.Args[2:])
	if err != nil {
		return teambot.Reply{}, err
	}
	reason, err := ledgerReason(lang.RestAfter(r.Tail, 2+used), how)
	if err != nil {
		return teambot.Reply{}, err
	}
	if m.ID == r.Caller.ID {
		return teambot.Reply{}, teambot.Invalid("主管不能给自己记录%s。", verb)
	}
	e := teambot.LedgerEntry{TeamID: r.Team.ID, MemberID: m.ID, UserID: m.UserID, Name: m.Name, Kind: kind, Level: level,
		Reason: reason, Ground: ground.ID, By: r.UserID, At: r.Now, MsgID: r.Message.ID}
	return addEntry(ctx, r, e, m)
}

// addEntry stores e about m, audits it and tells whom its level warrants.
func addEntry(ctx context.Context, r *commands.Request, e teambot.LedgerEntry, m teambot.Member) (teambot.Reply, error) {
	if err := txOf(r).AddLedgerEntry(ctx, &e); err != nil {
		return teambot.Reply{}, err
	}
	// The reason is private (R14): the audit keeps its length only.
	if err := r.Audit(ctx, "ledger."+e.Kind, m.UserID, fmt.Sprintf("#%d %s %s，理由 %d 字", e.ID, m.Name, e.Level, utf8.RuneCountInString(e.Reason))); err != nil {
		return teambot.Reply{}, err
	}
	recorded := fmt.Sprintf("已记录 #%d：%s %s%s，理由：%s（%s）。", e.ID, m.Name, e.Level, groundShown(e), e.Reason, r.Today())
	switch {
	case e.Kind == teambot.LedgerReward || e.Level == teambot.LevelCriticism:
		// Commendations and criticisms are announced (R19).
		title := "嘉奖"
		if e.Kind == teambot.LedgerPenalty {
			title = "通报批评"
		}
		text := fmt.Sprintf("【%s】%s：%s%s。理由：%s（记录 #%d）", title, m.Name, e.Level, groundShown(e), e.Reason, e.ID)
		if e.Level == teambot.LevelCriticism {
			text = fmt.Sprintf("【通报批评】%s%s。理由：%s（记录 #%d）", m.Name, groundShown(e), e.Reason, e.ID)
		}
		return r.ToGroup(ctx, text, fmt.Sprintf("ledger %d", e.ID), []string{m.UserID})
	case e.Level == teambot.LevelWarning:
		how, err := tellMember(ctx, r, m, fmt.Sprintf("主管给你记录了一次警告（记录 #%d，依据：%s），理由：%s。如有异议请与主管沟通。", e.ID, e.GroundLabel(), e.Reason),
			fmt.Sprintf("ledger %d", e.ID))
		if err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: recorded + how, Private: true}, nil
	}
	return dismiss(ctx, r, e, m, recorded)
}

// dismiss carries out 劝退 or 除名 (R18): the member leaves the active
// roster, the group hears that they left, the member hears why, and the
// Supervisor gets the accounts to hand over.
func dismiss(ctx context.Context, r *commands.Request, e teambot.LedgerEntry, m teambot.Member, recorded string) (teambot.Reply, error) {
	if m.IsSupervisor() {
		return teambot.Reply{}, teambot.Invalid("不能对主管%s。请先用 /主管 @名字 移交主管。", e.Level)
	}
	if err := txOf(r).RemoveMember(ctx, m.ID, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "member.remove", m.UserID, fmt.Sprintf("名字 %s；%s（记录 #%d）", m.Name, e.Level, e.ID)); err != nil {
		return teambot.Reply{}, err
	}
	how, err := tellLeaver(ctx, r, m, fmt.Sprintf("主管对你作出「%s」的决定（记录 #%d，依据：%s），理由：%s。你已移出团队名单。", e.Level, e.ID, e.GroundLabel(), e.Reason),
		fmt.Sprintf("ledger %d", e.ID))
	if err != nil {
		return teambot.Reply{}, err
	}
	handover, err := r.Rules().AccountHandover(ctx, r, m)
	if err != nil {
		return teambot.Reply{}, err
	}
	text := recorded + fmt.Sprintf("%s 已移出团队名单。", m.Name) + how
	if handover != "" {
		text += "\n" + handover
	}
	group := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: fmt.Sprintf("【人员变动】%s 已离开团队。", m.Name),
		Origin: fmt.Sprintf("ledger %d", e.ID)}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{group}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text, Private: true}, nil
}

// tellMember tells m something private: by app message when one can be
// sent, else by an @mention in the group that only says a record waits.
// It returns what to add to the supervisor's reply.
func tellMember(ctx context.Context, r *commands.Request, m teambot.Member, text, origin string) (string, error) {
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{m.UserID}, Text: text, Origin: origin}
	how := fmt.Sprintf("已私信通知 %s。", m.Name)
	if !r.Engine.Config.DirectMessages {
		msg = teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Mentions: []string{m.UserID}, Origin: origin,
			Text: fmt.Sprintf("%s，主管给你留了一条记录，请私聊我发送 /记录 查看（只有你能看到）。", m.Name)}
		how = fmt.Sprintf("已在群里提醒 %s 私聊查看（群里不显示内容）。", m.Name)
	}
	return how, r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
}

// tellLeaver tells someone who is no longer on the roster something
// private: only an app message can, since they can no longer read /记录.
// Without app messages nothing is sent and the supervisor is asked to tell
// them in person.
func tellLeaver(ctx context.Context, r *commands.Request, m teambot.Member, text, origin string) (string, error) {
	if !r.Engine.Config.DirectMessages {
		return fmt.Sprintf("没有配置应用消息，机器人无法私下通知 %s，请主管当面告知。", m.Name), nil
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{m.UserID}, Text: text, Origin: origin}
	return fmt.Sprintf("已私信通知 %s。", m.Name), r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
}

// entryByID loads the team's ledger entry numbered by the ID argument.
func entryByID(ctx context.Context, r *commands.Request) (teambot.LedgerEntry, error) {
	e, err := txOf(r).LedgerEntryByID(ctx, r.Team.ID, r.ID)
	if errors.Is(err, teambot.ErrNotFound) {
		return e, teambot.NotFound("没有编号为 #%d 的记录。发送 /记录 全部 查看编号。", r.ID)
	}
	return e, err
}

// revokeEntry is /惩处 撤销 编号 理由 (or /嘉奖 撤销): a new entry that
// revokes an earlier one; nothing is changed or deleted.
func revokeEntry(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	e, err := entryByID(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason, err := ledgerReason(r.Tail, revokeHow(r.Command.Chinese))
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case e.Kind == teambot.LedgerRevocation:
		return teambot.Reply{}, teambot.Invalid("#%d 本身是一条撤销记录，不能再撤销。如需恢复，请重新记录。", e.ID)
	case e.RevokedBy != 0:
		return teambot.Reply{}, teambot.Conflict("记录 #%d 已经由 #%d 撤销过了。", e.ID, e.RevokedBy)
	}
	rev := teambot.LedgerEntry{TeamID: r.Team.ID, MemberID: e.MemberID, Kind: teambot.LedgerRevocation, Reason: reason,
		By: r.UserID, At: r.Now, MsgID: r.Message.ID, Revokes: e.ID}
	if err := txOf(r).AddLedgerEntry(ctx, &rev); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, teambot.Conflict("记录 #%d 刚刚已被撤销。", e.ID)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "ledger.revocation", e.UserID, fmt.Sprintf("#%d 撤销 #%d（%s %s），理由 %d 字", rev.ID, e.ID, e.Name, e.Level, utf8.RuneCountInString(reason))); err != nil {
		return teambot.Reply{}, err
	}
	done := fmt.Sprintf("已撤销记录 #%d（%s %s），撤销记录 #%d，理由：%s。", e.ID, e.Name, e.Level, rev.ID, reason)
	origin := fmt.Sprintf("ledger %d", rev.ID)
	switch {
	case e.Kind == teambot.LedgerReward || e.Level == teambot.LevelCriticism:
		return r.ToGroup(ctx, fmt.Sprintf("【撤销】记录 #%d（%s %s）已撤销。理由：%s", e.ID, e.Name, e.Level, reason), origin, nil)
	case teambot.RemovesMember(e.Level):
		// R18: someone removed comes back only by the supervisor's approval.
		done += fmt.Sprintf("撤销不会自动恢复团队名单：%s 要回到团队，须由主管批准其加入申请（/加入 批准 @%s）。", e.Name, e.Name)
	}
	m, err := r.Tx.MemberByUser(ctx, r.Team.ID, e.UserID)
	if err != nil {
		return teambot.Reply{}, err
	}
	tell := tellMember
	if !m.Active() {
		tell = tellLeaver
	}
	how2, err := tell(ctx, r, m, fmt.Sprintf("主管撤销了你的记录 #%d（%s），理由：%s。", e.ID, e.Level, reason), origin)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: done + how2, Private: true}, nil
}

// proposalByID loads the meeting-absence proposal numbered by the ID
// argument, still to be decided.
func proposalByID(ctx context.Context, r *commands.Request) (teambot.MeetingProposal, error) {
	id := r.ID
	all, err := txOf(r).MeetingProposals(ctx, r.Team.ID)
	if err != nil {
		return teambot.MeetingProposal{}, err
	}
	for _, p := range all {
		if p.ID == id {
			if p.Status != teambot.ProposalProposed {
				return p, teambot.Conflict("缺勤提醒 #%d 已经%s了。", p.ID, map[string]string{
					teambot.ProposalConfirmed: "确认", teambot.ProposalDismissed: "驳回或因申诉撤销"}[p.Status])
			}
			return p, nil
		}
	}
	return teambot.MeetingProposal{}, teambot.NotFound("没有编号为 #%d 的缺勤提醒。发送 /会议 建议 查看待处理的提醒。", id)
}

// confirmProposal is /惩处 确认 N: the bot's proposal after two unexcused
// absences in a row (R12) becomes a warning in the ledger.
func confirmProposal(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	p, err := proposalByID(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	m, err := r.Tx.MemberByUser(ctx, r.Team.ID, p.UserID)
	if err != nil {
		return teambot.Reply{}, err
	}
	// An absence under appeal is not settled: the appeal comes first (R12).
	pending, err := txOf(r).MeetingDisputes(ctx, r.Team.ID, teambot.DisputePending)
	if err != nil {
		return teambot.Reply{}, err
	}
	for _, d := range pending {
		if d.MemberID == p.MemberID && (d.MeetingID == p.FirstMeetingID || d.MeetingID == p.SecondMeetingID) {
			return teambot.Reply{}, teambot.Conflict("%s 对 %s 的缺席有待处理的申诉 #%d，请先处理申诉（/会议 申诉 批准 %d 或 /会议 申诉 驳回 %d 说明），再确认。",
				p.Name, commands.MeetingWhen(r, teambot.Meeting{StartsAt: d.StartsAt}), d.ID, d.ID, d.ID)
		}
	}
	if err := decideProposal(ctx, r, p, teambot.ProposalConfirmed); err != nil {
		return teambot.Reply{}, err
	}
	loc := r.Location()
	reason := fmt.Sprintf("连续两次会议无故缺席：%s、%s（缺勤提醒 #%d）",
		lang.DescribeDay(teambot.DateOf(p.FirstAt.In(loc)), r.Today()), lang.DescribeDay(teambot.DateOf(p.SecondAt.In(loc)), r.Today()), p.ID)
	// No ground: the meeting rules set this warning ("连续两次不能参加会议
	// ... 可予以警告", R12), not the rulebook's list of grounds for a
	// penalty, none of which it is (不服从合理指导 needs repeated
	// persuasion ignored, 其它违法违规 a serious breach). It shows as
	// teambot.GroundMeetingRule, told apart by its ProposalID.
	e := teambot.LedgerEntry{TeamID: r.Team.ID, MemberID: m.ID, UserID: m.UserID, Name: m.Name, Kind: teambot.LedgerPenalty,
		Level: teambot.LevelWarning, Reason: reason, By: r.UserID, At: r.Now, MsgID: r.Message.ID, ProposalID: p.ID}
	if err := r.Audit(ctx, "meeting.proposal.confirm", m.UserID, fmt.Sprintf("缺勤提醒 #%d", p.ID)); err != nil {
		return teambot.Reply{}, err
	}
	return addEntry(ctx, r, e, m)
}

// decideProposal records the decision on p, or says someone decided it a
// Moment ago.
func decideProposal(ctx context.Context, r *commands.Request, p teambot.MeetingProposal, status string) error {
	err := txOf(r).DecideMeetingProposal(ctx, r.Team.ID, p.ID, status, r.UserID, r.Now)
	if errors.Is(err, teambot.ErrAlreadyDecided) {
		return teambot.Conflict("缺勤提醒 #%d 刚刚已被处理（确认、驳回或因申诉撤回）。发送 /会议 建议 查看。", p.ID)
	}
	return err
}

// dismissProposal is /惩处 驳回 N 理由: nothing is recorded against the
// member.
func dismissProposal(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	p, err := proposalByID(ctx, r)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason, err := ledgerReason(r.Tail, dismissHow)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := decideProposal(ctx, r, p, teambot.ProposalDismissed); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "meeting.proposal.dismiss", p.UserID, fmt.Sprintf("缺勤提醒 #%d，理由 %d 字", p.ID, utf8.RuneCountInString(reason))); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已驳回缺勤提醒 #%d（%s），不记入 %s 的记录。理由：%s", p.ID, p.Name, p.Name, reason), Private: true}, nil
}

// ledgerRecord is /记录 [@名字] and /记录 全部: a member's entries, shown
// only to the member or the supervisor, or the whole team's (the 全部 row,
// whose Who is the supervisor).
func ledgerRecord(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	f := teambot.LedgerFilter{TeamID: r.Team.ID, MemberID: r.Caller.ID, Limit: ledgerListLength}
	whose := "你"
	switch {
	case r.Sub != nil:
		f.MemberID, whose = 0, "全队"
	case len(r.Args) == 0:
	default:
		m, err := memberAnyStatus(ctx, r, r.Args[0])
		if err != nil {
			return teambot.Reply{}, err
		}
		if m.ID != r.Caller.ID && !r.Caller.IsSupervisor() {
			return teambot.Reply{}, teambot.Forbidden("只能查看自己的记录（发送 /记录）；别人的记录只有主管可以查看%s。", r.SupervisorHint(ctx))
		}
		if m.ID != r.Caller.ID {
			f.MemberID, whose = m.ID, m.Name
		}
	}
	entries, err := txOf(r).LedgerEntries(ctx, f)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(entries) == 0 {
		return teambot.Reply{Text: whose + "还没有嘉奖或惩处记录。", Private: true}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s的嘉奖和惩处记录（最近 %d 条）：", whose, len(entries))
	for _, e := range entries {
		b.WriteString("\n" + entryLine(r, e, f.MemberID == 0))
	}
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// entryLine is one entry for 记录.
func entryLine(r *commands.Request, e teambot.LedgerEntry, withName bool) string {
	day := r.DayOf(e.At)
	name := ""
	if withName {
		name = e.Name + " "
	}
	if e.Kind == teambot.LedgerRevocation {
		return fmt.Sprintf("#%d %s %s撤销 #%d：%s", e.ID, day, name, e.Revokes, e.Reason)
	}
	kind := "嘉奖"
	if e.Kind == teambot.LedgerPenalty {
		kind = "惩处"
	}
	line := fmt.Sprintf("#%d %s %s%s %s%s：%s", e.ID, day, name, kind, e.Level, groundShown(e), e.Reason)
	if e.RevokedBy != 0 {
		line += fmt.Sprintf("（已由 #%d 撤销）", e.RevokedBy)
	}
	return line
}

// memberAnyStatus resolves @名字 against every member, removed ones too:
// the ledger outlives the roster.
func memberAnyStatus(ctx context.Context, r *commands.Request, a teambot.Arg) (teambot.Member, error) {
	m, err := r.Member(ctx, a)
	if err == nil || teambot.KindOf(err) != teambot.KindNotFound {
		return m, err
	}
	if old, err2 := r.Tx.MemberByUser(ctx, r.Team.ID, a.Text); err2 == nil {
		return old, nil
	}
	// A name of someone who left: their entries still name them.
	entries, err2 := txOf(r).LedgerEntries(ctx, teambot.LedgerFilter{TeamID: r.Team.ID})
	if err2 != nil {
		return m, err2
	}
	for _, e := range entries {
		if e.Name == a.Text {
			return r.Tx.MemberByUser(ctx, r.Team.ID, e.UserID)
		}
	}
	return m, err
}
