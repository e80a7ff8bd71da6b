package approval

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// teamPlatform is the team's platform word names (the account register's
// spelling, matched ignoring case): a post or a placement is for a
// platform the team has. Another name is refused with the closest of the
// team's platforms, or their list.
func teamPlatform(ctx context.Context, r *commands.Request, word string) (string, error) {
	word = lang.TrimSpace(word)
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return "", err
	}
	var names []string
	for _, a := range active {
		if teambot.SamePlatform(a.Platform, word) {
			return a.Platform, nil
		}
		if !containsPlatform(names, a.Platform) {
			names = append(names, a.Platform)
		}
	}
	if len(names) == 0 {
		return "", teambot.NotFound("团队还没有登记任何平台，不能为「%s」申请。请平台负责人先发送 /账号 登记 平台 账号名。", lang.Clip(word))
	}
	if best, ok := closest(word, names); ok {
		return "", teambot.NotFound("团队没有「%s」这个平台。你是不是指「%s」？团队的平台：%s。", lang.Clip(word), best, strings.Join(names, "、"))
	}
	return "", teambot.NotFound("团队没有「%s」这个平台。团队的平台：%s；新平台请先 /账号 登记 平台 账号名。", lang.Clip(word), strings.Join(names, "、"))
}

func containsPlatform(names []string, p string) bool {
	for _, n := range names {
		if teambot.SamePlatform(n, p) {
			return true
		}
	}
	return false
}

// closest is the name nearest word: one containing it or contained in it
// (公众 → 公众号), else one a few edits away (微搏 → 微博).
func closest(word string, names []string) (string, bool) {
	w := strings.ToLower(word)
	best, bestDist := "", 0
	for _, n := range names {
		l := strings.ToLower(n)
		d := distance(w, l)
		if w != "" && (strings.Contains(l, w) || strings.Contains(w, l)) {
			d = 0
		}
		if limit := max(1, utf8.RuneCountInString(l)/2); d > limit {
			continue
		}
		if best == "" || d < bestDist {
			best, bestDist = n, d
		}
	}
	return best, best != ""
}

// distance is the Levenshtein distance of a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// needsReview says whether post a waits for the supervisor: as she set it
// for its platform (/平台 审核), or by default only a campaign does (R6's
// monthly campaign is where a mistake costs most; a routine post is
// logged with /更新 as before).
func needsReview(ctx context.Context, r *commands.Request, a teambot.Approval) (bool, error) {
	review, set, err := txOf(r).PlatformReview(ctx, r.Team.ID, a.Platform)
	if err != nil || set {
		return review, err
	}
	return a.Campaign, nil
}

// platformCommand is /平台 审核 PLATFORM 开|关 (supervisor): whether a
// platform's posts need approval.
func platformCommand() *commands.Command {
	return &commands.Command{
		Name: "platform", Chinese: "平台",
		Summary:  "主管设置平台的发布是否需要审核（默认：活动要审核，日常发布不用）",
		Examples: []string{"/平台 审核 公众号 开", "/平台 审核 微博 关", "/平台 审核"},
		Who:      commands.Member,
		Sub: []*commands.Command{
			{Name: "review", Chinese: "审核", Usage: "[平台 开|关]", Summary: "查看或设置各平台的发布是否需要主管审核",
				Who: commands.Member, Change: commands.Supervisor, Forbidden: commands.OnlySupervisor("设置发布审核"), Handler: platformReview},
		},
	}
}

// platformReview is /平台 审核 [PLATFORM 开|关].
func platformReview(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if err := r.NeedTeam(); err != nil {
		return teambot.Reply{}, err
	}
	const how = "请写成 /平台 审核 平台 开 或 /平台 审核 平台 关，例如 /平台 审核 公众号 开。"
	switch len(r.Params) {
	case 0:
		return reviewStatus(ctx, r)
	case 2:
	default:
		return teambot.Reply{}, teambot.Invalid("%s", how)
	}
	platform, err := teamPlatform(ctx, r, r.Params[0].Text)
	if err != nil {
		return teambot.Reply{}, err
	}
	var on bool
	switch strings.ToLower(r.Params[1].Text) {
	case "开", "开启", "打开", "on", "要", "需要":
		on = true
	case "关", "关闭", "off", "不要", "不需要":
	default:
		return teambot.Reply{}, teambot.Invalid("「%s」看不懂，只能写 开 或 关。%s", lang.Clip(r.Params[1].Text), how)
	}
	if err := txOf(r).SetPlatformReview(ctx, r.Team.ID, platform, on, r.UserID, r.Now); err != nil {
		return teambot.Reply{}, err
	}
	state := map[bool]string{true: "开", false: "关"}[on]
	if err := r.Audit(ctx, "platform.review", platform, state); err != nil {
		return teambot.Reply{}, err
	}
	if on {
		return teambot.Reply{Text: fmt.Sprintf("%s 的发布审核已开：每条 /发布 申请 都要主管批准后才能发。", platform)}, nil
	}
	return teambot.Reply{Text: fmt.Sprintf("%s 的发布审核已关：/发布 申请 会自动通过，也可以发出后直接用 /更新 记下。", platform)}, nil
}

// reviewStatus lists each platform's setting.
func reviewStatus(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	active, err := txOf(r).Accounts(ctx, teambot.AccountFilter{TeamID: r.Team.ID, Status: teambot.AccountActive})
	if err != nil {
		return teambot.Reply{}, err
	}
	var names []string
	for _, a := range active {
		if !containsPlatform(names, a.Platform) {
			names = append(names, a.Platform)
		}
	}
	if len(names) == 0 {
		return teambot.Reply{Text: "团队还没有登记平台：先 /账号 登记 平台 账号名。"}, nil
	}
	var b strings.Builder
	b.WriteString("各平台的发布审核：")
	for _, n := range names {
		review, set, err := txOf(r).PlatformReview(ctx, r.Team.ID, n)
		if err != nil {
			return teambot.Reply{}, err
		}
		switch {
		case !set:
			fmt.Fprintf(&b, "\n· %s：默认（活动要审核，日常发布不用）", n)
		case review:
			fmt.Fprintf(&b, "\n· %s：开（每条都要审核）", n)
		default:
			fmt.Fprintf(&b, "\n· %s：关（都不用审核）", n)
		}
	}
	b.WriteString("\n主管设置：/平台 审核 平台 开|关。")
	return teambot.Reply{Text: b.String()}, nil
}
