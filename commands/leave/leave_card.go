package leave

import (
	"context"
	"errors"
	"fmt"

	"teambot"
	"teambot/commands"
	"teambot/commands/roll"
)

// Cards are this area's kind of card: a leave request for the supervisor
// to approve or reject (R9), as /请假 批准 ID and /请假 驳回 ID 理由.
func Cards() []commands.CardKind {
	return []commands.CardKind{{Kind: teambot.CardLeave, Build: leaveCard, Command: leaveDecision,
		AskReason: map[string]string{"reject": "请直接回复驳回的理由（下一条消息，10 分钟内），例如：月底上线，请改到下周。"}}}
}

// leaveCard is request id with 批准 and 驳回 while it waits, and the
// decision once taken. The reason shows only to the supervisor and the
// member (R14).
func leaveCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	l, err := txOf(r).LeaveByID(ctx, r.Team.ID, id)
	if errors.Is(err, teambot.ErrNotFound) {
		return nil, teambot.NotFound("没有编号 #%d 的请假申请。发送 /请假 列表 查看编号。", id)
	} else if err != nil {
		return nil, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	card := &teambot.Card{
		Title: fmt.Sprintf("请假 #%d：%s", l.ID, l.Name),
		Desc:  describeLeave(roll.LeaveSpan(l), cal, r.Today()),
		Note:  fmt.Sprintf("也可以发送 /请假 批准 %d 或 /请假 驳回 %d 理由", l.ID, l.ID),
	}
	if commands.SupervisorViews(r, l.UserID) {
		card.Lines = append(card.Lines, teambot.CardLine{Label: "理由", Value: l.Reason})
	}
	if l.Status == teambot.LeavePending {
		card.Buttons = []teambot.CardButton{{Key: "approve", Text: "批准", Primary: true}, {Key: "reject", Text: "驳回"}}
		return card, nil
	}
	if card.Done, err = commands.Decided(ctx, r, leaveStatusCN(l.Status), l.DecidedBy, l.DecidedAt); err != nil {
		return nil, err
	}
	card.Note = card.Done
	return card, nil
}

// leaveDecision is the command a button stands for; 驳回's reason is the
// clicker's next message.
func leaveDecision(_ context.Context, _ *commands.Request, id int64, key string, _ []string) (string, error) {
	switch key {
	case "approve":
		return fmt.Sprintf("/请假 批准 %d", id), nil
	case "reject":
		return fmt.Sprintf("/请假 驳回 %d", id), nil
	}
	return "", teambot.Invalid("这个按钮无法识别，请发送 /请假 批准 %d 或 /请假 驳回 %d 理由。", id, id)
}

// supervisorCard is the message that brings the supervisor request l as a
// card in their single chat, where a card can be pushed; ok is false
// otherwise (the group reply's @mention tells them, as before).
func supervisorCard(ctx context.Context, r *commands.Request, l teambot.Leave, sup teambot.Member, text string) (teambot.Outgoing, bool, error) {
	if !commands.PushCards(r) {
		return teambot.Outgoing{}, false, nil
	}
	caller := r.Caller
	r.Caller = &sup
	defer func() { r.Caller = caller }()
	card, err := commands.NewCard(ctx, r, teambot.CardLeave, l.ID)
	if err != nil || card == nil {
		return teambot.Outgoing{}, false, err
	}
	return teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Text: text, Card: card,
		Origin: fmt.Sprintf("leave %d card", l.ID)}, true, nil
}
