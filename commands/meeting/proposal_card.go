package meeting

import (
	"context"
	"fmt"

	"teambot"
	"teambot/commands"
)

// Cards are this area's kinds of card: the two-absences proposal for the
// supervisor (R12), as /惩处 确认 and /惩处 驳回; and 会前提醒's check-in
// button (R10), as /签到.
func Cards() []commands.CardKind {
	return []commands.CardKind{
		{Kind: teambot.CardProposal, Build: proposalCard, Command: proposalDecision,
			AskReason: map[string]string{"dismiss": "请直接回复驳回的理由（下一条消息，10 分钟内），例如：第二次是临时出差，已补假。"}},
		{Kind: teambot.CardCheckIn, Build: checkInCard, Command: checkInClick},
	}
}

// proposalCard is proposal id with 确认警告 and 驳回 while it is open, and
// the decision once taken.
func proposalCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	all, err := txOf(r).MeetingProposals(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if p.ID != id {
			continue
		}
		card := &teambot.Card{
			Title: fmt.Sprintf("缺勤提醒 #%d：%s", p.ID, p.Name),
			Desc:  "连续两次会议无故缺席，建议警告（R12）",
			Lines: []teambot.CardLine{{Label: "第一次", Value: r.Moment(p.FirstAt)}, {Label: "第二次", Value: r.Moment(p.SecondAt)}},
			Note:  fmt.Sprintf("在你确认之前不会记任何处分。也可以发送 /惩处 确认 %d 或 /惩处 驳回 %d 理由", p.ID, p.ID),
		}
		switch p.Status {
		case teambot.ProposalProposed:
			card.Buttons = []teambot.CardButton{{Key: "confirm", Text: "确认警告", Primary: true}, {Key: "dismiss", Text: "驳回"}}
			return card, nil
		case teambot.ProposalConfirmed:
			card.Done, err = commands.Decided(ctx, r, "已确认警告", p.DecidedBy, p.DecidedAt)
		default:
			card.Done, err = commands.Decided(ctx, r, "已驳回", p.DecidedBy, p.DecidedAt)
		}
		card.Note = card.Done
		return card, err
	}
	return nil, teambot.NotFound("没有编号为 #%d 的缺勤提醒。发送 /会议 建议 查看待处理的提醒。", id)
}

// proposalDecision is the command a button stands for; 驳回's reason is
// the clicker's next message.
func proposalDecision(_ context.Context, _ *commands.Request, id int64, key string, _ []string) (string, error) {
	switch key {
	case "confirm":
		return fmt.Sprintf("/惩处 确认 %d", id), nil
	case "dismiss":
		return fmt.Sprintf("/惩处 驳回 %d", id), nil
	}
	return "", teambot.Invalid("这个按钮无法识别，请发送 /惩处 确认 %d 或 /惩处 驳回 %d 理由。", id, id)
}

// proposalCards are the messages that bring each proposal to the
// supervisor as a card in their single chat, when cards can be pushed.
func proposalCards(ctx context.Context, r *commands.Request, sup teambot.Member, proposals []teambot.MeetingProposal, origin string) ([]teambot.Outgoing, error) {
	if !commands.PushCards(r) {
		return nil, nil
	}
	caller := r.Caller
	r.Caller = &sup
	defer func() { r.Caller = caller }()
	var out []teambot.Outgoing
	for _, p := range proposals {
		card, err := commands.NewCard(ctx, r, teambot.CardProposal, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID},
			Text: proposalLine(r, p), Card: card, Origin: origin})
	}
	return out, nil
}

// checkInCard is meeting id's check-in button: 签到 until the meeting
// ends, then "签到已结束"; for a member who checked in, when.
func checkInCard(ctx context.Context, r *commands.Request, id int64) (*teambot.Card, error) {
	m, err := txOf(r).MeetingByID(ctx, r.Team.ID, id)
	if err != nil {
		return nil, err
	}
	card := &teambot.Card{
		Title: "会议：" + commands.MeetingWhen(r, m),
		Desc:  m.Agenda,
		Note:  fmt.Sprintf("签到时间：%s 到 %s。也可以发送 /签到", r.Moment(checkInOpens(m)), clockOf(r, m.EndsAt())),
	}
	if r.Caller != nil {
		a, found, err := attendanceOf(ctx, r, m, r.Caller.ID)
		if err != nil {
			return nil, err
		}
		if found {
			card.Done = fmt.Sprintf("%s 已签到 %s（%s）", r.Caller.Name, clockOf(r, a.At), attendanceCN(a.Status))
			return card, nil
		}
	}
	if !r.Now.Before(m.EndsAt()) || m.Status != teambot.MeetingScheduled {
		card.Done = "签到已结束"
		return card, nil
	}
	card.Buttons = []teambot.CardButton{{Key: "checkin", Text: "签到", Primary: true}}
	return card, nil
}

// checkInClick is /签到 for the card's meeting, within its check-in window.
func checkInClick(ctx context.Context, r *commands.Request, id int64, _ string, _ []string) (string, error) {
	m, err := txOf(r).MeetingByID(ctx, r.Team.ID, id)
	if err != nil {
		return "", err
	}
	if r.Now.Before(checkInOpens(m)) {
		return "", teambot.Invalid("未到签到时间：签到从 %s 开始（会前 %d 分钟）。", r.Moment(checkInOpens(m)), int(teambot.CheckInEarly.Minutes()))
	}
	return "/签到", nil
}
