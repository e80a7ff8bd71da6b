package commands

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	// VoteNagBefore is when 投票催促 goes out before a deadline.
	VoteNagBefore = 2 * time.Hour
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

// voteCommands are /投票 with its subcommands and the ballot shortcuts
// /同意 /反对 /弃权 (R11).
func voteCommands() []*Command {
	id := func(missing string) []ArgSpec {
		return []ArgSpec{{Kind: ArgID, Missing: missing, Bad: badVoteID}}
	}
	return []*Command{
		{
			Name: "vote", Chinese: "投票", Aliases: []string{"表决", "votes"},
			Summary:  "发起表决或投票、投票改票撤回、查看结果和已结束的决定；主管否决、提前结束、设置表决规则",
			Usage:    "[编号 选项]",
			Examples: []string{"/投票 发起 是否参加双十二大促 截止 明天 18:00", "/投票 发起 团建时间 选项 周五下午 | 周六上午 截止 2天", "/投票 3 周五下午", "/投票 撤回 3", "/投票 查看 3", "/投票 列表 全部", "/投票 否决 3 预算不够，下月再议", "/投票 规则"},
			Who:      Member, Handler: vote,
			Args: []ArgSpec{{Kind: ArgID, Optional: true}},
			Sub: []*Command{
				{Name: "list", Chinese: "列表", Usage: "[全部]", Summary: "列出进行中的投票；写「全部」连同已结束的决定",
					Who: Member, Handler: listVotes},
				{Name: "new", Chinese: "发起", Aliases: []string{"新建"}, Usage: "标题 [选项 A | B | C] [截止 时间] [匿名] [实时]",
					Summary: "发起表决（不写选项）或投票", Who: Member, Handler: newVote},
				{Name: "withdraw", Chinese: "撤回", Usage: "[编号]", Summary: "撤回自己的选票（只投过一个时可以不写编号）",
					Who: Member, Args: []ArgSpec{{Kind: ArgID, Optional: true}}, Handler: withdrawBallot},
				{Name: "show", Chinese: "查看", Usage: "编号", Summary: "查看投票的规则、进度和结果",
					Who: Member, Args: id("请写上投票编号，例如 /投票 查看 3。发送 /投票 列表 查看进行中的投票。"), Handler: showVote},
				{Name: "close", Chinese: "结束", Usage: "编号", Summary: "提前结束投票（主管随时，发起人在大家都投了之后）",
					Who: Member, Args: id("请写上投票编号，例如 /投票 结束 3。"), Handler: closeVoteEarly},
				{Name: "veto", Chinese: "否决", Usage: "编号 理由", Summary: "否决进行中的投票或 24 小时内通过的表决",
					Who: Supervisor, Forbidden: "否决投票只有主管可以操作%s。", Args: id(vetoHow), Handler: vetoVote},
				{Name: "rule", Chinese: "规则", Usage: "[通过 过半 法定 过半]", Summary: "查看表决规则；主管可修改",
					Who: Member, Change: Supervisor, Forbidden: onlySupervisor("修改表决规则"), Handler: voteRule},
			},
		},
		{
			Name: "agree", Chinese: "同意", Aliases: []string{"赞成"},
			Summary:  "在表决里投同意票（只有一个进行中的表决时可以不写编号）",
			Usage:    "[编号]",
			Examples: []string{"/同意 3", "/同意"},
			Who:      Member, Args: []ArgSpec{{Kind: ArgID, Optional: true}}, Handler: ballotShortcut("同意"),
		},
		{
			Name: "against", Chinese: "反对",
			Summary:  "在表决里投反对票",
			Usage:    "[编号]",
			Examples: []string{"/反对 3"},
			Who:      Member, Args: []ArgSpec{{Kind: ArgID, Optional: true}}, Handler: ballotShortcut("反对"),
		},
		{
			Name: "abstain", Chinese: "弃权",
			Summary:  "在表决里投弃权票（弃权算作已投）",
			Usage:    "[编号]",
			Examples: []string{"/弃权 3"},
			Who:      Member, Args: []ArgSpec{{Kind: ArgID, Optional: true}}, Handler: ballotShortcut("弃权"),
		},
	}
}

// vote is /投票 without a subcommand: with no arguments it lists the open
// votes; a vote's number (read as the ID argument) is followed by a
// ballot.
func vote(ctx context.Context, r *Request) (teambot.Reply, error) {
	if err := r.needTeam(); err != nil {
		return teambot.Reply{}, err
	}
	switch {
	case len(r.Args) == 0:
		return listVotes(ctx, r)
	case r.ID == 0:
		return teambot.Reply{}, usageError(r.Command, fmt.Sprintf("没有「%s」这个投票操作。", clip(r.Args[0].Text)))
	case len(r.Params) == 0:
		return teambot.Reply{}, teambot.Invalid("请写上你的选择，例如 /投票 %s 同意，或写选项的序号。", r.Args[0].Text)
	}
	return castBallot(ctx, r, r.ID, strings.Join(argTexts(r.Params), " "))
}

// ballotShortcut makes /同意 ID, /反对 ID and /弃权 ID: a motion ballot. With
// no id it votes in the team's only open motion.
func ballotShortcut(choice string) Handler {
	return func(ctx context.Context, r *Request) (teambot.Reply, error) {
		if err := r.needTeam(); err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case r.ID != 0:
			return castBallot(ctx, r, r.ID, choice)
		case len(r.Params) > 0:
			return teambot.Reply{}, teambot.Invalid(badVoteID, clip(r.Params[0].Text))
		}
		open, err := r.Tx.Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
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

func argTexts(args []teambot.Arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Text
	}
	return out
}

// voteByID loads the vote numbered id, locking its row: ballots and
// closing of one vote happen one after another.
func (r *Request) voteByID(ctx context.Context, id int64) (teambot.Vote, error) {
	v, err := r.Tx.LockVote(ctx, r.Team.ID, id, r.Now)
	if errors.Is(err, teambot.ErrNotFound) {
		return v, teambot.NotFound("没有编号为 #%d 的投票。发送 /投票 列表 查看进行中的投票。", id)
	}
	return v, err
}

// voteKeywords start the parts of /投票 发起 after the title.
var voteKeywords = map[string]string{
	"选项": "options", "options": "options",
	"截止": "deadline", "截至": "deadline", "deadline": "deadline",
	"匿名": "anonymous", "anonymous": "anonymous",
	"实时": "live", "live": "live",
}

// voteDraft is what /投票 发起 asked for.
type voteDraft struct {
	title     string
	options   []string
	deadline  time.Time
	anonymous bool
	live      bool
}

const newVoteHow = "请写成 /投票 发起 标题 [选项 A | B | C] [截止 明天 18:00 或 2小时 或 3天] [匿名] [实时]，例如 /投票 发起 是否参加双十二大促 截止 明天 18:00。"

// parseVoteDraft reads /投票 发起: the title up to the first keyword, then
// the keywords' parts.
func (r *Request) parseVoteDraft() (d voteDraft, err error) {
	words := restWords(r.Rest)[1:] // after 发起
	d = voteDraft{deadline: r.Now.Add(voteDefaultTerm)}
	// Cut the words into the title and the keyword parts.
	type part struct {
		key   string
		words []word
	}
	var title []word
	var parts []part
	for _, w := range words {
		if key, ok := voteKeywords[strings.ToLower(w.text)]; ok {
			parts = append(parts, part{key: key})
			continue
		}
		if len(parts) == 0 {
			title = append(title, w)
		} else {
			parts[len(parts)-1].words = append(parts[len(parts)-1].words, w)
		}
	}
	if len(title) > 0 {
		last := title[len(title)-1]
		tok, _ := cutToken(r.Rest[last.at:])
		d.title = trimSpace(r.Rest[title[0].at : last.at+len(tok)])
	}
	if err := checkVoteText("标题", d.title, maxVoteTitle); err != nil {
		return d, err
	}
	seen := map[string]bool{}
	defer func() {
		if d.anonymous && d.live && err == nil {
			// A running tally beside who has voted tells each new voter's
			// choice: anonymous votes are counted at the end only.
			err = teambot.Invalid("匿名投票不能实时计票：看着票数变化就能推算出谁投了什么。请去掉「实时」再发起。")
		}
	}()
	for _, p := range parts {
		if seen[p.key] {
			return d, teambot.Invalid("「%s」写了两次。%s", voteKeywordCN(p.key), newVoteHow)
		}
		seen[p.key] = true
		switch p.key {
		case "anonymous", "live":
			if len(p.words) > 0 {
				return d, teambot.Invalid("「%s」后面不用写内容，看不懂「%s」。%s", voteKeywordCN(p.key), clip(p.words[0].text), newVoteHow)
			}
			d.anonymous = d.anonymous || p.key == "anonymous"
			d.live = d.live || p.key == "live"
		case "options":
			opts, err := parseVoteOptions(p.words)
			if err != nil {
				return d, err
			}
			d.options = opts
		case "deadline":
			at, err := r.parseVoteDeadline(wordTexts(p.words))
			if err != nil {
				return d, err
			}
			d.deadline = at
		}
	}
	return d, nil
}

func voteKeywordCN(key string) string {
	return map[string]string{"options": "选项", "deadline": "截止", "anonymous": "匿名", "live": "实时"}[key]
}

// checkVoteText refuses an empty, overlong or password-carrying title or
// option (R13: a password is never stored).
func checkVoteText(what, text string, limit int) error {
	switch n := utf8.RuneCountInString(text); {
	case text == "":
		return teambot.Invalid("请写上投票的%s。%s", what, newVoteHow)
	case n > limit:
		return teambot.Invalid("投票的%s最多 %d 字，「%s」有 %d 字，请写简短些。", what, limit, clip(text), n)
	}
	return nil
}

// parseVoteOptions splits the words after 选项 at | or ｜: A | B | C, A|B|C.
func parseVoteOptions(ws []word) ([]string, error) {
	joined := strings.Join(wordTexts(ws), " ")
	joined = strings.ReplaceAll(joined, "｜", "|")
	var opts []string
	seen := map[string]bool{}
	for _, o := range strings.Split(joined, "|") {
		o = trimSpace(o)
		if o == "" {
			continue
		}
		if err := checkVoteText("选项", o, maxVoteOption); err != nil {
			return nil, err
		}
		if seen[o] {
			return nil, teambot.Invalid("选项「%s」写了两次，每个选项只写一次。", clip(o))
		}
		seen[o] = true
		opts = append(opts, o)
	}
	switch {
	case len(opts) < 2:
		return nil, teambot.Invalid("选项至少两个，用 | 隔开，例如 选项 周五下午 | 周六上午。不写选项就是同意/反对/弃权的表决。")
	case len(opts) > maxVoteOptions:
		return nil, teambot.Invalid("选项最多 %d 个，这次写了 %d 个。", maxVoteOptions, len(opts))
	}
	return opts, nil
}

// durationPattern reads a deadline written as a span from now: 2小时,
// 90分钟, 3天, 2 小时, 2h.
var durationPattern = regexp.MustCompile(`^(\d{1,4})\s*(个小时|小时|h|分钟|min|天|d)$`)

// parseVoteDeadline reads the words after 截止: a span from now (2小时,
// 3天), a time today (18:00), or a date and a time (明天 18:00, 周五 18:00,
// 2026-12-01 18:00).
func (r *Request) parseVoteDeadline(words []string) (time.Time, error) {
	const how = "截止时间请写成 2小时、3天、18:00、明天 18:00 或 2026-12-01 18:00。"
	if len(words) == 0 {
		return time.Time{}, teambot.Invalid("「截止」后面请写上时间。%s", how)
	}
	text := strings.ToLower(strings.Join(words, " "))
	var at time.Time
	if m := durationPattern.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"个小时": time.Hour, "小时": time.Hour, "h": time.Hour, "分钟": time.Minute,
			"min": time.Minute, "天": 24 * time.Hour, "d": 24 * time.Hour}[m[2]]
		at = r.Now.Add(time.Duration(n) * unit).Truncate(time.Minute)
	} else {
		day, rest := r.Today(), words
		half := ""
		if _, _, ok := parseTimeOfDay(words[0], ""); !ok {
			span, left, err := parseDateSpan(words, r.Today())
			if err != nil {
				return time.Time{}, err
			}
			if span.To != span.From {
				return time.Time{}, teambot.Invalid("截止时间是一个时刻，不能写日期范围。%s", how)
			}
			day, rest, half = span.From, left, span.Half
		}
		hh, mm := 18, 0 // a day without a time ends at 18:00, like reports
		if len(rest) > 1 {
			return time.Time{}, teambot.Invalid("看不懂截止时间「%s」。%s", clip(strings.Join(words, " ")), how)
		}
		if len(rest) == 1 {
			var ok bool
			if hh, mm, ok = parseTimeOfDay(rest[0], half); !ok {
				return time.Time{}, teambot.Invalid("看不懂截止时间「%s」。%s", clip(rest[0]), how)
			}
		}
		at = time.Date(day.Year, day.Month, day.Day, hh, mm, 0, 0, r.Location())
	}
	switch {
	case !at.After(r.Now):
		return time.Time{}, teambot.Invalid("截止时间 %s 已经过去了（现在是 %s），请写以后的时间。", r.moment(at), r.moment(r.Now))
	case at.Sub(r.Now) < voteMinDuration:
		return time.Time{}, teambot.Invalid("截止时间离现在不到 %d 分钟，大家来不及投票。请至少留 %d 分钟。", int(voteMinDuration/time.Minute), int(voteMinDuration/time.Minute))
	case at.Sub(r.Now) > voteMaxDuration:
		return time.Time{}, teambot.Invalid("截止时间最多在 %d 天以后，%s 太远了。", int(voteMaxDuration/(24*time.Hour)), r.moment(at))
	}
	return at, nil
}

// newVote is /投票 发起: a motion, or a poll when options are given.
func newVote(ctx context.Context, r *Request) (teambot.Reply, error) {
	d, err := r.parseVoteDraft()
	if err != nil {
		return teambot.Reply{}, err
	}
	rule, err := r.Tx.VoteRule(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	v := teambot.Vote{TeamID: r.Team.ID, Title: d.title, Kind: teambot.VoteMotion, Options: teambot.MotionOptions,
		Anonymous: d.anonymous, Live: d.live, Rule: rule, CreatedBy: r.UserID, CreatorMember: r.Caller.ID,
		CreatedAt: r.Now, Deadline: d.deadline}
	if d.options != nil {
		v.Kind, v.Options = teambot.VotePoll, d.options
	}
	if err := r.Tx.CreateVote(ctx, &v); err != nil {
		return teambot.Reply{}, err
	}
	base, err := r.quorumNow(ctx, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	flags := voteFlags(v)
	if err := r.Audit(ctx, "vote.create", voteTarget(v), fmt.Sprintf("%s「%s」选项 %s 截止 %s%s",
		voteKindCN(v), v.Title, strings.Join(v.Options, "|"), v.Deadline.UTC().Format(time.RFC3339), flags)); err != nil {
		return teambot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已发起%s #%d：「%s」%s\n选项：%s\n截止：%s\n规则：%s", voteKindCN(v), v.ID, v.Title, flags,
		numberedOptions(v), r.moment(v.Deadline), r.ruleLine(v, base))
	b.WriteString("\n" + howToVote(v))
	return teambot.Reply{Text: b.String()}, nil
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
// moment it closes as of; an open one is shown with the roster now and
// the leave that covers its deadline.
func (r *Request) quorumAt(ctx context.Context, v teambot.Vote, at, leaveAt time.Time) (quorum, error) {
	electorate, err := r.Tx.Electorate(ctx, v.ID)
	if err != nil {
		return quorum{}, err
	}
	if len(electorate) == 0 { // a vote closed before electorates were kept: names only
		members, err := r.Tx.ActiveMembers(ctx, r.Team.ID)
		return quorum{electorate: members, in: members}, err
	}
	active, err := r.Tx.MembersActiveAt(ctx, r.Team.ID, at)
	if err != nil {
		return quorum{}, err
	}
	turnout, err := r.Tx.Turnout(ctx, v.ID)
	if err != nil {
		return quorum{}, err
	}
	day := teambot.DateOf(leaveAt.In(r.Location()))
	away, err := r.onLeave(ctx, day, day)
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
func (r *Request) quorumNow(ctx context.Context, v teambot.Vote) (quorum, error) {
	return r.quorumAt(ctx, v, r.Now, v.Deadline)
}

// ruleLine is the rule of v in one line, e.g. 过半数同意即通过，需 4 人投票，
// 主管有否决权.
func (r *Request) ruleLine(v teambot.Vote, q quorum) string {
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

// choiceOf finds the option text names: its exact text, its number, or for
// a motion a common synonym (赞成, 支持, 不同意).
func choiceOf(v teambot.Vote, text string) (int, error) {
	text = trimSpace(text)
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
	return 0, teambot.Invalid("投票 #%d 没有「%s」这个选项。可选：%s（也可以写序号）。", v.ID, clip(text), numberedOptions(v))
}

// ballotKey is who a ballot in v belongs to: the member's id, or for an
// anonymous vote an HMAC of the vote and the member under the ballot key.
func (r *Request) ballotKey(v teambot.Vote, memberID int64) string {
	if !v.Anonymous {
		return "m" + strconv.FormatInt(memberID, 10)
	}
	mac := hmac.New(sha256.New, r.engine.cfg.BallotKey)
	fmt.Fprintf(mac, "teambot ballot %d %d", v.ID, memberID)
	return "a" + hex.EncodeToString(mac.Sum(nil))
}

// castBallot records the caller's ballot (or changes it) in the vote
// numbered id.
func castBallot(ctx context.Context, r *Request, id int64, choiceText string) (teambot.Reply, error) {
	v, err := r.voteByID(ctx, id)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.stillOpen(v); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.inElectorate(ctx, v); err != nil {
		return teambot.Reply{}, err
	}
	choice, err := choiceOf(v, choiceText)
	if err != nil {
		return teambot.Reply{}, err
	}
	before, err := r.Tx.Turnout(ctx, v.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	prev, had, err := r.Tx.CastBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: r.ballotKey(v, r.Caller.ID),
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
	progress, err := r.progress(ctx, v)
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
func (r *Request) inElectorate(ctx context.Context, v teambot.Vote) error {
	q, err := r.quorumNow(ctx, v)
	if err != nil {
		return err
	}
	if !q.holds(r.Caller.ID) {
		return teambot.Forbidden("%s 在%s #%d 发起（%s）之后才加入团队，不能参加这次投票，也不计入它的法定人数：能投票的是发起时在团队里的成员。下次的投票就可以参加了。",
			r.Caller.Name, voteKindCN(v), v.ID, r.moment(v.CreatedAt))
	}
	return nil
}

// progress is how many of those who may vote in v have, and its deadline:
// 已投 2/4 人，截止 11月26日 周四 10:00.
func (r *Request) progress(ctx context.Context, v teambot.Vote) (string, error) {
	q, err := r.quorumNow(ctx, v)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已投 %d/%d 人，截止 %s", q.cast(), len(q.in), r.moment(v.Deadline)), nil
}

// withdrawBallot is /投票 撤回 [ID]: the caller takes back their ballot
// while the vote is open. Without an id it is the one open vote they
// voted in.
func withdrawBallot(ctx context.Context, r *Request) (teambot.Reply, error) {
	id := r.ID
	if id == 0 && len(r.Params) > 0 {
		return teambot.Reply{}, teambot.Invalid(badVoteID, clip(r.Params[0].Text))
	}
	if id == 0 {
		var err error
		if id, err = r.onlyVoteVotedIn(ctx); err != nil {
			return teambot.Reply{}, err
		}
	}
	v, err := r.voteByID(ctx, id)
	if err != nil {
		return teambot.Reply{}, err
	}
	if err := r.stillOpen(v); err != nil {
		return teambot.Reply{}, err
	}
	turnout, err := r.Tx.Turnout(ctx, v.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	had, err := r.Tx.WithdrawBallot(ctx, teambot.Ballot{VoteID: v.ID, Voter: r.ballotKey(v, r.Caller.ID)}, r.Caller.ID)
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
	progress, err := r.progress(ctx, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: fmt.Sprintf("已撤回 %s 在投票 #%d「%s」的选票，不再计入。%s，之前可以重新投票。",
		r.Caller.Name, v.ID, v.Title, progress)}, nil
}

// onlyVoteVotedIn is the number of the one open vote the caller voted in,
// for /投票 撤回 without a number.
func (r *Request) onlyVoteVotedIn(ctx context.Context) (int64, error) {
	open, err := r.Tx.Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
	if err != nil {
		return 0, err
	}
	var mine []string
	var id int64
	for _, v := range open {
		turnout, err := r.Tx.Turnout(ctx, v.ID)
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
func (r *Request) stillOpen(v teambot.Vote) error {
	switch {
	case v.Status != teambot.VoteOpen:
		return teambot.Conflict("投票 #%d「%s」已经结束（%s），不能再投、改票或撤回。发送 /投票 查看 %d 看结果。", v.ID, v.Title, teambot.OutcomeCN(v.Outcome), v.ID)
	case !r.Now.Before(v.Deadline):
		return teambot.Conflict("投票 #%d「%s」已在 %s 截止，正在计票，结果马上公布。", v.ID, v.Title, r.moment(v.Deadline))
	}
	return nil
}

// counted is a vote's tally with the ballots it came from.
type counted struct {
	teambot.Tally
	ballots []teambot.Ballot // those counted
	q       quorum
}

// count tallies v: a closed vote as of the moment it was counted as of,
// an open one as it stands.
func (r *Request) count(ctx context.Context, v teambot.Vote) (counted, error) {
	if v.Status == teambot.VoteClosed {
		return r.countAt(ctx, v, v.AsOf, v.AsOf)
	}
	return r.countAt(ctx, v, r.Now, v.Deadline)
}

// countAt tallies v with the quorum at (see quorumAt). Only the ballots of
// members in the team at count (R11, R18): a member removed, advised to
// resign or dismissed takes theirs out of the tally as out of the quorum.
// An anonymous ballot is matched to its member by recomputing the key; one
// cast under an earlier key matches nobody and is kept. A vote closed
// before electorates were kept counts every ballot, as it did then.
func (r *Request) countAt(ctx context.Context, v teambot.Vote, at, leaveAt time.Time) (counted, error) {
	all, err := r.Tx.Ballots(ctx, v.ID)
	if err != nil {
		return counted{}, err
	}
	q, err := r.quorumAt(ctx, v, at, leaveAt)
	if err != nil {
		return counted{}, err
	}
	out := map[string]bool{} // keys of the electorate's members no longer in the team
	for _, m := range q.electorate {
		out[r.ballotKey(v, m.ID)] = true
	}
	for _, m := range q.in {
		delete(out, r.ballotKey(v, m.ID))
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

// settle closes v now, counted as of asOf, with its outcome (vetoed when
// reason is set), records it and returns the announcement for the group.
func (r *Request) settle(ctx context.Context, v teambot.Vote, vetoReason string, asOf time.Time) (teambot.Vote, string, error) {
	c, err := r.countAt(ctx, v, asOf, asOf)
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
	if err := r.Tx.CloseVote(ctx, v); err != nil {
		return v, "", err
	}
	action, detail := "vote.close", fmt.Sprintf("%s %s", teambot.OutcomeCN(v.Outcome), tallyLine(v, c.Tally))
	if vetoReason != "" {
		action, detail = "vote.veto", "截止前否决："+vetoReason+"；当时 "+tallyLine(v, c.Tally)
	}
	if err := r.Audit(ctx, action, voteTarget(v), detail); err != nil {
		return v, "", err
	}
	return v, r.resultText(ctx, v, c), nil
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
func (r *Request) resultText(ctx context.Context, v teambot.Vote, c counted) string {
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
		if who := r.whoChose(v, c); who != "" {
			b.WriteString("\n" + who)
		}
	} else {
		b.WriteString("\n（匿名投票，不公布个人选择）")
	}
	if note := r.howItEnded(ctx, v); note != "" {
		b.WriteString("\n" + note)
	}
	if v.Outcome == teambot.OutcomeVetoed {
		fmt.Fprintf(&b, "\n主管 %s 行使否决权，理由：%s", r.nameOf(ctx, v.VetoedBy), v.VetoReason)
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
func (r *Request) howItEnded(ctx context.Context, v teambot.Vote) string {
	switch {
	case v.AsOf.Before(v.Deadline) && v.Outcome != teambot.OutcomeVetoed:
		who := "主管"
		if v.ClosedBy == v.CreatedBy {
			if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, v.ClosedBy); err != nil || !m.IsSupervisor() {
				who = "发起人"
			}
		}
		return fmt.Sprintf("由%s %s 在 %s 提前结束（原定截止 %s）。", who, r.nameOf(ctx, v.ClosedBy), r.moment(v.AsOf), r.moment(v.Deadline))
	case v.ClosedBy == voteCloser && v.ClosedAt.Sub(v.Deadline) > voteLateAfter:
		return fmt.Sprintf("截止于 %s，按截止时的名单和请假计票；机器人当时未运行，结果延迟公布（%s）。",
			r.moment(v.Deadline), r.moment(v.ClosedAt))
	}
	return ""
}

// nameOf is the display name of a team's member by userid, or the userid
// when there is no such member.
func (r *Request) nameOf(ctx context.Context, userID string) string {
	if m, err := r.Tx.MemberByUser(ctx, r.Team.ID, userID); err == nil {
		return m.Name
	}
	return userID
}

// whoChose lists who chose each option of a vote that is not anonymous,
// from the ballots counted.
func (r *Request) whoChose(v teambot.Vote, c counted) string {
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

// showVote is /投票 查看 ID: the title, rule, turnout, and the tally when
// the vote is live or closed.
func showVote(ctx context.Context, r *Request) (teambot.Reply, error) {
	v, err := r.voteByID(ctx, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	c, err := r.count(ctx, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	if v.Status == teambot.VoteClosed {
		return teambot.Reply{Text: r.resultText(ctx, v, c) + fmt.Sprintf("\n结束于 %s。", r.moment(v.AsOf))}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%d「%s」%s，进行中\n选项：%s\n截止：%s\n规则：%s\n已投 %d/%d 人",
		voteKindCN(v), v.ID, v.Title, voteFlags(v), numberedOptions(v), r.moment(v.Deadline), r.ruleLine(v, c.q), c.q.cast(), len(c.q.in))
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
func listVotes(ctx context.Context, r *Request) (teambot.Reply, error) {
	all := false
	if len(r.Params) > 0 {
		switch w := r.Params[0].Text; w {
		case "全部", "所有", "all":
			all = true
		default:
			return teambot.Reply{}, teambot.Invalid("看不懂「%s」。进行中的投票：/投票 列表；连同已结束的：/投票 列表 全部。", clip(w))
		}
	}
	open, err := r.Tx.Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteOpen})
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
		q, err := r.quorumNow(ctx, v)
		if err != nil {
			return teambot.Reply{}, err
		}
		voted := ""
		if r.Caller != nil && q.voted[r.Caller.ID] {
			voted = "，你已投"
		}
		fmt.Fprintf(&b, "\n#%d %s「%s」%s 截止 %s，已投 %d/%d 人%s", v.ID, voteKindCN(v), v.Title, voteFlags(v),
			r.moment(v.Deadline), q.cast(), len(q.in), voted)
	}
	if all {
		if err := r.listClosedVotes(ctx, &b); err != nil {
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
func (r *Request) listClosedVotes(ctx context.Context, b *strings.Builder) error {
	closed, err := r.Tx.Votes(ctx, teambot.VoteFilter{TeamID: r.Team.ID, Status: teambot.VoteClosed})
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
		c, err := r.count(ctx, v)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "\n#%d %s「%s」：%s（%s，结束于 %s）", v.ID, voteKindCN(v), v.Title, outcomeText(v, c.Tally),
			tallyLine(v, c.Tally), r.moment(v.AsOf))
	}
	return nil
}

// closeVoteEarly is /投票 结束 ID: the supervisor closes a vote before its
// deadline; the creator may once every member counted has voted (R11).
// The result is announced with who closed it.
func closeVoteEarly(ctx context.Context, r *Request) (teambot.Reply, error) {
	v, err := r.voteByID(ctx, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	if !r.Caller.IsSupervisor() && r.Caller.ID != v.CreatorMember {
		return teambot.Reply{}, teambot.Forbidden("投票 #%d 只有主管或发起人可以提前结束%s。", v.ID, r.supervisorHint(ctx))
	}
	if v.Status != teambot.VoteOpen {
		return teambot.Reply{}, teambot.Conflict("投票 #%d 已经结束（%s）。发送 /投票 查看 %d 看结果。", v.ID, teambot.OutcomeCN(v.Outcome), v.ID)
	}
	asOf := earlier(r.Now, v.Deadline)
	if !r.Caller.IsSupervisor() {
		q, err := r.quorumAt(ctx, v, asOf, asOf)
		if err != nil {
			return teambot.Reply{}, err
		}
		if left := q.pending(); len(left) > 0 {
			names := make([]string, len(left))
			for i, m := range left {
				names[i] = m.Name
			}
			return teambot.Reply{}, teambot.Forbidden("发起人要等所有应投票的成员都投了票才能提前结束投票 #%d：还有 %d 人没有投票：%s。到截止时间会自动结束；主管可以随时提前结束。",
				v.ID, len(left), nameList(names))
		}
	}
	v, text, err := r.settle(ctx, v, "", asOf)
	if err != nil {
		return teambot.Reply{}, err
	}
	return r.announce(ctx, v, text)
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
func (r *Request) announce(ctx context.Context, v teambot.Vote, text string) (teambot.Reply, error) {
	if !r.Single() {
		return teambot.Reply{Text: text}, nil
	}
	msg := teambot.Outgoing{TeamID: r.Team.ID, Channel: teambot.ToGroup, Text: text, Origin: fmt.Sprintf("vote %d %s", v.ID, v.Outcome)}
	if err := r.Tx.Enqueue(ctx, []teambot.Outgoing{msg}, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	return teambot.Reply{Text: text + "\n（结果已发到群里）"}, nil
}

// vetoHow is how to write /投票 否决.
const vetoHow = "请写成 /投票 否决 编号 理由，例如 /投票 否决 3 预算不够，下月再议。"

// vetoVote is /投票 否决 ID REASON: the supervisor vetoes an open vote, or a
// passed motion within 24 hours (R11).
func vetoVote(ctx context.Context, r *Request) (teambot.Reply, error) {
	v, err := r.voteByID(ctx, r.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	reason := freeText(r.Tail)
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
		v, text, err := r.settle(ctx, v, reason, earlier(r.Now, v.Deadline))
		if err != nil {
			return teambot.Reply{}, err
		}
		return r.announce(ctx, v, text)
	}
	if err := r.Tx.VetoPassedVote(ctx, r.Team.ID, v.ID, r.UserID, reason, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	v.Outcome, v.PassedBeforeVeto, v.VetoedBy, v.VetoReason, v.VetoedAt = teambot.OutcomeVetoed, true, r.UserID, reason, r.Now
	if err := r.Audit(ctx, "vote.veto", voteTarget(v), "通过后否决："+reason); err != nil {
		return teambot.Reply{}, err
	}
	c, err := r.count(ctx, v)
	if err != nil {
		return teambot.Reply{}, err
	}
	return r.announce(ctx, v, r.resultText(ctx, v, c))
}

// sharePattern reads a threshold: 过半, 过半数, 三分之二, 2/3, 无.
var shareWords = map[string]teambot.Share{
	"过半": {Num: 1, Den: 2}, "过半数": {Num: 1, Den: 2}, "半数以上": {Num: 1, Den: 2},
	"三分之二": {Num: 2, Den: 3, AtLeast: true}, "三分之二以上": {Num: 2, Den: 3, AtLeast: true}, "2/3": {Num: 2, Den: 3, AtLeast: true},
	"四分之三": {Num: 3, Den: 4, AtLeast: true}, "3/4": {Num: 3, Den: 4, AtLeast: true},
	"全体": {Num: 1, Den: 1, AtLeast: true}, "一致": {Num: 1, Den: 1, AtLeast: true},
}

// voteRule is /投票 规则 [通过 过半|三分之二] [法定 过半|三分之二|无]:
// everyone sees the team's rule; the supervisor changes it for new votes.
func voteRule(ctx context.Context, r *Request) (teambot.Reply, error) {
	const how = "请写成 /投票 规则 通过 过半|三分之二|四分之三|一致 法定 过半|三分之二|无，例如 /投票 规则 通过 三分之二 法定 过半。"
	rule, err := r.Tx.VoteRule(ctx, r.Team.ID)
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
	args := argTexts(r.Params)
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
			return teambot.Reply{}, teambot.Invalid("看不懂「%s」。%s", clip(val), how)
		}
		switch key {
		case "通过", "pass":
			next.Pass = s
		case "法定", "法定人数", "quorum":
			next.Quorum = s
		default:
			return teambot.Reply{}, teambot.Invalid("没有「%s」这项规则，只有「通过」和「法定」。%s", clip(key), how)
		}
	}
	if err := r.Tx.SetVoteRule(ctx, r.Team.ID, next, r.Now); err != nil {
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
