package escalate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"unicode/utf8"

	"teambot"
)

// Escalation (R16): a member reports a problem they could not solve, the
// Supervisor is told, lists the problems and resolves them; the open ones
// appear in the weekly digest.
//
// Decisions:
//   - Every active member may escalate, the supervisor too (then it is only
//     recorded: there is nobody to tell).
//   - The text is private (R14): it is shown in full only to the supervisor
//     and the reporter, in a single chat or an app message. The group learns
//     that someone reported a problem and its number, never what it is; the
//     audit log keeps the number and the length.
//   - A problem is raised, and resolved, in a single chat only: typed in a
//     group it is refused before anything is stored (NeedSingleChat), so
//     the replies of both are the sender's alone.
//   - The supervisor hears of a new problem by app message with the text
//     when the app is configured, else by a group message with an @mention
//     that asks them to read it in a single chat.
//   - A resolution needs a note on how the problem was handled. The reporter
//     is told by app message with the note, else by a group message with an
//     @mention, without it; a reporter who has left the team is not told.
//   - /上报 处理 (解决) and /上报 列表 are strict: a problem that starts
//     with those words has to be worded differently, so that a typo never
//     reports a problem by mistake.
const (
	maxResolutionRunes = 500
	// escalationListLimit bounds /上报 列表 全部 and a member's own list.
	escalationListLimit = 30
)

// Commands are the escalation commands' rows of the command table.
func Commands() []*commands.Command {
	return []*commands.Command{
		{
			Name: "escalate", Chinese: "上报", Aliases: []string{"escalation"},
			Summary: "把自己解决不了的问题上报给主管（内容只有主管和你能看到）；主管查看、处理",
			Usage:   "问题描述",
			Examples: []string{"/上报 公众号评论区有人连续发广告，已截图备份并删除，需要主管决定是否拉黑", "/上报 列表",
				"/上报 列表 全部", "/上报 处理 3 已联系平台封禁该账号"},
			Who: commands.Member, Handler: escalate,
			Sub: []*commands.Command{
				{Name: "list", Chinese: "列表", Usage: "[全部]", Summary: "查看上报：主管看待处理的（全部：连同已处理的），成员看自己的",
					Who: commands.Member, Handler: listEscalations},
				// Who stays Member: a member who writes 处理 is told, besides
				// that only the supervisor resolves, how to report a problem
				// that starts with the word (resolveEscalation).
				{Name: "resolve", Chinese: "处理", Aliases: []string{"解决"}, Usage: "编号 处理说明",
					Summary: "主管在单聊里处理上报，处理说明会告诉上报的人",
					Who:     commands.Member, Handler: resolveEscalation},
			},
		},
	}
}

// Reminders are the escalation reminders' rows of the reminder
// table: none of their own, the weekly digest (周报汇总) lists the open ones.
func Reminders() []commands.Reminder { return nil }

// escalate is /上报 with free text: it reports a problem (the rows of Sub
// list and resolve them).
func escalate(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Args) == 0 {
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上要上报的问题。")
	}
	if err := r.NeedSingleChat("上报的问题", "/上报 问题描述"); err != nil {
		return teambot.Reply{}, err
	}
	return raiseEscalation(ctx, r)
}

// raiseEscalation is /上报 TEXT, sent in a single chat: the problem is
// recorded open and the supervisor is told (R16).
func raiseEscalation(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	text := lang.FreeText(r.Rest)
	n := utf8.RuneCountInString(text)
	switch {
	case text == "":
		return teambot.Reply{}, commands.UsageError(r.Command, "请写上要上报的问题。")
	case n > teambot.MaxEscalationRunes:
		return teambot.Reply{}, teambot.Invalid("上报的内容最多 %d 字，这条有 %d 字。请写简短些，截图和材料可以另外私下发给主管。", teambot.MaxEscalationRunes, n)
	}
	e := teambot.Escalation{TeamID: r.Team.ID, MemberID: r.Caller.ID, Text: text, CreatedAt: r.Now, MsgID: r.Message.ID}
	if err := txOf(r).CreateEscalation(ctx, &e); err != nil {
		return teambot.Reply{}, err
	}
	// The audit says which and how long, never what (R14).
	if err := r.Audit(ctx, "escalation.create", r.UserID, fmt.Sprintf("#%d，%d 字", e.ID, n)); err != nil {
		return teambot.Reply{}, err
	}
	e.UserID, e.Name = r.UserID, r.Caller.Name

	// A single chat: what was recorded is echoed to the sender alone.
	echo := "\n上报的内容：\n" + text
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case !ok:
		return teambot.Reply{Text: fmt.Sprintf("已记下上报，编号 #%d。团队还没有主管：指定主管后，主管发送 /上报 列表 可以查看。%s", e.ID, echo)}, nil
	case sup.ID == r.Caller.ID:
		return teambot.Reply{Text: fmt.Sprintf("你是主管，已记下上报，编号 #%d。处理后发送 /上报 处理 %d 处理说明。%s", e.ID, e.ID, echo)}, nil
	case r.Engine.Config.DirectMessages:
		// The supervisor reads it privately, through the outbox in this
		// same transaction.
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
			Text: escalationNotice(r, e), Origin: fmt.Sprintf("escalation #%d", e.ID)}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: fmt.Sprintf("已上报给主管，编号 #%d。已私信通知主管 %s，内容只有主管和你能看到。%s", e.ID, sup.Name, echo)}, nil
	}
	// Without the app the supervisor is @mentioned in the group, which
	// never sees the text.
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: escalationGroupNotice(e),
		Mentions: []string{sup.UserID}, Origin: fmt.Sprintf("escalation #%d", e.ID)}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已上报给主管，编号 #%d。已在群里提醒主管 %s 私聊我查看，群里不显示内容。%s", e.ID, sup.Name, echo)}, nil
}

// escalationNotice is the supervisor's private message about a new
// problem, with its text.
func escalationNotice(r *commands.Request, e teambot.Escalation) string {
	return fmt.Sprintf("【上报 #%d】%s 上报了一个问题（%s）：\n%s\n处理后发送 /上报 处理 %d 处理说明，%s 会收到通知。",
		e.ID, e.Name, r.Moment(e.CreatedAt), e.Text, e.ID, e.Name)
}

// escalationGroupNotice tells the supervisor in the group that a problem
// waits, without saying what it is (R14).
func escalationGroupNotice(e teambot.Escalation) string {
	return fmt.Sprintf("%s 上报了一个问题（#%d），请主管私聊我发送 /上报 列表 查看。", e.Name, e.ID)
}

// listEscalations is /上报 列表 [全部]: the supervisor sees the open
// problems (全部: the newest escalationListLimit of every status), a member
// their own. Texts and notes only in a single chat; in the group, numbers
// and names (R14).
func listEscalations(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	all := false
	switch args := r.Params; {
	case len(args) == 1 && (args[0].Text == "全部" || strings.EqualFold(args[0].Text, "all")):
		all = true
	case len(args) > 0:
		return teambot.Reply{}, commands.UsageError(r.Command, "/上报 列表 后面只能写「全部」。要上报的问题如果以「列表」开头，请换个说法。")
	}
	sup := r.Caller.IsSupervisor()
	f := teambot.EscalationFilter{TeamID: r.Team.ID}
	switch {
	case !sup:
		f.MemberID, f.Limit = r.Caller.ID, escalationListLimit
	case all:
		f.Limit = escalationListLimit
	default:
		f.Statuses = []string{teambot.EscalationOpen}
	}
	list, err := txOf(r).Escalations(ctx, f)
	if err != nil {
		return teambot.Reply{}, err
	}
	title := "未处理的上报"
	switch {
	case !sup:
		title = "你上报的问题"
	case all:
		title = "最近的上报"
	}
	if len(list) == 0 {
		none := title + "：没有。"
		if !sup {
			none = "你还没有上报过问题。发送 /上报 问题描述 上报给主管。"
		}
		return teambot.Reply{Text: none, Private: true}, nil
	}
	if !r.Single() {
		again := "/上报 列表"
		if all {
			again += " 全部"
		}
		return teambot.Reply{Text: escalationSummary(title, list, sup, again), Private: true}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%d 条）：", title, len(list))
	for _, e := range list {
		b.WriteString("\n\n" + escalationEntry(r, e, sup))
	}
	if sup {
		b.WriteString("\n\n处理：/上报 处理 编号 处理说明")
		if !all {
			b.WriteString("；已处理的：/上报 列表 全部")
		}
		b.WriteString("。")
	}
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// escalationSummary is a list for the group: numbers, and for the
// Supervisor the reporters' names; no texts, no notes (R14). again is the
// command that shows the list in full in a single chat.
func escalationSummary(title string, list []teambot.Escalation, withName bool, again string) string {
	var open, resolved []string
	for _, e := range list {
		s := fmt.Sprintf("#%d", e.ID)
		if withName {
			s += " " + e.Name
		}
		if e.Open() {
			open = append(open, s)
		} else {
			resolved = append(resolved, s)
		}
	}
	var parts []string
	if len(open) > 0 {
		parts = append(parts, fmt.Sprintf("未处理 %d 条（%s）", len(open), strings.Join(open, "、")))
	}
	if len(resolved) > 0 {
		parts = append(parts, fmt.Sprintf("已处理 %d 条（%s）", len(resolved), strings.Join(resolved, "、")))
	}
	return fmt.Sprintf("%s %d 条：%s。内容和处理说明只在私聊里显示：请私聊我发送 %s 查看。",
		title, len(list), strings.Join(parts, "，"), again)
}

// escalationEntry is one escalation in full, for a single chat.
func escalationEntry(r *commands.Request, e teambot.Escalation, withName bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d ", e.ID)
	if withName {
		b.WriteString(e.Name + " ")
	}
	fmt.Fprintf(&b, "· %s · %s\n%s", r.Moment(e.CreatedAt), escalationStatusCN(e.Status), e.Text)
	if !e.Open() {
		fmt.Fprintf(&b, "\n处理说明（%s）：%s", r.Moment(e.ResolvedAt), e.Resolution)
	}
	return b.String()
}

func escalationStatusCN(status string) string {
	switch status {
	case teambot.EscalationOpen:
		return "未处理"
	case teambot.EscalationResolved:
		return "已处理"
	}
	return status
}

// resolveEscalation is /上报 处理 ID NOTE, for the supervisor in a single
// chat: the problem is resolved with a note on how, and the reporter is
// told.
func resolveEscalation(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	idText, note := escalationIDAndNote(r.Tail)
	if !r.Caller.IsSupervisor() {
		hint := ""
		if !isEscalationID(idText) {
			hint = fmt.Sprintf("要上报的问题如果以「%s」开头，请换个说法，例如 /上报 客户投诉没人处理：…", r.Args[0].Text)
		}
		return teambot.Reply{}, teambot.Forbidden("处理上报只有主管可以操作%s。%s", r.SupervisorHint(ctx), hint)
	}
	const how = "例如 /上报 处理 3 已联系平台封禁该账号。发送 /上报 列表 查看编号。"
	if err := r.NeedSingleChat("处理说明", "/上报 处理 编号 说明"); err != nil {
		return teambot.Reply{}, err
	}
	if idText == "" {
		return teambot.Reply{}, teambot.Invalid("请写上上报的编号和处理说明，%s", how)
	}
	if !isEscalationID(idText) {
		return teambot.Reply{}, teambot.Invalid("「%s」不是上报的编号，编号是数字，%s", lang.Clip(idText), how)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(idText, "#"), 10, 64)
	e, err := txOf(r).EscalationByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, teambot.NotFound("没有编号 #%d 的上报。发送 /上报 列表 查看编号。", id)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	if !e.Open() {
		return teambot.Reply{}, escalationResolvedConflict(r, e)
	}
	switch n := utf8.RuneCountInString(note); {
	case note == "":
		return teambot.Reply{}, teambot.Invalid("请写上处理说明，例如 /上报 处理 %d 已联系平台封禁该账号。处理说明会告诉上报的人。", id)
	case n > maxResolutionRunes:
		return teambot.Reply{}, teambot.Invalid("处理说明最多 %d 字，这条有 %d 字，请写简短些。", maxResolutionRunes, n)
	}
	if err := txOf(r).ResolveEscalation(ctx, r.Team.ID, e.ID, r.UserID, note, r.Now); errors.Is(err, teambot.ErrEscalationResolved) {
		now, rerr := txOf(r).EscalationByID(ctx, r.Team.ID, e.ID)
		if rerr != nil {
			return teambot.Reply{}, errors.Join(err, rerr)
		}
		return teambot.Reply{}, escalationResolvedConflict(r, now)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	// The audit says which, never how: the note is as private as the text.
	if err := r.Audit(ctx, "escalation.resolve", e.UserID, fmt.Sprintf("#%d", e.ID)); err != nil {
		return teambot.Reply{}, err
	}
	return tellReporter(ctx, r, e, note)
}

// tellReporter answers the supervisor who resolved e, in their single chat
// and with the note, and tells its reporter: by app message with the note,
// or by an @mention in the group without it.
func tellReporter(ctx context.Context, r *commands.Request, e teambot.Escalation, note string) (teambot.Reply, error) {
	text := fmt.Sprintf("已处理 %s 上报的问题 #%d。处理说明：%s。", e.Name, e.ID, note)
	if e.MemberID == r.Caller.ID {
		text = fmt.Sprintf("已处理你自己上报的问题 #%d。处理说明：%s。", e.ID, note)
	}
	origin := fmt.Sprintf("escalation #%d resolved", e.ID)
	member, err := r.Tx.MemberByUser(ctx, r.Team.ID, e.UserID)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case e.MemberID == r.Caller.ID:
		return teambot.Reply{Text: text}, nil
	case !member.Active():
		return teambot.Reply{Text: text + fmt.Sprintf("%s 已不在团队里，没有通知。", e.Name)}, nil
	case r.Engine.Config.DirectMessages:
		notice := fmt.Sprintf("你上报的问题 #%d（%s）已由主管处理。\n处理说明：%s", e.ID, lang.FirstLine(e.Text, lang.FirstLineRunes), note)
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{e.UserID}, Text: notice, Origin: origin}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: text + fmt.Sprintf("已私信通知 %s。", e.Name)}, nil
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: reporterGroupNotice(e),
		Mentions: []string{e.UserID}, Origin: origin}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text + fmt.Sprintf("已在群里提醒 %s，群里不显示处理说明。", e.Name)}, nil
}

// reporterGroupNotice tells a reporter in the group that their problem was
// resolved, without the note (R14).
func reporterGroupNotice(e teambot.Escalation) string {
	return fmt.Sprintf("%s：你上报的问题 #%d 已由主管处理，请私聊我发送 /上报 列表 查看处理说明。", e.Name, e.ID)
}

// escalationResolvedConflict says that e was resolved already, and when.
func escalationResolvedConflict(r *commands.Request, e teambot.Escalation) error {
	return teambot.Conflict("上报 #%d 已经在 %s 处理过了，不能再处理。发送 /上报 列表 全部 查看。", e.ID, r.Moment(e.ResolvedAt))
}

// escalationIDAndNote reads what follows 处理, as written: the
// escalation's number, which ends at a separator or a colon ("3 已解决",
// "3：已解决"), and the note after it. The engine's ArgID would take
// "3：已解决" as one word, so the number is read here.
func escalationIDAndNote(tail string) (id, note string) {
	words := lang.RestWords(tail)
	if len(words) == 0 {
		return "", ""
	}
	s := tail[words[0].At:]
	end := strings.IndexFunc(s, func(r rune) bool { return lang.IsSpace(r) || lang.IsColon(r) })
	if end < 0 {
		return words[0].Text, ""
	}
	return lang.Normalize(s[:end]), lang.FreeText(s[end:])
}

// isEscalationID reports whether s is an escalation number: 3 or #3.
func isEscalationID(s string) bool {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return err == nil && id > 0
}
