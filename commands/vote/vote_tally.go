package vote

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"teambot/commands"
	"teambot/commands/roll"
	"time"

	"teambot"
)

// Counting a vote (R11): who counts in the quorum at a moment, the tally
// as of then, and the outcome and result in words.

// quorum is who counts in a vote at a moment (R11): its electorate — the
// active members when it opened — less those no longer in the team then,
// and of those, who voted and who is excused by leave.
type quorum struct {
	electorate []teambot.Member // everyone who could vote when it opened, with their status now
	in         []teambot.Member // of them, those in the team at the moment
	voted      map[int64]bool   // cast a ballot
	excused    map[int64]bool   // did not vote, on approved leave at the moment
	// whole and part are the quorum's (teambot.QuorumOf): who counts, and
	// how many of them voted.
	whole, part int
}

// size is the quorum's whole.
func (q quorum) size() int { return q.whole }

// cast is the quorum's part: the members in the team who voted.
func (q quorum) cast() int { return q.part }

// pending are the members counted who have not voted yet.
func (q quorum) pending() []teambot.Member {
	var out []teambot.Member
	for _, m := range q.in {
		if !q.voted[m.ID] && !q.excused[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// holds reports whether memberID may vote in the vote: they were active
// when it opened.
func (q quorum) holds(memberID int64) bool {
	return slices.ContainsFunc(q.electorate, func(m teambot.Member) bool { return m.ID == memberID })
}

// quorumAt is the quorum of v with the roster as it was at, and the leave
// approved by then that covers leaveAt. A vote is counted with both at the
// Moment it closes as of; an open one is shown with the roster now and
// the leave that covers its deadline.
func quorumAt(ctx context.Context, r *commands.Request, v teambot.Vote, at, leaveAt time.Time) (quorum, error) {
	electorate, err := txOf(r).Electorate(ctx, v.ID)
	if err != nil {
		return quorum{}, err
	}
	if len(electorate) == 0 { // a vote closed before electorates were kept: names only
		members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
		return quorum{electorate: members, in: members}, err
	}
	active, err := txOf(r).MembersActiveAt(ctx, r.Team.ID, at)
	if err != nil {
		return quorum{}, err
	}
	turnout, err := txOf(r).Turnout(ctx, v.ID)
	if err != nil {
		return quorum{}, err
	}
	day := teambot.DateOf(leaveAt.In(r.Location()))
	away, err := roll.OnLeave(ctx, r, day, day)
	if err != nil {
		return quorum{}, err
	}
	q := quorum{electorate: electorate, voted: map[int64]bool{}, excused: map[int64]bool{}}
	for _, id := range turnout {
		q.voted[id] = true
	}
	for _, m := range electorate {
		if !active[m.ID] {
			continue
		}
		q.in = append(q.in, m)
		for _, l := range away[m.ID] {
			if !q.voted[m.ID] && !l.DecidedAt.After(at) && l.CoversMoment(leaveAt, r.Location()) {
				q.excused[m.ID] = true
			}
		}
	}
	ids := make([]int64, len(q.in))
	for i, m := range q.in {
		ids[i] = m.ID
	}
	q.whole, q.part = teambot.QuorumOf(ids, func(id int64) bool { return q.voted[id] }, func(id int64) bool { return q.excused[id] })
	return q, nil
}

// quorumNow is the quorum of an open vote as it stands: the roster now
// and the leave that covers the deadline.
func quorumNow(ctx context.Context, r *commands.Request, v teambot.Vote) (quorum, error) {
	return quorumAt(ctx, r, v, r.Now, v.Deadline)
}

// ruleLine is the rule of v in one line, e.g. 过半数同意即通过，需 4 人投票，
// 主管有否决权.
func ruleLine(r *commands.Request, v teambot.Vote, q quorum) string {
	var b strings.Builder
	if v.Kind == teambot.VotePoll {
		b.WriteString("得票最多的选项胜出（票数相同则并列）")
	} else {
		fmt.Fprintf(&b, "%s同意即通过（弃权算作已投）", v.Rule.Pass)
	}
	away := len(q.excused)
	if v.Kind == teambot.VoteMotion && v.Rule.Quorum.Den > 0 {
		fmt.Fprintf(&b, "，需 %d 人投票（%d 人中%s", v.Rule.Quorum.Need(q.size()), q.size(), v.Rule.Quorum)
		if away > 0 {
			fmt.Fprintf(&b, "，请假的 %d 人不计入", away)
		}
		b.WriteString("）")
	}
	if v.Kind == teambot.VoteMotion {
		b.WriteString("，主管有否决权")
	} else {
		b.WriteString("，主管可在截止前否决")
	}
	return b.String()
}

// counted is a vote's tally with the ballots it came from.
type counted struct {
	teambot.Tally
	ballots []teambot.Ballot // those counted
	q       quorum
}

// count tallies v: a closed vote as of the moment it was counted as of,
// an open one as it stands.
func count(ctx context.Context, r *commands.Request, v teambot.Vote) (counted, error) {
	if v.Status == teambot.VoteClosed {
		return countAt(ctx, r, v, v.AsOf, v.AsOf)
	}
	return countAt(ctx, r, v, r.Now, v.Deadline)
}

// countAt tallies v with the quorum at (see quorumAt). Only the ballots of
// members in the team at count (R11, R18): a member removed, advised to
// resign or dismissed takes theirs out of the tally as out of the quorum.
// An anonymous ballot is matched to its member by recomputing the key; one
// cast under an earlier key matches nobody and is kept. A vote closed
// before electorates were kept counts every ballot, as it did then.
func countAt(ctx context.Context, r *commands.Request, v teambot.Vote, at, leaveAt time.Time) (counted, error) {
	all, err := txOf(r).Ballots(ctx, v.ID)
	if err != nil {
		return counted{}, err
	}
	q, err := quorumAt(ctx, r, v, at, leaveAt)
	if err != nil {
		return counted{}, err
	}
	out := map[string]bool{} // keys of the electorate's members no longer in the team
	for _, m := range q.electorate {
		out[ballotKey(r, v, m.ID)] = true
	}
	for _, m := range q.in {
		delete(out, ballotKey(r, v, m.ID))
	}
	c := counted{q: q}
	c.Counts = make([]int, len(v.Options))
	for _, b := range all {
		if out[b.Voter] || b.Choice >= len(c.Counts) {
			continue
		}
		c.ballots = append(c.ballots, b)
		c.Counts[b.Choice]++
		c.Cast++
	}
	c.Eligible, c.EligibleCast = q.size(), q.cast()
	if v.Status == teambot.VoteClosed { // the quorum as it was recorded at close
		c.Eligible, c.EligibleCast = v.Eligible, v.EligibleCast
	}
	return c, nil
}

// tallyLine is the count per option: 同意 4，反对 1，弃权 1（共 6 票）.
func tallyLine(v teambot.Vote, t teambot.Tally) string {
	parts := make([]string, len(v.Options))
	for i, o := range v.Options {
		parts[i] = fmt.Sprintf("%s %d", o, t.Counts[i])
	}
	return fmt.Sprintf("%s（共 %d 票）", strings.Join(parts, "，"), t.Cast)
}

// resultText is the announcement of a closed vote: the outcome, the tally,
// unless the vote is anonymous who chose what, and how it ended when that
// was not at its deadline as planned.
func resultText(ctx context.Context, r *commands.Request, v teambot.Vote, c counted) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【投票结果】%s #%d「%s」：%s", voteKindCN(v), v.ID, v.Title, outcomeText(v, c.Tally))
	b.WriteString("\n计票：" + tallyLine(v, c.Tally))
	if v.Kind == teambot.VoteMotion && v.Rule.Quorum.Den > 0 {
		fmt.Fprintf(&b, "\n参与：应计 %d 人中 %d 人投票，需 %d 人", c.Eligible, c.EligibleCast, v.Rule.Quorum.Need(c.Eligible))
		if away := len(c.q.excused); away > 0 {
			fmt.Fprintf(&b, "（请假 %d 人不计入）", away)
		}
	}
	if !v.Anonymous {
		if who := whoChose(r, v, c); who != "" {
			b.WriteString("\n" + who)
		}
	} else {
		b.WriteString("\n（匿名投票，不公布个人选择）")
	}
	if note := howItEnded(ctx, r, v); note != "" {
		b.WriteString("\n" + note)
	}
	if v.Outcome == teambot.OutcomeVetoed {
		fmt.Fprintf(&b, "\n主管 %s 行使否决权，理由：%s", nameOf(ctx, r, v.VetoedBy), v.VetoReason)
		if v.PassedBeforeVeto {
			b.WriteString("（原表决已通过）")
		}
	}
	return b.String()
}

// outcomeText is a closed vote's outcome in words: a motion's result, or
// a poll's leading options.
func outcomeText(v teambot.Vote, t teambot.Tally) string {
	if v.Outcome != teambot.OutcomeCounted {
		return teambot.OutcomeCN(v.Outcome)
	}
	lead := t.Leaders()
	if len(lead) == 0 {
		return "没有人投票"
	}
	names := make([]string, len(lead))
	for i, l := range lead {
		names[i] = "「" + v.Options[l] + "」"
	}
	if len(lead) == 1 {
		return "得票最多的是" + names[0]
	}
	return strings.Join(names, "、") + "票数相同，并列第一"
}

// voteLateAfter is how long after its deadline a vote's result counts as
// announced late: the bot was not running at the deadline.
const voteLateAfter = 5 * time.Minute

// howItEnded says when a vote did not simply close at its deadline: closed
// early, by whom, or counted as of its deadline and announced late.
func howItEnded(ctx context.Context, r *commands.Request, v teambot.Vote) string {
	switch {
	case v.AsOf.Before(v.Deadline) && v.Outcome != teambot.OutcomeVetoed:
		who := "主管"
		if v.ClosedBy == v.CreatedBy {
			if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, v.ClosedBy); err != nil || !m.IsSupervisor() {
				who = "发起人"
			}
		}
		return fmt.Sprintf("由%s %s 在 %s 提前结束（原定截止 %s）。", who, nameOf(ctx, r, v.ClosedBy), r.Moment(v.AsOf), r.Moment(v.Deadline))
	case v.ClosedBy == voteCloser && v.ClosedAt.Sub(v.Deadline) > voteLateAfter:
		return fmt.Sprintf("截止于 %s，按截止时的名单和请假计票；机器人当时未运行，结果延迟公布（%s）。",
			r.Moment(v.Deadline), r.Moment(v.ClosedAt))
	}
	return ""
}

// nameOf is the display name of a team's member by userid, or the userid
// when there is no such member.
func nameOf(ctx context.Context, r *commands.Request, userID string) string {
	if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, userID); err == nil {
		return m.Name
	}
	return userID
}

// whoChose lists who chose each option of a vote that is not anonymous,
// from the ballots counted.
func whoChose(r *commands.Request, v teambot.Vote, c counted) string {
	names := map[int64]string{}
	for _, m := range c.q.electorate {
		names[m.ID] = m.Name
	}
	by := make([][]string, len(v.Options))
	for _, bl := range c.ballots {
		name, ok := names[bl.MemberID]
		if !ok {
			name = "（已离开团队的成员）"
		}
		if bl.Choice < len(by) {
			by[bl.Choice] = append(by[bl.Choice], name)
		}
	}
	var parts []string
	for i, ns := range by {
		if len(ns) > 0 {
			slices.Sort(ns)
			parts = append(parts, v.Options[i]+"："+strings.Join(ns, "、"))
		}
	}
	return strings.Join(parts, "；")
}

// VoteResult is Rules.VoteResult: a closed vote's kind, outcome (the
// leading options of a counted one) and tally.
func VoteResult(ctx context.Context, r *commands.Request, v teambot.Vote) (kind, outcome, tally string, err error) {
	c, err := count(ctx, r, v)
	if err != nil {
		return "", "", "", err
	}
	outcome = teambot.OutcomeCN(v.Outcome)
	if v.Outcome == teambot.OutcomeCounted {
		var lead []string
		for _, i := range c.Leaders() {
			lead = append(lead, v.Options[i])
		}
		outcome = "得票最多：" + commands.NameList(lead)
	}
	return voteKindCN(v), outcome, tallyLine(v, c.Tally), nil
}
