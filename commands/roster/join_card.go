package roster

import (
	"context"
	"errors"
	"fmt"

	"teambot"
	"teambot/commands"
)

// Cards are this area's kind of card: a request to join for the
// supervisor (R2, R18), as /加入 批准 and /加入 拒绝.
func Cards() []commands.CardKind {
	return []commands.CardKind{{Kind: teambot.CardJoin, Build: joinCard, Command: joinDecision}}
}

// joinCard is request id with 批准 and 拒绝 while it waits, and the
// decision once taken.
func joinCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	q, err := txOf(r).JoinRequestByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return nil, teambot.NotFound("没有这个加入申请。发送 /加入 列表 查看待批准的申请。")
	} else if err != nil {
		return nil, err
	}
	card := &teambot.Card{
		Title: fmt.Sprintf("加入申请：%s", q.Name),
		Desc:  "企业微信账号 " + q.UserID + rejoinNote(q),
		Lines: []teambot.CardLine{{Label: "角色", Value: rolesOrNone(q.Roles)}, {Label: "申请时间", Value: r.Moment(q.RequestedAt)}},
		Note:  fmt.Sprintf("也可以发送 /加入 批准 @%s 或 /加入 拒绝 @%s 理由", q.Name, q.Name),
	}
	switch q.Status {
	case teambot.JoinPending:
		card.Buttons = []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}, {Key: "reject", Text: "拒绝"}}
		return card, nil
	case teambot.JoinApproved:
		card.Done, err = commands.Decided(ctx, r, "已批准", q.DecidedBy, q.DecidedAt)
	default:
		card.Done, err = commands.Decided(ctx, r, "已拒绝", q.DecidedBy, q.DecidedAt)
	}
	card.Note = card.Done
	return card, err
}

// joinDecision is the command a button stands for, naming the request by
// the person's userid (which never matches two).
func joinDecision(ctx context.Context, r *commands.Request, id int64, key string, _ []string) (string, error) {
	q, err := txOf(r).JoinRequestByID(ctx, r.Team.ID, id)
	if err != nil {
		return "", err
	}
	switch key {
	case "approve":
		return "/加入 批准 " + q.UserID, nil
	case "reject":
		return "/加入 拒绝 " + q.UserID, nil
	}
	return "", teambot.Invalid("这个按钮无法识别，请发送 /加入 批准 @%s 或 /加入 拒绝 @%s 理由。", q.Name, q.Name)
}
