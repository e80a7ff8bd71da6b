package vote

import (
	"context"
	"fmt"
	"teambot/commands"
	"teambot/commands/lang"

	"teambot"
)

// The team's vote rule (R11): the share of ballots that passes a motion
// and the quorum (/投票 规则).

// shareWords are the thresholds a rule may name: 过半, 三分之二, 2/3, 一致 …
var shareWords = map[string]teambot.Share{
	"过半": {Num: 1, Den: 2}, "过半数": {Num: 1, Den: 2}, "半数以上": {Num: 1, Den: 2},
	"三分之二": {Num: 2, Den: 3, AtLeast: true}, "三分之二以上": {Num: 2, Den: 3, AtLeast: true}, "2/3": {Num: 2, Den: 3, AtLeast: true},
	"四分之三": {Num: 3, Den: 4, AtLeast: true}, "3/4": {Num: 3, Den: 4, AtLeast: true},
	"全体": {Num: 1, Den: 1, AtLeast: true}, "一致": {Num: 1, Den: 1, AtLeast: true},
}

// voteRule is /投票 规则 [通过 过半|三分之二] [法定 过半|三分之二|无]:
// everyone sees the team's rule; the supervisor changes it for new votes.
func voteRule(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	const how = "请写成 /投票 规则 通过 过半|三分之二|四分之三|一致 法定 过半|三分之二|无，例如 /投票 规则 通过 三分之二 法定 过半。"
	rule, err := txOf(r).VoteRule(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if len(r.Params) == 0 {
		quorum := "不设"
		if rule.Quorum.Den > 0 {
			quorum = "发起时的成员中截止时仍在团队的人" + rule.Quorum.String() + "投票（投了票的都算；没投票且截止时在请假的不计）"
		}
		return teambot.Reply{Text: fmt.Sprintf("本团队的表决规则：%s同意即通过（弃权算作已投，票数相同不通过）；法定人数：%s；主管有否决权，可在截止前或通过后 24 小时内否决。\n主管可以修改：/投票 规则 通过 三分之二 法定 过半。",
			rule.Pass, quorum)}, nil
	}
	args := lang.ArgTexts(r.Params)
	if len(args)%2 != 0 {
		return teambot.Reply{}, teambot.Invalid("%s", how)
	}
	next := rule
	for i := 0; i < len(args); i += 2 {
		key, val := args[i], args[i+1]
		s, ok := shareWords[val]
		if !ok && (val == "无" || val == "不设" || val == "none") && (key == "法定" || key == "法定人数" || key == "quorum") {
			s, ok = teambot.Share{}, true
		}
		if !ok {
			return teambot.Reply{}, teambot.Invalid("看不懂「%s」。%s", lang.Clip(val), how)
		}
		switch key {
		case "通过", "pass":
			next.Pass = s
		case "法定", "法定人数", "quorum":
			next.Quorum = s
		default:
			return teambot.Reply{}, teambot.Invalid("没有「%s」这项规则，只有「通过」和「法定」。%s", lang.Clip(key), how)
		}
	}
	if err := txOf(r).SetVoteRule(ctx, r.Team.ID, next, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "vote.rule", r.ChatID, fmt.Sprintf("通过 %s 法定 %s（原为 通过 %s 法定 %s）",
		next.Pass, quorumCN(next.Quorum), rule.Pass, quorumCN(rule.Quorum))); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已修改表决规则：%s同意即通过；法定人数：%s。只对以后发起的表决有效，进行中的表决按原规则。",
		next.Pass, quorumCN(next.Quorum))}, nil
}

func quorumCN(s teambot.Share) string {
	if s.Den == 0 {
		return "不设"
	}
	return s.String()
}
