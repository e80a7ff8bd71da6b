package vote

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"teambot/commands"
	"teambot/commands/lang"
	"time"
	"unicode/utf8"

	"teambot"
)

// Opening a vote (R11): /投票 发起 and how its title, options, deadline
// and flags are read.

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
func parseVoteDraft(r *commands.Request) (d voteDraft, err error) {
	words := lang.RestWords(r.Rest)[1:] // after 发起
	d = voteDraft{deadline: r.Now.Add(voteDefaultTerm)}
	// Cut the words into the title and the keyword parts.
	type part struct {
		key   string
		words []lang.Word
	}
	var title []lang.Word
	var parts []part
	for _, w := range words {
		if key, ok := voteKeywords[strings.ToLower(w.Text)]; ok {
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
		tok, _ := lang.CutToken(r.Rest[last.At:])
		d.title = lang.TrimSpace(r.Rest[title[0].At : last.At+len(tok)])
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
				return d, teambot.Invalid("「%s」后面不用写内容，看不懂「%s」。%s", voteKeywordCN(p.key), lang.Clip(p.words[0].Text), newVoteHow)
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
			at, err := parseVoteDeadline(r, lang.WordTexts(p.words))
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
		return teambot.Invalid("投票的%s最多 %d 字，「%s」有 %d 字，请写简短些。", what, limit, lang.Clip(text), n)
	}
	return nil
}

// parseVoteOptions splits the words after 选项 at | or ｜: A | B | C, A|B|C.
func parseVoteOptions(ws []lang.Word) ([]string, error) {
	joined := strings.Join(lang.WordTexts(ws), " ")
	joined = strings.ReplaceAll(joined, "｜", "|")
	var opts []string
	seen := map[string]bool{}
	for _, o := range strings.Split(joined, "|") {
		o = lang.TrimSpace(o)
		if o == "" {
			continue
		}
		if err := checkVoteText("选项", o, maxVoteOption); err != nil {
			return nil, err
		}
		if seen[o] {
			return nil, teambot.Invalid("选项「%s」写了两次，每个选项只写一次。", lang.Clip(o))
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
func parseVoteDeadline(r *commands.Request, words []string) (time.Time, error) {
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
		if _, _, ok := lang.ParseTimeOfDay(words[0], ""); !ok {
			span, left, err := lang.ParseDateSpan(words, r.Today())
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
			return time.Time{}, teambot.Invalid("看不懂截止时间「%s」。%s", lang.Clip(strings.Join(words, " ")), how)
		}
		if len(rest) == 1 {
			var ok bool
			if hh, mm, ok = lang.ParseTimeOfDay(rest[0], half); !ok {
				return time.Time{}, teambot.Invalid("看不懂截止时间「%s」。%s", lang.Clip(rest[0]), how)
			}
		}
		at = time.Date(day.Year, day.Month, day.Day, hh, mm, 0, 0, r.Location())
	}
	switch {
	case !at.After(r.Now):
		return time.Time{}, teambot.Invalid("截止时间 %s 已经过去了（现在是 %s），请写以后的时间。", r.Moment(at), r.Moment(r.Now))
	case at.Sub(r.Now) < voteMinDuration:
		return time.Time{}, teambot.Invalid("截止时间离现在不到 %d 分钟，大家来不及投票。请至少留 %d 分钟。", int(voteMinDuration/time.Minute), int(voteMinDuration/time.Minute))
	case at.Sub(r.Now) > voteMaxDuration:
		return time.Time{}, teambot.Invalid("截止时间最多在 %d 天以后，%s 太远了。", int(voteMaxDuration/(24*time.Hour)), r.Moment(at))
	}
	return at, nil
}

// newVote is /投票 发起: a motion, or a poll when options are given.
func newVote(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	d, err := parseVoteDraft(r)
	if err != nil {
		return teambot.Reply{}, err
	}
	rule, err := txOf(r).VoteRule(ctx, r.Team.ID)
	if err != nil {
		return teambot.Reply{}, err
	}
	v := teambot.Vote{TeamID: r.Team.ID, Title: d.title, Kind: teambot.VoteMotion, Options: teambot.MotionOptions,
		Anonymous: d.anonymous, Live: d.live, Rule: rule, CreatedBy: r.UserID, CreatorMember: r.Caller.ID,
		CreatedAt: r.Now, Deadline: d.deadline}
	if d.options != nil {
		v.Kind, v.Options = teambot.VotePoll, d.options
	}
	if err := txOf(r).CreateVote(ctx, &v); err != nil {
		return teambot.Reply{}, err
	}
	base, err := quorumNow(ctx, r, v)
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
		numberedOptions(v), r.Moment(v.Deadline), ruleLine(r, v, base))
	b.WriteString("\n" + howToVote(v))
	var card *teambot.Card
	if !r.Single() {
		if card, err = groupCard(ctx, r, v.ID, false, ""); err != nil {
			return teambot.Reply{}, err
		}
	}
	return teambot.Reply{Text: b.String(), Card: card}, nil
}
