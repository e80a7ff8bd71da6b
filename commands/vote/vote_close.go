package vote

import (
	"context"
	"fmt"
	"teambot/commands"
	"teambot/commands/lang"
	"time"
	"unicode/utf8"

	"teambot"
)

// Closing a vote (R11): settling it, closing it early (/投票 结束) and the
// supervisor's veto (/投票 否决).

// settle closes v now, counted as of asOf, with its outcome (vetoed when
// reason is set), records it and returns the announcement for the group.
func settle(ctx context.Context, r *commands.Request, v teambot.Vote, vetoReason string, asOf time.Time) (teambot.Vote, string, error) {
	c, err := countAt(ctx, r, v, asOf, asOf)
	if err != nil {
		return v, "", err
	}
	v.Status, v.ClosedBy, v.ClosedAt, v.AsOf = teambot.VoteClosed, r.UserID, r.Now, asOf
	v.Eligible, v.EligibleCast = c.Eligible, c.EligibleCast
	switch {
	case vetoReason != "":
		v.Outcome, v.VetoedBy, v.VetoReason, v.VetoedAt = teambot.OutcomeVetoed, r.UserID, vetoReason, r.Now
	case v.Kind == teambot.VotePoll:
		v.Outcome = teambot.OutcomeCounted
	default:
		v.Outcome = teambot.Decide(v.Rule, c.Tally) // R11
	}
	if err := txOf(r).CloseVote(ctx, v); err != nil {
		return v, "", err
	}
	action, detail := "vote.close", fmt.Sprintf("%s %s", teambot.OutcomeCN(v.Outcome), tallyLine(v, c.Tally))
	if vetoReason != "" {
		action, detail = "vote.veto", "截止前否决："+vetoReason+"；当时 "+tallyLine(v, c.Tally)
	}
	if err := r.Audit(ctx, action, voteTarget(v), detail); err != nil {
		return v, "", err
	}
	return v, resultText(ctx, r, v, c), nil
}

// closeVoteEarly is /投票 结束 ID: the supervisor closes a vote before its
// deadline; the creator may once every member counted has voted (R11).
// The result is announced with who closed it.
func closeVoteEarly(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	v, err := voteByID(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !r.Caller.IsSupervisor() && r.Caller.ID != v.CreatorMember {
		return teambot.Reply{}, teambot.Forbidden("投票 #%d 只有主管或发起人可以提前结束%s。", v.ID, r.SupervisorHint(ctx))
	}
	if v.Status != teambot.VoteOpen {
		return teambot.Reply{}, teambot.Conflict("投票 #%d 已经结束（%s）。发送 /投票 查看 %d 看结果。", v.ID, teambot.OutcomeCN(v.Outcome), v.ID)
	}
	asOf := earlier(r.Now, v.Deadline)
	if !r.Caller.IsSupervisor() {
		q, err := quorumAt(ctx, r, v, asOf, asOf)
		if err != nil {
			return teambot.Reply{}, err
		}
		if left := q.pending(); len(left) > 0 {
			names := make([]string, len(left))
			for i, m := range left {
				names[i] = m.Name
			}
			return teambot.Reply{}, teambot.Forbidden("发起人要等所有应投票的成员都投了票才能提前结束投票 #%d：还有 %d 人没有投票：%s。到截止时间会自动结束；主管可以随时提前结束。",
				v.ID, len(left), commands.NameList(names))
		}
	}
	v, text, err := settle(ctx, r, v, "", asOf)
	if err != nil {
		return teambot.Reply{}, err
	}
	return announce(ctx, r, v, text)
}

// earlier is the earlier of two moments.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// announce makes a result the group sees: the reply itself in the group,
// or a group message (and a short private reply) from a single chat.
func announce(ctx context.Context, r *commands.Request, v teambot.Vote, text string) (teambot.Reply, error) {
	card, err := groupCard(ctx, r, v.ID, r.Single(), text)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !r.Single() {
		return teambot.Reply{Text: text, Card: card}, nil
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: text, Card: card, Origin: fmt.Sprintf("vote %d %s", v.ID, v.Outcome)}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text + "\n（结果已发到群里）"}, nil
}

// vetoHow is how to write /投票 否决.
const vetoHow = "请写成 /投票 否决 编号 理由，例如 /投票 否决 3 预算不够，下月再议。"

// vetoVote is /投票 否决 ID REASON: the supervisor vetoes an open vote, or a
// passed motion within 24 hours (R11).
func vetoVote(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	v, err := voteByID(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := lang.FreeText(r.Tail)
	switch n := utf8.RuneCountInString(reason); {
	case reason == "":
		return teambot.Reply{}, teambot.Invalid("否决要写理由。%s", vetoHow)
	case n > maxVetoReason:
		return teambot.Reply{}, teambot.Invalid("理由最多 %d 字，这条有 %d 字，请写简短些。", maxVetoReason, n)
	}
	if err := v.CanVeto(r.Now, r.Location()); err != nil {
		return teambot.Reply{}, err
	}
	if v.Status == teambot.VoteOpen {
		v, text, err := settle(ctx, r, v, reason, earlier(r.Now, v.Deadline))
		if err != nil {
			return teambot.Reply{}, err
		}
		return announce(ctx, r, v, text)
	}
	if err := txOf(r).VetoPassedVote(ctx, r.Team.ID, v.ID, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	v.Outcome, v.PassedBeforeVeto, v.VetoedBy, v.VetoReason, v.VetoedAt = teambot.OutcomeVetoed, true, r.UserID, reason, r.Now
	if err := r.Audit(ctx, "vote.veto", voteTarget(v), "通过后否决："+reason); err != nil {
		return teambot.Reply{}, err
	}
	c, err := count(ctx, r, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	return announce(ctx, r, v, resultText(ctx, r, v, c))
}
