package approval

import (
	"context"
	"errors"
	"fmt"

	"teambot"
	"teambot/commands"
)

// Cards are this area's kind of card: a request for the supervisor to
// approve, reject or return (R7, R15), as /发布 批准 ID, /发布 驳回 ID 理由
// and /发布 退回 ID 意见 (or /合作, /投放). 驳回 and 退回 ask for the reason
// or remarks, the supervisor's next message.
func Cards() []commands.CardKind {
	return []commands.CardKind{{Kind: teambot.CardApproval, Build: approvalCard, Command: approvalDecision,
		AskReason: map[string]string{
			"reject": "请直接回复驳回的理由（下一条消息，10 分钟内），例如：和品牌调性不符。",
			"return": "请直接回复修改意见（下一条消息，10 分钟内），例如：标题太长，请改短。",
		}}}
}

// approvalCard is request id with 批准, 驳回 and 退回 while it waits, and
// where it stands once decided. A card of an earlier version (returned
// and revised since) shows the decision that closed it; the revision
// brings a new card.
func approvalCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	a, err := txOf(r).ApprovalByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return nil, teambot.NotFound("没有编号 #%d 的申请。", id)
	} else if err != nil {
		return nil, err
	}
	k := kindOf(a.Kind)
	card := &teambot.Card{
		Title: fmt.Sprintf("%s #%d：%s", k.noun, a.ID, a.Name),
		Desc:  describe(r, a),
		Note:  fmt.Sprintf("也可以发送 /%s 批准 %d、/%s 驳回 %d 理由 或 /%s 退回 %d 意见", k.word, a.ID, k.word, a.ID, k.word, a.ID),
	}
	if a.Version > 1 {
		card.Lines = append(card.Lines, teambot.CardLine{Label: "版本", Value: fmt.Sprintf("第 %d 版（发送 /%s 查看 %d 看改了什么）", a.Version, k.word, a.ID)})
	}
	if a.Status == teambot.ApprovalPending {
		card.Buttons = []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}, {Key: "reject", Text: "驳回"}, {Key: "return", Text: "退回修改"}}
		return card, nil
	}
	if card.Done, err = commands.Decided(ctx, r, statusCN(a.Status), a.DecidedBy, a.DecidedAt); err != nil {
		return nil, err
	}
	card.Note = card.Done
	return card, nil
}

// approvalDecision is the command a button stands for.
func approvalDecision(ctx context.Context, r *commands.Request, id int64, key string, _ []string) (string, error) {
	a, err := txOf(r).ApprovalByID(ctx, r.Team.ID, id)
	if err != nil {
		return "", err
	}
	k := kindOf(a.Kind)
	verb := map[string]string{"approve": "批准", "reject": "驳回", "return": "退回"}[key]
	if verb == "" {
		return "", teambot.Invalid("这个按钮无法识别，请发送 /%s 批准 %d。", k.word, id)
	}
	return fmt.Sprintf("/%s %s %d", k.word, verb, id), nil
}
