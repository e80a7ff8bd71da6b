package approval

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// askRequest is /发布 申请, /合作 申请 and /投放 申请: a pending request of
// the caller, sent to the supervisor privately. A post on a platform whose
// posts need no review (platformReviews) is approved at once, and the
// record says so.
func askRequest(ctx context.Context, r *commands.Request, k *kind) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	how := "例如 " + k.example + "。"
	words := lang.RestWords(r.Tail)
	if len(words) == 0 {
		return teambot.Reply{}, commands.UsageError(r.Sub, "请写上申请的内容。")
	}
	a := teambot.Approval{TeamID: r.Team.ID, Kind: k.name, MemberID: r.Caller.ID, UserID: r.Caller.UserID, Name: r.Caller.Name, CreatedAt: r.Now}
	if k.platform {
		p, err := teamPlatform(ctx, r, words[0].Text)
		if err != nil {
			return teambot.Reply{}, err
		}
		a.Platform, words = p, words[1:]
	}
	c, err := k.content(r, r.Tail, words, how)
	if err != nil {
		return teambot.Reply{}, err
	}
	a.ApprovalContent = c
	if err := txOf(r).CreateApproval(ctx, &a); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "approval.request", r.UserID, detail(a)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已提交%s #%d：%s。", k.noun, a.ID, describe(r, a))
	if k == post {
		review, err := needsReview(ctx, r, a)
		if err != nil {
			return teambot.Reply{}, err
		}
		if !review {
			// Recorded as approved by the platform's setting, so /更新 stays
			// the quick path where the supervisor wants no review.
			if err := txOf(r).DecideApproval(ctx, r.Team.ID, a.ID, teambot.EventAutoApproved, systemUser, "", r.Now); err != nil {
				return teambot.Reply{}, err
			}
			if err := r.Audit(ctx, "approval.auto", r.UserID, detail(a)); err != nil {
				return teambot.Reply{}, err
			}
			text += fmt.Sprintf("%s 的日常发布不需要审核，已自动通过。发出后发送 /发布 已发 %d [链接]，会自动记为本周的更新。", a.Platform, a.ID)
			return teambot.Reply{Text: text}, nil
		}
	}
	return toSupervisor(ctx, r, k, a, text, "")
}

// systemUser is who approves a post whose platform needs no review, in the
// records.
const systemUser = "system"

// toSupervisor finishes the reply to a new or revised request: it reaches
// the supervisor privately (a card where cards can be pushed, a private
// message where direct messages are configured) or, failing both, by an
// @mention in the group reply. what says what happened ("" for a new
// request, "修改了" for a revision).
func toSupervisor(ctx context.Context, r *commands.Request, k *kind, a teambot.Approval, text, what string) (teambot.Reply, error) {
	reply := teambot.Reply{Text: text}
	sup, ok, err := r.FindSupervisor(ctx)
	switch {
	case err != nil:
		return teambot.Reply{}, err
	case !ok:
		reply.Text += "团队还没有主管，指定主管后由主管审核。"
		return reply, nil
	case sup.ID == r.Caller.ID:
		reply.Text += fmt.Sprintf("你是主管，发送 /%s 批准 %d 记下批准（自己的申请也留有记录）。", k.word, a.ID)
		return reply, nil
	}
	verb := "提交了"
	if what != "" {
		verb = what
	}
	private := fmt.Sprintf("%s %s%s #%d：%s。批准：/%s 批准 %d；驳回：/%s 驳回 %d 理由；退回修改：/%s 退回 %d 意见。",
		r.Caller.Name, verb, k.noun, a.ID, describe(r, a), k.word, a.ID, k.word, a.ID, k.word, a.ID)
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Text: private,
		Origin: fmt.Sprintf("approval %d", a.ID)}
	switch {
	case commands.PushCards(r):
		caller := r.Caller
		r.Caller = &sup
		msg.Card, err = commands.NewCard(ctx, r, teambot.CardApproval, a.ID)
		r.Caller = caller
		if err != nil {
			return teambot.Reply{}, err
		}
	case !r.Engine.Config.DirectMessages:
		reply.Text += fmt.Sprintf("等待主管 %s 审核：/%s 批准 %d、/%s 驳回 %d 理由 或 /%s 退回 %d 意见。", sup.Name, k.word, a.ID, k.word, a.ID, k.word, a.ID)
		reply.Mentions = []string{sup.UserID}
		return reply, nil
	}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	reply.Text += fmt.Sprintf("已私下送主管 %s 审核，结果会私信告诉你。", sup.Name)
	return reply, nil
}

// reviseRequest is /发布 修改 ID …: the requester's new version of a
// request that was returned or is still waiting; the earlier versions are
// kept. It goes to the supervisor again.
func reviseRequest(ctx context.Context, r *commands.Request, k *kind) (teambot.Reply, error) {
	a, err := requestByID(ctx, r, k)
	if err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case a.MemberID != r.Caller.ID:
		return teambot.Reply{}, teambot.Forbidden("%s #%d 是 %s 的申请，只有申请人本人可以修改。", k.noun, a.ID, a.Name)
	case !a.Open():
		return teambot.Reply{}, statusConflict(ctx, r, k, a)
	}
	how := fmt.Sprintf("例如 /%s 修改 %d %s。", k.word, a.ID, k.usage)
	c, err := k.content(r, r.Tail, lang.RestWords(r.Tail), how)
	if err != nil {
		return teambot.Reply{}, err
	}
	version, err := txOf(r).ReviseApproval(ctx, r.Team.ID, a.ID, c, r.UserID, r.Now)
	if err != nil {
		return teambot.Reply{}, changeError(ctx, r, k, a, err)
	}
	a.ApprovalContent, a.Version, a.Status = c, version, teambot.ApprovalPending
	if err := r.Audit(ctx, "approval.revise", r.UserID, fmt.Sprintf("%s 第 %d 版", detail(a), version)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已修改%s #%d（第 %d 版）：%s。", k.noun, a.ID, version, describe(r, a))
	return toSupervisor(ctx, r, k, a, text, "修改了")
}

// decideRequest is /发布 批准 ID, /发布 驳回 ID 理由 and /发布 退回 ID 意见
// (and the same of /合作 and /投放), for the supervisor. The requester
// hears of it privately, with the reason or remarks, as leave's decisions
// are told (R14: never the reason in the group). The supervisor may decide
// her own request: she has the highest authority over the platforms (R1),
// and the history records that she decided it herself.
func decideRequest(ctx context.Context, r *commands.Request, k *kind, event string) (teambot.Reply, error) {
	verb := map[string]string{teambot.EventApproved: "批准", teambot.EventRejected: "驳回", teambot.EventReturned: "退回"}[event]
	a, err := requestByID(ctx, r, k)
	if err != nil {
		return teambot.Reply{}, err
	}
	var note string
	if event != teambot.EventApproved {
		note = lang.FreeText(r.Tail)
		what := map[string]string{teambot.EventRejected: "理由", teambot.EventReturned: "修改意见"}[event]
		if note == "" {
			return teambot.Reply{}, teambot.Invalid("%s要写%s，例如 /%s %s %d 标题太长，请改短。", verb, what, k.word, verb, a.ID)
		}
		if n := len([]rune(note)); n > maxDetailRunes {
			return teambot.Reply{}, teambot.Invalid("%s最多 %d 字，这条有 %d 字。", what, maxDetailRunes, n)
		}
	}
	if a.Status != teambot.ApprovalPending {
		return teambot.Reply{}, statusConflict(ctx, r, k, a)
	}
	// A requester who left the team (removed, dismissed) is not told a
	// decision nor can act on it; /审批 no longer lists the request.
	if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, a.UserID); err != nil && !errors.Is(err, teambot.ErrNotFound) {
		return teambot.Reply{}, err
	} else if err != nil || !m.Active() {
		return teambot.Reply{}, teambot.Conflict("%s #%d 的申请人 %s 已不在团队，这条申请不再审核。", k.noun, a.ID, a.Name)
	}
	if err := txOf(r).DecideApproval(ctx, r.Team.ID, a.ID, event, r.UserID, note, r.Now); err != nil {
		return teambot.Reply{}, changeError(ctx, r, k, a, err)
	}
	if err := r.Audit(ctx, "approval."+event, a.UserID, detail(a)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已%s %s 的%s #%d：%s。", verb, a.Name, k.noun, a.ID, describe(r, a))
	if a.UserID == r.UserID {
		return teambot.Reply{Text: text + "这是你自己的申请，已记录为你本人" + verb + "。"}, nil
	}
	notice := fmt.Sprintf("你的%s #%d（%s）已被主管%s。", k.noun, a.ID, describe(r, a), verb)
	switch event {
	case teambot.EventRejected:
		notice += "理由：" + note + "。"
	case teambot.EventReturned:
		notice += fmt.Sprintf("修改意见：%s。改好后发送 /%s 修改 %d %s。", note, k.word, a.ID, k.usage)
	default:
		notice += afterApproval(k, a)
	}
	if r.Engine.Config.DirectMessages {
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{a.UserID}, Text: notice,
			Origin: fmt.Sprintf("approval.%s %d", event, a.ID)}
		if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
			return teambot.Reply{}, err
		}
		return teambot.Reply{Text: text + fmt.Sprintf("已私信通知 %s。", a.Name)}, nil
	}
	if r.Single() {
		if note != "" {
			text += "（" + note + "）"
		}
		return teambot.Reply{Text: text + fmt.Sprintf("这是私聊，%s 不会收到通知，请另行告知；对方发送 /%s 查看 %d 可以看到结果。", a.Name, k.word, a.ID)}, nil
	}
	if note != "" {
		text += fmt.Sprintf("意见已记下，不在群里显示：%s 私聊发送 /%s 查看 %d 可以看到。", a.Name, k.word, a.ID)
	}
	return teambot.Reply{Text: text, Mentions: []string{a.UserID}}, nil
}

// afterApproval is what the requester does next once approved.
func afterApproval(k *kind, a teambot.Approval) string {
	switch k {
	case post:
		return fmt.Sprintf("发出后发送 /发布 已发 %d [链接]，会自动记为本周的更新。", a.ID)
	case placement:
		return fmt.Sprintf("投放结束后发送 /投放 结果 %d 曝光 数字 点击 数字 花费 数字 说明。", a.ID)
	}
	return ""
}

// requestByID loads the team's request numbered by the ID argument, of
// kind k: a request of another kind is answered with its own command, one
// of another team as not found.
func requestByID(ctx context.Context, r *commands.Request, k *kind) (teambot.Approval, error) {
	a, err := txOf(r).ApprovalByID(ctx, r.Team.ID, r.ID)
	if errors.Is(err, teambot.ErrNotFound) {
		return a, teambot.NotFound("没有编号 #%d 的申请。主管发送 /审批 可以查看等待中的申请。", r.ID)
	} else if err != nil {
		return a, err
	}
	if a.Kind != k.name {
		other := kindOf(a.Kind)
		return a, teambot.Invalid("#%d 是%s，不是%s：请用 /%s %s %d。", a.ID, other.noun, k.noun, other.word, r.Sub.Chinese, a.ID)
	}
	return a, nil
}

// changeError words a change storage refused because the request changed
// in the meantime (two decisions at once, a stale card).
func changeError(ctx context.Context, r *commands.Request, k *kind, a teambot.Approval, err error) error {
	if !errors.Is(err, teambot.ErrAlreadyDecided) {
		return err
	}
	now, rerr := txOf(r).ApprovalByID(ctx, r.Team.ID, a.ID)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	return statusConflict(ctx, r, k, now)
}

// statusConflict says where a request stands when it cannot be changed
// the way asked: decided already (by whom and when), or waiting for its
// requester's revision.
func statusConflict(ctx context.Context, r *commands.Request, k *kind, a teambot.Approval) error {
	switch a.Status {
	case teambot.ApprovalPending:
		return teambot.Conflict("%s #%d 还在等待主管审核。", k.noun, a.ID)
	case teambot.ApprovalReturned:
		return teambot.Conflict("%s #%d 已退回修改，等 %s 用 /%s 修改 %d 改好后再审核。", k.noun, a.ID, a.Name, k.word, a.ID)
	}
	if a.DecidedBy == systemUser {
		return teambot.Conflict("%s #%d 在 %s 已自动通过（%s 的日常发布不需要审核），不能再改。", k.noun, a.ID, r.Moment(a.DecidedAt), a.Platform)
	}
	done, err := commands.Decided(ctx, r, statusCN(a.Status), a.DecidedBy, a.DecidedAt)
	if err != nil {
		return err
	}
	if a.Status == teambot.ApprovalPublished {
		return teambot.Conflict("%s #%d 已经发布了（%s），不能再改。", k.noun, a.ID, done)
	}
	return teambot.Conflict("%s #%d 已经处理过了（%s），不能再改。发送 /%s 查看 %d 看详情。", k.noun, a.ID, done, k.word, a.ID)
}

// statusCN is a status in Chinese.
func statusCN(s string) string {
	return map[string]string{teambot.ApprovalPending: "等待审核", teambot.ApprovalReturned: "已退回修改",
		teambot.ApprovalApproved: "已批准", teambot.ApprovalRejected: "已驳回", teambot.ApprovalPublished: "已发布"}[s]
}

// describe is a request's content in one line: 公众号《双十二预告》（活动）
// 链接 … 计划 12月3日 20:00; 某某公众号：说明; 抖音 预算 ¥3,000：说明，截止 12月12日.
func describe(r *commands.Request, a teambot.Approval) string {
	var b strings.Builder
	switch a.Kind {
	case teambot.ApprovalPost:
		fmt.Fprintf(&b, "%s《%s》", a.Platform, a.Title)
		if a.Campaign {
			b.WriteString("（活动）")
		}
		if a.Link != "" && a.Link != a.Title {
			b.WriteString(" " + a.Link)
		}
		if !a.PlanAt.IsZero() {
			b.WriteString("，计划 " + r.Moment(a.PlanAt) + " 发布")
		}
	case teambot.ApprovalPartner:
		fmt.Fprintf(&b, "%s：%s", a.Title, a.Detail)
	case teambot.ApprovalPlacement:
		fmt.Fprintf(&b, "%s 预算 %s：%s", a.Platform, money(a.Budget, a.Currency), a.Detail)
		if !a.EndDay.IsZero() {
			b.WriteString("，截止 " + r.Day(a.EndDay))
		}
	}
	return b.String()
}

// detail is a request for the audit log: its id, kind and platform, no text.
func detail(a teambot.Approval) string {
	s := fmt.Sprintf("#%d %s", a.ID, a.Kind)
	if a.Platform != "" {
		s += " " + a.Platform
	}
	return s
}
