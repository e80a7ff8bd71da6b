package meeting

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"

	"teambot"
)

// The two-absences proposal (R12, R14): made when a meeting is held, sent
// to the supervisor privately, and listed by /会议 建议.

// proposeWarnings stores, for each member just recorded absent whose two
// latest held meetings are both unexcused absences, a proposal to warn
// them (R12), once per member and second absence. Cancelled meetings are
// never held, so they neither break nor extend a streak. A proposal starts
// the streak again: an absence already in one is never in another, so
// four absences in a row make two proposals, not three.
func proposeWarnings(ctx context.Context, r *commands.Request, absent []teambot.Member) ([]teambot.MeetingProposal, error) {
	var out []teambot.MeetingProposal
	if len(absent) == 0 {
		return nil, nil
	}
	earlier, err := txOf(r).MeetingProposals(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	proposed := map[[2]int64]bool{} // member, meeting
	for _, p := range earlier {
		proposed[[2]int64{p.MemberID, p.FirstMeetingID}] = true
		proposed[[2]int64{p.MemberID, p.SecondMeetingID}] = true
	}
	for _, mem := range absent {
		last, err := txOf(r).MemberAttendance(ctx, r.Team.ID, mem.ID, 2)
		if err != nil {
			return nil, err
		}
		if len(last) < 2 || last[0].Status != teambot.AttendanceAbsent || last[1].Status != teambot.AttendanceAbsent ||
			proposed[[2]int64{mem.ID, last[1].MeetingID}] {
			continue
		}
		p := teambot.MeetingProposal{TeamID: r.Team.ID, MemberID: mem.ID, UserID: mem.UserID, Name: mem.Name,
			FirstMeetingID: last[1].MeetingID, SecondMeetingID: last[0].MeetingID,
			FirstAt: last[1].StartsAt, SecondAt: last[0].StartsAt, CreatedAt: r.Now}
		created, err := txOf(r).CreateMeetingProposal(ctx, &p)
		if err != nil {
			return nil, err
		}
		if !created {
			continue
		}
		loc := r.Location()
		if err := r.Audit(ctx, "meeting.propose", mem.UserID, fmt.Sprintf("#%d 连续缺席 %s、%s", p.ID,
			p.FirstAt.In(loc).Format(time.DateOnly), p.SecondAt.In(loc).Format(time.DateOnly))); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// proposalLine is one open proposal for the supervisor: who, which
// meetings, and the ledger commands that confirm or dismiss it.
func proposalLine(r *commands.Request, p teambot.MeetingProposal) string {
	today := r.Today()
	first := lang.DescribeDay(teambot.DateOf(p.FirstAt.In(r.Location())), today)
	second := lang.DescribeDay(teambot.DateOf(p.SecondAt.In(r.Location())), today)
	return fmt.Sprintf("缺勤提醒 #%d：%s 连续两次会议无故缺席（%s、%s），建议警告。确认请发送 /惩处 确认 %d，不同意请发送 /惩处 驳回 %d 理由；在你确认之前不会记任何处分。",
		p.ID, p.Name, first, second, p.ID, p.ID)
}

// tellSupervisorProposals sends new proposals to the supervisor
// privately (R12, R14): by app message, or, without app messages, by an
// @mention in the group that only says where to read them. It returns what
// the group may be told about them.
func tellSupervisorProposals(ctx context.Context, r *commands.Request, proposals []teambot.MeetingProposal, origin string) (string, error) {
	sup, ok, err := r.FindSupervisor(ctx)
	if err != nil {
		return "", err
	}
	if len(proposals) == 0 || !ok {
		return "", nil
	}
	cards, err := proposalCards(ctx, r, sup, proposals, origin)
	if err != nil || len(cards) > 0 {
		// Each as a card to decide on in the supervisor's single chat.
		return "\n缺勤提醒已发给主管。", r.Tx.Enqueue(ctx, cards, r.Now)
	}
	if !r.Engine.Config.DirectMessages {
		const pointer = "\n主管请在单聊中查看缺勤提醒（/会议 建议）。"
		if r.UserID == sup.UserID {
			return pointer, nil
		}
		msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Mentions: []string{sup.UserID}, Origin: origin,
			Text: fmt.Sprintf("%s，有 %d 条新的缺勤提醒（R12），请私聊我发送 /会议 建议 查看。", sup.Name, len(proposals))}
		return pointer, r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
	}
	lines := make([]string, len(proposals))
	for i, p := range proposals {
		lines[i] = proposalLine(r, p)
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToUsers, Users: []string{sup.UserID}, Origin: origin,
		Text: strings.Join(lines, "\n")}
	return "\n缺勤提醒已私信发给主管。", r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now)
}

// listProposals is /会议 建议 (also /会议 提醒), for the supervisor in a
// single chat: the open proposals to warn a member (R12, R14).
func listProposals(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{}, teambot.Invalid("缺勤提醒只在单聊中查看：请私聊我发送 /会议 建议。")
	}
	open, err := txOf(r).MeetingProposals(ctx, r.Team.ID, teambot.ProposalProposed)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(open) == 0 {
		return teambot.Reply{Text: "没有待处理的缺勤提醒。", Private: true}, nil
	}
	lines := make([]string, len(open))
	for i, p := range open {
		lines[i] = proposalLine(r, p)
	}
	reply := teambot.Reply{Text: strings.Join(lines, "\n"), Private: true}
	if r.Cards {
		// The first as a card to decide on.
		if reply.Card, err = commands.NewCard(ctx, r, teambot.CardProposal, open[0].ID); err != nil {
			return teambot.Reply{}, err
		}
	}
	return reply, nil
}
