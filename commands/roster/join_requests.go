package roster

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

// maxJoinReason bounds the reason given when a request is rejected.
const maxJoinReason = 200

// mustSupervise refuses a caller other than the supervisor an action that
// only the supervisor may take within a row anyone may use, such as
// changing the join mode with /团队 加入方式.
func mustSupervise(ctx context.Context, r *commands.Request, what string) error {
	if r.Permits(&commands.Command{Who: commands.Supervisor}) {
		return nil
	}
	return teambot.Forbidden("%s%s 只有主管可以使用%s。", commands.ExSupervisor(ctx, r), what, r.SupervisorHint(ctx))
}

// requestJoin records the sender's request to join and tells the
// Supervisor (R1: the roster is the supervisor's): by app message when one
// can be sent, else by an @mention in the reply to the request.
func requestJoin(ctx context.Context, r *commands.Request, name string, roles []teambot.Role, rejoin bool, sup teambot.Member) (teambot.Reply, error) {
	waiting := func(q teambot.JoinRequest) error {
		return teambot.Conflict("你的加入申请已经提交过（%s，%s），正在等待主管 %s 批准，不用重复发送。",
			q.Name, r.Moment(q.RequestedAt), sup.Name)
	}
	if q, err := r.Tx.PendingJoinRequest(ctx, r.Team.ID, r.UserID); err == nil {
		return teambot.Reply{}, waiting(q)
	} else if !errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, err
	}
	q := teambot.JoinRequest{TeamID: r.Team.ID, UserID: r.UserID, Name: name, Roles: roles, Rejoin: rejoin,
		RequestedAt: r.Now, MsgID: r.Message.ID}
	if err := txOf(r).CreateJoinRequest(ctx, &q); errors.Is(err, teambot.ErrDuplicate) {
		return teambot.Reply{}, waiting(q)
	} else if err != nil {
		return teambot.Reply{}, err
	}
	detail := "名字 " + name + "；角色 " + commands.RoleList(roles)
	if rejoin {
		detail += "；曾被移出团队"
	}
	if err := r.Audit(ctx, "member.request", r.UserID, detail); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已提交加入申请：%s（%s），等待主管 %s 批准。批准前你不在团队名单上，也不能使用成员命令。", name, rolesOrNone(roles), sup.Name)
	if rejoin {
		text = fmt.Sprintf("已提交加入申请：%s（%s），等待主管 %s 批准：你曾被移出团队，回到团队要由主管批准。批准前你不能使用成员命令。", name, rolesOrNone(roles), sup.Name)
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Origin: fmt.Sprintf("join request %d", q.ID),
		Text: fmt.Sprintf("【加入申请】%s（%s）申请加入团队，角色：%s%s。批准：/加入 批准 @%s；拒绝：/加入 拒绝 @%s 理由。",
			q.Name, q.UserID, commands.RoleList(q.Roles), rejoinNote(q), q.Name, q.Name)}
	if commands.PushCards(r) {
		// A card to decide on in the supervisor's single chat.
		card, err := commands.NewCard(ctx, r, teambot.CardJoin, q.ID)
		if err != nil {
			return teambot.Reply{}, err
		}
		msg.Card = card
	}
	if !r.Engine.Config.DirectMessages && msg.Card == nil {
		// The request was made in the group: the reply tells the
		// supervisor, with nothing the group has not just seen.
		return teambot.Reply{Text: text + "\n" + sup.Name + "，请私聊我发送 /加入 列表 查看并处理。", Mentions: []string{sup.UserID}}, nil
	}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if !r.Engine.Config.DirectMessages {
		return teambot.Reply{Text: text + "\n已发给主管 " + sup.Name + " 处理。", Mentions: []string{sup.UserID}}, nil
	}
	return teambot.Reply{Text: text + "已私信通知主管。"}, nil
}

func rejoinNote(q teambot.JoinRequest) string {
	if q.Rejoin {
		return "（曾被移出团队）"
	}
	return ""
}

func rolesOrNone(roles []teambot.Role) string {
	if len(roles) == 0 {
		return "暂无角色"
	}
	return commands.RoleList(roles)
}

// listJoinRequests is /加入 列表: the requests waiting for the supervisor.
func listJoinRequests(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	reqs, err := r.Tx.PendingJoinRequests(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(reqs) == 0 {
		return teambot.Reply{Text: "没有待批准的加入申请。", Private: true}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "待批准的加入申请（%d 个）：", len(reqs))
	for _, q := range reqs {
		fmt.Fprintf(&b, "\n%s（%s）· 角色 %s · %s 申请%s", q.Name, q.UserID, commands.RoleList(q.Roles),
			r.Moment(q.RequestedAt), rejoinNote(q))
	}
	b.WriteString("\n批准：/加入 批准 @名字；拒绝：/加入 拒绝 @名字 理由。")
	return teambot.Reply{Text: b.String(), Private: true}, nil
}

// approveJoin is /加入 批准 @名字: the person goes on the roster with the
// name and roles they asked for.
func approveJoin(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	q, err := requestToDecide(ctx, r, "批准")
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := commands.NameFree(ctx, r, q.Name, q.UserID); err != nil {
		return teambot.Reply{}, teambot.Conflict("%s申请人需要换个名字：请用 /加入 拒绝 @%s 名字重复 让对方换个名字再申请。", teambot.UserMessage(err), q.Name)
	}
	m, err := addOrRejoin(ctx, r, q.UserID, q.Name, q.Roles)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := txOf(r).DecideJoinRequest(ctx, r.Team.ID, q.ID, teambot.JoinApproved, r.UserID, "", r.Now); err != nil {
		return teambot.Reply{}, err
	}
	detail, verb := "名字 "+m.Name+"；角色 "+commands.RoleList(m.Roles), "加入"
	if q.Rejoin {
		detail, verb = detail+"；重新加入", "重新加入"
	}
	if err := r.Audit(ctx, "member.approve", m.UserID, detail); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已批准 %s %s团队，角色：%s。", m.Name, verb, commands.RoleList(m.Roles))
	// Accounts registered to a member who was removed return with them:
	// the supervisor, who approved knowing whom, is told and may hand them
	// over to someone else (R13).
	accounts, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, OwnerID: m.ID, Status: teambot.AccountActive})
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(accounts) > 0 {
		text += fmt.Sprintf("%s 名下还登记着 %d 个账号，现在重新由 %s 负责；如需交给别人，请用 /账号 移交 编号 @名字。", m.Name, len(accounts), m.Name)
	}
	return r.ToGroup(ctx, text, fmt.Sprintf("join request %d", q.ID), []string{m.UserID})
}

// rejectJoin is /加入 拒绝 @名字 [理由]: the person hears it (the reason
// only by app message), the group never sees the reason.
func rejectJoin(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	q, err := requestToDecide(ctx, r, "拒绝")
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := strings.TrimSpace(strings.Join(lang.ArgTexts(r.Params[1:]), " "))
	if n := utf8.RuneCountInString(reason); n > maxJoinReason {
		return teambot.Reply{}, teambot.Invalid("理由最多 %d 字，这条有 %d 字，请写简短些。", maxJoinReason, n)
	}
	if err := txOf(r).DecideJoinRequest(ctx, r.Team.ID, q.ID, teambot.JoinRejected, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "member.reject", q.UserID, fmt.Sprintf("名字 %s；理由 %d 字", q.Name, utf8.RuneCountInString(reason))); err != nil {
		return teambot.Reply{}, err
	}
	origin := fmt.Sprintf("join request %d", q.ID)
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{q.UserID}, Origin: origin,
		Text: "你加入团队的申请没有获得主管批准。"}
	how := fmt.Sprintf("已私信通知 %s。", q.Name)
	if reason != "" {
		msg.Text += "理由：" + reason
	}
	if !r.Engine.Config.DirectMessages {
		msg = teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Mentions: []string{q.UserID}, Origin: origin,
			Text: fmt.Sprintf("%s，你的加入申请没有获得批准，详情请与主管联系。", q.Name)}
		how = fmt.Sprintf("已在群里告诉 %s 申请未获批准（不含理由），理由请当面告知。", q.Name)
	}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已拒绝 %s 的加入申请。%s", q.Name, how), Private: true}, nil
}

// requestToDecide is the pending request that /加入 批准 or /加入 拒绝
// (verb) names, read with the team locked; LockTeam checks again that the
// caller is still the supervisor the row requires.
func requestToDecide(ctx context.Context, r *commands.Request, verb string) (teambot.JoinRequest, error) {
	if err := r.LockTeam(ctx); err != nil {
		return teambot.JoinRequest{}, err
	}
	return joinRequestArg(ctx, r, verb)
}

// joinRequestArg finds the pending request named by the row's first argument,
// by the name asked for or the WeCom userid; it never guesses.
func joinRequestArg(ctx context.Context, r *commands.Request, verb string) (teambot.JoinRequest, error) {
	how := fmt.Sprintf("请写成 /加入 %s @名字", verb)
	if verb == "拒绝" {
		how += " [理由]"
	}
	if len(r.Params) == 0 {
		return teambot.JoinRequest{}, teambot.Invalid("请写上申请人。%s，待批准的申请用 /加入 列表 查看。", how)
	}
	name := r.Params[0].Text
	reqs, err := r.Tx.PendingJoinRequests(ctx, r.Team.ID)
	if err != nil {
		return teambot.JoinRequest{}, err
	}
	var found []teambot.JoinRequest
	for _, q := range reqs {
		if q.Name == name || strings.EqualFold(q.UserID, name) {
			found = append(found, q)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		parts := make([]string, len(found))
		for i, q := range found {
			parts[i] = fmt.Sprintf("%s（企业微信账号 %s）", q.Name, q.UserID)
		}
		return teambot.JoinRequest{}, teambot.Invalid("「%s」可能指 %d 个申请：%s。请改写成只对应一个人的名字或账号。", name, len(found), strings.Join(parts, "、"))
	case len(reqs) == 0:
		return teambot.JoinRequest{}, teambot.NotFound("没有「%s」的加入申请：现在没有待批准的申请。", name)
	}
	names := make([]string, len(reqs))
	for i, q := range reqs {
		names[i] = q.Name
	}
	return teambot.JoinRequest{}, teambot.NotFound("没有「%s」的加入申请。待批准的有：%s。%s。", name, strings.Join(names, "、"), how)
}

// joinMode is /团队 加入方式 [自由|审批]: shown to anyone, changed by the
// Supervisor (R1).
func joinMode(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) == 0 {
		return teambot.Reply{Text: "加入方式：" + joinModeWord(r.Team.JoinMode) + "，" + joinModeText(r.Team.JoinMode) + "。主管可以用 /团队 加入方式 自由|审批 修改。"}, nil
	}
	if err := r.LockTeam(ctx); err != nil {
		return teambot.Reply{}, err
	}
	// Seeing the mode is for anyone; changing it is the supervisor's, so
	// this check stays here rather than in the row's Who.
	if err := mustSupervise(ctx, r, "修改加入方式"); err != nil {
		return teambot.Reply{}, err
	}
	var mode teambot.JoinMode
	switch strings.ToLower(r.Params[0].Text) {
	case "自由", "open", "free":
		mode = teambot.JoinOpen
	case "审批", "approval", "approve":
		mode = teambot.JoinApproval
	default:
		return teambot.Reply{}, teambot.Invalid("加入方式只有 自由 和 审批 两种：/团队 加入方式 自由 让新成员直接登记，/团队 加入方式 审批 要由主管批准。")
	}
	if len(r.Params) > 1 {
		return teambot.Reply{}, teambot.Invalid("请只写一种加入方式，例如 /团队 加入方式 审批。")
	}
	old := r.Team.JoinMode
	if err := txOf(r).SetJoinMode(ctx, r.Team.ID, mode); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "team.join_mode", r.ChatID, "原 "+joinModeWord(old)+"；新 "+joinModeWord(mode)); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: "加入方式已改为「" + joinModeWord(mode) + "」：" + joinModeText(mode) + "。"}, nil
}

func joinModeWord(m teambot.JoinMode) string {
	if m == teambot.JoinOpen {
		return "自由"
	}
	return "审批"
}

// joinModeText explains a join mode; removed members always need approval.
func joinModeText(m teambot.JoinMode) string {
	if m == teambot.JoinOpen {
		return "新成员发送 /加入 即可登记（曾被移出团队的人仍要主管批准）"
	}
	return "/加入 要由主管批准后才进入团队名单"
}
