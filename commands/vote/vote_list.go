package vote

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// Reading votes (R11): one vote (/投票 查看) and the open and closed votes
// (/投票 列表).

// showVote is /投票 查看 ID: the title, rule, turnout, and the tally when
// the vote is live or closed.
func showVote(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	v, err := voteByID(ctx, r, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	c, err := count(ctx, r, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	if v.Status == teambot.VoteClosed {
		return teambot.Reply{Text: resultText(ctx, r, v, c) + fmt.Sprintf("\n结束于 %s。", r.Moment(v.AsOf))}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%d「%s」%s，进行中\n选项：%s\n截止：%s\n规则：%s\n已投 %d/%d 人",
		voteKindCN(v), v.ID, v.Title, voteFlags(v), numberedOptions(v), r.Moment(v.Deadline), ruleLine(r, v, c.q), c.q.cast(), len(c.q.in))
	if v.Kind == teambot.VoteMotion && v.Rule.Quorum.Den > 0 {
		fmt.Fprintf(&b, "（计入法定人数的 %d/%d，需 %d）", c.EligibleCast, c.Eligible, v.Rule.Quorum.Need(c.Eligible))
	}
	if v.Live {
		b.WriteString("\n实时计票：" + tallyLine(v, c.Tally))
	} else {
		b.WriteString("\n计票结果在截止后公布。")
	}
	b.WriteString("\n" + howToVote(v))
	return teambot.Reply{Text: b.String()}, nil
}

// maxListedVotes is how many closed votes /投票 列表 全部 shows: the
// latest.
const maxListedVotes = 30

// listVotes is /投票 列表: the open votes; /投票 列表 全部 adds the closed
// ones with their outcomes, the record of what the team decided (R11,
// R12: "ignoring a decision" refers to it).
func listVotes(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	all := false
	if len(r.Params) > 0 {
		switch w := r.Params[0].Text; w {
		case "全部", "所有", "all":
			all = true
		default:
			return teambot.Reply{}, teambot.Invalid("看不懂「%s」。进行中的投票：/投票 列表；连同已结束的：/投票 列表 全部。", lang.Clip(w))
		}
	}
	open, err := txOf(r).Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
	if err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	if len(open) == 0 {
		b.WriteString("现在没有进行中的投票。发起：/投票 发起 标题 [选项 A | B] [截止 明天 18:00]。")
	} else {
		fmt.Fprintf(&b, "进行中的投票 %d 个：", len(open))
	}
	for _, v := range open {
		q, err := quorumNow(ctx, r, v)
		if err != nil {
			return teambot.Reply{}, err
		}
		voted := ""
		if r.Caller != nil && q.voted[r.Caller.ID] {
			voted = "，你已投"
		}
		fmt.Fprintf(&b, "\n#%d %s「%s」%s 截止 %s，已投 %d/%d 人%s", v.ID, voteKindCN(v), v.Title, voteFlags(v),
			r.Moment(v.Deadline), q.cast(), len(q.in), voted)
	}
	if all {
		if err := listClosedVotes(ctx, r, &b); err != nil {
			return teambot.Reply{}, err
		}
	}
	b.WriteString("\n查看详情：/投票 查看 编号")
	if !all {
		b.WriteString("；已结束的投票：/投票 列表 全部")
	}
	return teambot.Reply{Text: b.String()}, nil
}

// listClosedVotes writes the team's closed votes, the latest
// maxListedVotes, each with its outcome and when it ended.
func listClosedVotes(ctx context.Context, r *commands.Request, b *strings.Builder) error {
	closed, err := txOf(r).Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteClosed})
	if err != nil {
		return err
	}
	if len(closed) == 0 {
		b.WriteString("\n还没有已结束的投票。")
		return nil
	}
	fmt.Fprintf(b, "\n已结束的投票 %d 个", len(closed))
	if len(closed) > maxListedVotes {
		fmt.Fprintf(b, "（只列最近的 %d 个）", maxListedVotes)
		closed = closed[len(closed)-maxListedVotes:]
	}
	b.WriteString("：")
	for _, v := range closed {
		c, err := count(ctx, r, v)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "\n#%d %s「%s」：%s（%s，结束于 %s）", v.ID, voteKindCN(v), v.Title, outcomeText(v, c.Tally),
			tallyLine(v, c.Tally), r.Moment(v.AsOf))
	}
	return nil
}
