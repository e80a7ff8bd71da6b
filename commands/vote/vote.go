package vote

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"

	"teambot"
)

// Votes (R11, docs/product.md §5): motions decided by the team's rule with the
// supervisor's veto, and polls decided by plurality.
//
// Decisions:
//   - The electorate is fixed when a vote opens: the active members then,
//     stored with the vote. Someone who joins later may not vote in it and
//     is not counted.
//   - A vote is counted as of one moment: its deadline, also when the bot
//     was down then and closes it later (the roster and the leave as they
//     were at the deadline; the result says it is announced late), or the
//     moment it is closed early or vetoed.
//   - The quorum counts the members of the electorate still in the team at
//     that moment, less those who did not vote and whose approved leave
//     covers it (a half day: morning before 12:00, afternoon from 12:00). A
//     ballot cast always counts toward the quorum.
//   - A member removed, advised to resign or dismissed before that moment
//     leaves the electorate: their ballot leaves the tally and the quorum
//     alike. Taken back before it, their ballot counts again.
//   - Deadlines: at least voteMinDuration and at most voteMaxDuration ahead;
//     the default is 24 hours.
//   - A veto while the vote is open closes it as vetoed. After closing, only
//     a passed motion can be vetoed, within teambot.VetoWindow.
//   - The supervisor may close early; the creator only once every member
//     counted has voted. The tally then counts the ballots cast so far.
//   - A member may withdraw their ballot while the vote is open.
//   - 投票催促 goes 2 hours before the deadline, but never at night: one
//     that would fall from 21:00 to 08:00 goes at 20:59 the evening before.
//   - Anonymous ballots are keyed by an HMAC of the vote and member under
//     Config.BallotKey: one ballot per member, and the key cannot be turned
//     back into the member without the secret. Who has voted (never what)
//     is kept for the quorum and the reminder.
//   - A poll has no quorum and cannot be vetoed once closed: it decides
//     nothing by itself.
const (
	voteMinDuration = 10 * time.Minute
	voteMaxDuration = 60 * 24 * time.Hour
	voteDefaultTerm = 24 * time.Hour
	maxVoteTitle    = 100
	maxVoteOption   = 30
	maxVoteOptions  = 10
	maxVetoReason   = 200
	// NagBefore is when 投票催促 goes out before a deadline.
	NagBefore = 2 * time.Hour
	// JobVoteClose and JobVoteNag name the vote firings; the vote id follows
	// a colon, so two votes with one deadline are claimed apart.
	JobVoteClose = "vote_close"
	JobVoteNag   = "vote_nag"
	// voteCloser is who closes a vote at its deadline.
	voteCloser = "system"
)

// badVoteID is the refusal to a vote number that is not one; %s is what
// was written.
const badVoteID = "「%s」不是投票编号。编号是数字，例如 3；发送 /投票 列表 查看进行中的投票。"

// Commands are /投票 with its subcommands and the ballot shortcuts
// /同意 /反对 /弃权 (R11).
func Commands() []*commands.Command {
	id := func(missing string) []commands.ArgSpec {
		return []commands.ArgSpec{{Kind: commands.ArgID, Missing: missing, Bad: badVoteID}}
	}
	return []*commands.Command{
		{
			Name: "vote", Chinese: "投票", Aliases: []string{"表决", "votes"},
			Summary:  "发起表决或投票、投票改票撤回、查看结果和已结束的决定；主管否决、提前结束、设置表决规则",
			Usage:    "[编号 选项]",
			Examples: []string{"/投票 发起 是否参加双十二大促 截止 明天 18:00", "/投票 发起 团建时间 选项 周五下午 | 周六上午 截止 2天", "/投票 3 周五下午", "/投票 撤回 3", "/投票 查看 3", "/投票 列表 全部", "/投票 否决 3 预算不够，下月再议", "/投票 规则"},
			Who:      commands.Member, Handler: vote,
			Args: []commands.ArgSpec{{Kind: commands.ArgID, Optional: true}},
			Sub: []*commands.Command{
				{Name: "list", Chinese: "列表", Usage: "[全部]", Summary: "列出进行中的投票；写「全部」连同已结束的决定",
					Who: commands.Member, Handler: listVotes},
				{Name: "new", Chinese: "发起", Aliases: []string{"新建"}, Usage: "标题 [选项 A | B | C] [截止 时间] [匿名] [实时]",
					Summary: "发起表决（不写选项）或投票", Who: commands.Member, Handler: newVote},
				{Name: "withdraw", Chinese: "撤回", Usage: "[编号]", Summary: "撤回自己的选票（只投过一个时可以不写编号）",
					Who: commands.Member, Args: []commands.ArgSpec{{Kind: commands.ArgID, Optional: true}}, Handler: withdrawBallot},
				{Name: "show", Chinese: "查看", Usage: "编号", Summary: "查看投票的规则、进度和结果",
					Who: commands.Member, Args: id("请写上投票编号，例如 /投票 查看 3。发送 /投票 列表 查看进行中的投票。"), Handler: showVote},
				{Name: "close", Chinese: "结束", Usage: "编号", Summary: "提前结束投票（主管随时，发起人在大家都投了之后）",
					Who: commands.Member, Args: id("请写上投票编号，例如 /投票 结束 3。"), Handler: closeVoteEarly},
				{Name: "veto", Chinese: "否决", Usage: "编号 理由", Summary: "否决进行中的投票或 24 小时内通过的表决",
					Who: commands.Supervisor, Forbidden: "否决投票只有主管可以操作%s。", Args: id(vetoHow), Handler: vetoVote},
				{Name: "rule", Chinese: "规则", Usage: "[通过 过半 法定 过半]", Summary: "查看表决规则；主管可修改",
					Who: commands.Member, Change: commands.Supervisor, Forbidden: commands.OnlySupervisor("修改表决规则"), Handler: voteRule},
			},
		},
		{
			Name: "agree", Chinese: "同意", Aliases: []string{"赞成"},
			Summary:  "在表决里投同意票（只有一个进行中的表决时可以不写编号）",
			Usage:    "[编号]",
			Examples: []string{"/同意 3", "/同意"},
			Who:      commands.Member, Args: []commands.ArgSpec{{Kind: commands.ArgID, Optional: true}}, Handler: ballotShortcut("同意"),
		},
		{
			Name: "against", Chinese: "反对",
			Summary:  "在表决里投反对票",
			Usage:    "[编号]",
			Examples: []string{"/反对 3"},
			Who:      commands.Member, Args: []commands.ArgSpec{{Kind: commands.ArgID, Optional: true}}, Handler: ballotShortcut("反对"),
		},
		{
			Name: "abstain", Chinese: "弃权",
			Summary:  "在表决里投弃权票（弃权算作已投）",
			Usage:    "[编号]",
			Examples: []string{"/弃权 3"},
			Who:      commands.Member, Args: []commands.ArgSpec{{Kind: commands.ArgID, Optional: true}}, Handler: ballotShortcut("弃权"),
		},
	}
}

// vote is /投票 without a subcommand: with no arguments it lists the open
// votes; a vote's number (read as the ID argument) is followed by a
// ballot.
func vote(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case len(r.Args) == 0:
		return listVotes(ctx, r)
	case r.ID == 0:
		return teambot.Reply{}, commands.UsageError(r.Command, fmt.Sprintf("没有「%s」这个投票操作。", lang.Clip(r.Args[0].Text)))
	case len(r.Params) == 0:
		return teambot.Reply{}, teambot.Invalid("请写上你的选择，例如 /投票 %s 同意，或写选项的序号。", r.Args[0].Text)
	}
	return castBallot(ctx, r, r.ID, strings.Join(lang.ArgTexts(r.Params), " "))
}

// ballotShortcut makes /同意 ID, /反对 ID and /弃权 ID: a motion ballot. With
// no id it votes in the team's only open motion.
func ballotShortcut(choice string) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
		if err := r.NeedTeam(); err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case r.ID != 0:
			return castBallot(ctx, r, r.ID, choice)
		case len(r.Params) > 0:
			return teambot.Reply{}, teambot.Invalid(badVoteID, lang.Clip(r.Params[0].Text))
		}
		open, err := txOf(r).Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
		if err != nil {
			return teambot.Reply{}, err
		}
		var motions []teambot.Vote
		for _, v := range open {
			if v.Kind == teambot.VoteMotion && v.Open(r.Now) {
				motions = append(motions, v)
			}
		}
		switch len(motions) {
		case 0:
			return teambot.Reply{}, teambot.NotFound("现在没有进行中的表决。主管或成员可以用 /投票 发起 标题 发起一个。")
		case 1:
			return castBallot(ctx, r, motions[0].ID, choice)
		}
		var ids []string
		for _, v := range motions {
			ids = append(ids, fmt.Sprintf("#%d「%s」", v.ID, v.Title))
		}
		return teambot.Reply{}, teambot.Invalid("现在有 %d 个进行中的表决：%s。请写上编号，例如 /%s %d。",
			len(motions), strings.Join(ids, "、"), choice, motions[0].ID)
	}
}

// voteByID loads the vote numbered id, locking its row: ballots and
// closing of one vote happen one after another.
func voteByID(ctx context.Context, r *commands.Request, id int64) (teambot.Vote, error) {
	v, err := txOf(r).LockVote(ctx, r.Team.ID, id, r.Now)
	if errors.Is(err, teambot.ErrNotFound) {
		return v, teambot.NotFound("没有编号为 #%d 的投票。发送 /投票 列表 查看进行中的投票。", id)
	}
	return v, err
}

func voteKindCN(v teambot.Vote) string {
	if v.Kind == teambot.VotePoll {
		return "投票"
	}
	return "表决"
}

func voteTarget(v teambot.Vote) string { return fmt.Sprintf("vote#%d", v.ID) }

// voteFlags says in brackets how a vote differs from the default.
func voteFlags(v teambot.Vote) string {
	var fs []string
	if v.Anonymous {
		fs = append(fs, "匿名")
	}
	if v.Live {
		fs = append(fs, "实时计票")
	}
	if len(fs) == 0 {
		return ""
	}
	return "（" + strings.Join(fs, "，") + "）"
}

func numberedOptions(v teambot.Vote) string {
	parts := make([]string, len(v.Options))
	for i, o := range v.Options {
		parts[i] = fmt.Sprintf("%d. %s", i+1, o)
	}
	return strings.Join(parts, "  ")
}

// howToVote tells members how to cast a ballot in v.
func howToVote(v teambot.Vote) string {
	var s string
	if v.Kind == teambot.VoteMotion {
		s = fmt.Sprintf("投票：@我 发送 /同意 %d、/反对 %d 或 /弃权 %d，截止前可以改票。", v.ID, v.ID, v.ID)
	} else {
		s = fmt.Sprintf("投票：@我 发送 /投票 %d 选项（或序号），例如 /投票 %d 1，截止前可以改票。", v.ID, v.ID)
	}
	if v.Anonymous {
		s += "匿名投票请私聊我发送：群里的消息大家都看得到。"
	}
	return s
}

// choiceOf finds the option text names: its exact text, its number, or for
// a motion a common synonym (赞成, 支持, 不同意).
func choiceOf(v teambot.Vote, text string) (int, error) {
	text = lang.TrimSpace(text)
	for i, o := range v.Options {
		if strings.EqualFold(o, text) {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(v.Options) {
		return n - 1, nil
	}
	if v.Kind == teambot.VoteMotion {
		switch strings.ToLower(text) {
		case "赞成", "支持", "yes", "agree", "y":
			return 0, nil
		case "不同意", "不赞成", "no", "against", "n":
			return 1, nil
		case "abstain":
			return 2, nil
		}
	}
	return 0, teambot.Invalid("投票 #%d 没有「%s」这个选项。可选：%s（也可以写序号）。", v.ID, lang.Clip(text), numberedOptions(v))
}

// ballotKey is who a ballot in v belongs to: the member's id, or for an
// anonymous vote an HMAC of the vote and the member under the ballot key.
func ballotKey(r *commands.Request, v teambot.Vote, memberID int64) string {
	if !v.Anonymous {
		return "m" + strconv.FormatInt(memberID, 10)
	}
	mac := hmac.New(sha256.New, r.Engine.Config.BallotKey)
	fmt.Fprintf(mac, "teambot ballot %d %d", v.ID, memberID)
	return "a" + hex.EncodeToString(mac.Sum(nil))
}

// castBallot records the caller's ballot (or changes it) in the vote
// numbered id.
func castBallot(ctx context.Context, r *commands.Request, id int64, choiceText string) (teambot.Reply, error) {
	v, err := voteByID(ctx, r, id)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := stillOpen(r, v); err != nil {
		return teambot.Reply{}, err
	}
	if err := inElectorate(ctx, r, v); err != nil {
		return teambot.Reply{}, err
	}
	choice, err := choiceOf(v, choiceText)
	if err != nil {
		return teambot.Reply{}, err
	}
	before, err := txOf(r).Turnout(ctx, v.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	prev, had, err := txOf(r).CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: ballotKey(r, v, r.Caller.ID),
		MemberID: map[bool]int64{false: r.Caller.ID, true: 0}[v.Anonymous], Choice: choice}, r.Caller.ID, r.Now)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !had && slices.Contains(before, r.Caller.ID) {
		// The ballot key changed since this member voted: a second ballot
		// would count them twice. The refusal undoes this one.
		return teambot.Reply{}, teambot.Conflict("你已经在匿名投票 #%d 投过票；服务器的密钥更换过，这张票不能再改。原来的选票仍然有效。", v.ID)
	}
	detail := "投「" + v.Options[choice] + "」"
	if had {
		detail = "改投「" + v.Options[choice] + "」（原为「" + v.Options[prev] + "」）"
	}
	if v.Anonymous {
		detail = "匿名投票，选择不记录"
	}
	if err := r.Audit(ctx, "vote.ballot", voteTarget(v), detail); err != nil {
		return teambot.Reply{}, err
	}
	progress, err := progress(ctx, r, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	progress += "，之前可以改票。"
	switch {
	case v.Anonymous && !r.Single():
		return teambot.Reply{Text: fmt.Sprintf("已记录 %s 在投票 #%d「%s」的匿名选票（不公开选择）。%s\n提示：匿名投票请私聊我发送，群里的消息大家都看得到。",
			r.Caller.Name, v.ID, v.Title, progress)}, nil
	case had && prev == choice:
		return teambot.Reply{Text: fmt.Sprintf("%s 在投票 #%d「%s」已经投了「%s」，没有变化。%s", r.Caller.Name, v.ID, v.Title, v.Options[choice], progress)}, nil
	case had:
		return teambot.Reply{Text: fmt.Sprintf("已改票：%s 在投票 #%d「%s」改投「%s」（原为「%s」）。%s", r.Caller.Name, v.ID, v.Title, v.Options[choice], v.Options[prev], progress)}, nil
	}
	return teambot.Reply{Text: fmt.Sprintf("已记录：%s 在投票 #%d「%s」投了「%s」。%s", r.Caller.Name, v.ID, v.Title, v.Options[choice], progress)}, nil
}

// inElectorate refuses a ballot from a member who joined after v opened
// (R11): the electorate is fixed then.
func inElectorate(ctx context.Context, r *commands.Request, v teambot.Vote) error {
	q, err := quorumNow(ctx, r, v)
	if err != nil {
		return err
	}
	if !q.holds(r.Caller.ID) {
		return teambot.Forbidden("%s 在%s #%d 发起（%s）之后才加入团队，不能参加这次投票，也不计入它的法定人数：能投票的是发起时在团队里的成员。下次的投票就可以参加了。",
			r.Caller.Name, voteKindCN(v), v.ID, r.Moment(v.CreatedAt))
	}
	return nil
}

// progress is how many of those who may vote in v have, and its deadline:
// 已投 2/4 人，截止 11月26日 周四 10:00.
func progress(ctx context.Context, r *commands.Request, v teambot.Vote) (string, error) {
	q, err := quorumNow(ctx, r, v)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已投 %d/%d 人，截止 %s", q.cast(), len(q.in), r.Moment(v.Deadline)), nil
}

// withdrawBallot is /投票 撤回 [ID]: the caller takes back their ballot
// while the vote is open. Without an id it is the one open vote they
// voted in.
func withdrawBallot(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	id := r.ID
	if id == 0 && len(r.Params) > 0 {
		return teambot.Reply{}, teambot.Invalid(badVoteID, lang.Clip(r.Params[0].Text))
	}
	if id == 0 {
		var err error
		if id, err = onlyVoteVotedIn(ctx, r); err != nil {
			return teambot.Reply{}, err
		}
	}
	v, err := voteByID(ctx, r, id)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := stillOpen(r, v); err != nil {
		return teambot.Reply{}, err
	}
	turnout, err := txOf(r).Turnout(ctx, v.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	had, err := txOf(r).WithdrawBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: ballotKey(r, v, r.Caller.ID)}, r.Caller.ID)
	switch {
	case err != nil:
		return teambot.Reply{}, err
	case !had && slices.Contains(turnout, r.Caller.ID):
		return teambot.Reply{}, teambot.Conflict("你在匿名投票 #%d 的选票是服务器的密钥更换之前投的，不能撤回，仍然有效。", v.ID)
	case !had:
		return teambot.Reply{}, teambot.NotFound("你在投票 #%d 还没有投票，没有可撤回的选票。", v.ID)
	}
	if err := r.Audit(ctx, "vote.withdraw", voteTarget(v), "撤回选票"); err != nil {
		return teambot.Reply{}, err
	}
	progress, err := progress(ctx, r, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已撤回 %s 在投票 #%d「%s」的选票，不再计入。%s，之前可以重新投票。",
		r.Caller.Name, v.ID, v.Title, progress)}, nil
}

// onlyVoteVotedIn is the number of the one open vote the caller voted in,
// for /投票 撤回 without a number.
func onlyVoteVotedIn(ctx context.Context, r *commands.Request) (int64, error) {
	open, err := txOf(r).Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
	if err != nil {
		return 0, err
	}
	var mine []string
	var id int64
	for _, v := range open {
		turnout, err := txOf(r).Turnout(ctx, v.ID)
		if err != nil {
			return 0, err
		}
		if v.Open(r.Now) && slices.Contains(turnout, r.Caller.ID) {
			mine = append(mine, strconv.FormatInt(v.ID, 10))
			id = v.ID
		}
	}
	switch len(mine) {
	case 0:
		return 0, teambot.NotFound("现在没有你投过票的进行中投票，没有可撤回的选票。")
	case 1:
		return id, nil
	}
	return 0, teambot.Invalid("你在 %d 个进行中的投票投了票（#%s），请写上编号，例如 /投票 撤回 %s。",
		len(mine), strings.Join(mine, "、#"), mine[0])
}

// stillOpen refuses a ballot in a vote that no longer takes them.
func stillOpen(r *commands.Request, v teambot.Vote) error {
	switch {
	case v.Status != teambot.VoteOpen:
		return teambot.Conflict("投票 #%d「%s」已经结束（%s），不能再投、改票或撤回。发送 /投票 查看 %d 看结果。", v.ID, v.Title, teambot.OutcomeCN(v.Outcome), v.ID)
	case !r.Now.Before(v.Deadline):
		return teambot.Conflict("投票 #%d「%s」已在 %s 截止，正在计票，结果马上公布。", v.ID, v.Title, r.Moment(v.Deadline))
	}
	return nil
}
