package approval

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// resultKeys are the figures a promotion team tracks, by the words that
// name them.
var resultKeys = map[string]string{
	"曝光": "exposure", "展示": "exposure", "曝光量": "exposure", "展现": "exposure", "exposure": "exposure", "impressions": "exposure",
	"点击": "clicks", "点击量": "clicks", "clicks": "clicks",
	"花费": "spend", "消耗": "spend", "实际花费": "spend", "spend": "spend", "cost": "spend",
}

// reportResults is /投放 结果 ID [曝光 N] [点击 N] [花费 金额] [说明]: what an
// approved placement brought (R7), from its owner or the supervisor. The
// figures are key-value pairs in any order (曝光 12000, 曝光12000,
// 曝光：1.2万); the rest is the text. A later report supersedes an
// earlier one, which is kept.
func reportResults(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	a, err := requestByID(ctx, r, placement)
	if err != nil {
		return teambot.Reply{}, err
	}
	if a.MemberID != r.Caller.ID && !r.Caller.IsSupervisor() {
		return teambot.Reply{}, teambot.Forbidden("投放申请 #%d 是 %s 的，只有申请人和主管可以报告结果。", a.ID, a.Name)
	}
	if a.Status != teambot.ApprovalApproved {
		return teambot.Reply{}, teambot.Conflict("投放申请 #%d %s，只有批准的投放才能报告结果。", a.ID, statusCN(a.Status))
	}
	res, err := parseResults(r.Tail, a)
	if err != nil {
		return teambot.Reply{}, err
	}
	res.TeamID, res.ApprovalID, res.By, res.At = r.Team.ID, a.ID, r.UserID, r.Now
	if err := txOf(r).AddPlacementResult(ctx, res); err != nil {
		return teambot.Reply{}, err
	}
	if err := r.Audit(ctx, "approval.results", a.UserID, detail(a)); err != nil {
		return teambot.Reply{}, err
	}
	text := fmt.Sprintf("已记下投放申请 #%d（%s 预算 %s）的结果：%s。会列入月报。", a.ID, a.Platform, money(a.Budget, a.Currency), resultText(res, a.Currency))
	if res.Spend > a.Budget {
		text += fmt.Sprintf("注意：花费超出预算 %s。", money(res.Spend-a.Budget, a.Currency))
	}
	return teambot.Reply{Text: text}, nil
}

// parseResults reads the figures and the text of a results report.
func parseResults(s string, a teambot.Approval) (teambot.PlacementResult, error) {
	const how = "例如 /投放 结果 %d 曝光 12000 点击 340 花费 2800 转化一般，评论区反馈好。"
	res := teambot.PlacementResult{Exposure: -1, Clicks: -1, Spend: -1}
	words := lang.RestWords(s)
	var rest []string
	for i := 0; i < len(words); i++ {
		key, value, ok := cutKey(words[i].Text)
		if !ok {
			rest = append(rest, lang.TrimSpace(s[words[i].At:wordEnd(s, words, i)]))
			continue
		}
		named := words[i].Text
		if value == "" {
			if i+1 >= len(words) {
				return res, teambot.Invalid("「%s」后面请写上数字。"+how, words[i].Text, a.ID)
			}
			i++
			value = words[i].Text
		}
		switch key {
		case "spend":
			amount, currency, err := parseBudget(value)
			if err != nil {
				return res, teambot.Invalid("花费%s", strings.TrimPrefix(err.Error(), "预算"))
			}
			if currency != a.Currency && (strings.ContainsAny(value, "$¥￥元") || strings.Contains(strings.ToLower(value), "usd")) {
				return res, teambot.Invalid("预算是 %s，花费也请写同一种货币。", money(a.Budget, a.Currency))
			}
			res.Spend = amount
		default:
			n, err := parseCount(value)
			if err != nil {
				return res, teambot.Invalid("%s「%s」不是数字，请写 12000、1.2万 这样的数。"+how, named, lang.Clip(value), a.ID)
			}
			if key == "exposure" {
				res.Exposure = n
			} else {
				res.Clicks = n
			}
		}
	}
	res.Note = strings.Join(rest, " ")
	switch {
	case res.Exposure < 0 && res.Clicks < 0 && res.Spend < 0 && res.Note == "":
		return res, teambot.Invalid("请写上结果："+how, a.ID)
	case utf8.RuneCountInString(res.Note) > maxDetailRunes:
		return res, teambot.Invalid("说明最多 %d 字。", maxDetailRunes)
	}
	return res, nil
}

// wordEnd is where word i of s ends.
func wordEnd(s string, words []lang.Word, i int) int {
	tok, _ := lang.CutToken(s[words[i].At:])
	return words[i].At + len(tok)
}

// cutKey splits a word that names a figure: 曝光, 曝光12000, 曝光:12000.
func cutKey(w string) (key, value string, ok bool) {
	lw := strings.ToLower(w)
	for word, k := range resultKeys {
		if rest, found := strings.CutPrefix(lw, word); found {
			rest = strings.TrimLeftFunc(rest, lang.IsColon)
			if rest == "" || (rest[0] >= '0' && rest[0] <= '9') || strings.ContainsAny(rest[:1], "$¥") || strings.HasPrefix(rest, "￥") {
				return k, rest, true
			}
		}
	}
	return "", "", false
}

// parseCount reads a count: 12000, 12,000, 1.2万, 3k.
func parseCount(s string) (int64, error) {
	s = strings.ReplaceAll(strings.ToLower(lang.Normalize(s)), ",", "")
	scale := 1.0
	for _, p := range scaleSuffixes {
		if rest, ok := strings.CutSuffix(s, p.text); ok {
			s, scale = rest, p.scale
			break
		}
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "次"), "人")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || strings.ContainsAny(s, "eE+-") || v*scale > 1e15 {
		return 0, fmt.Errorf("not a count: %q", s)
	}
	return int64(v*scale + 0.5), nil
}

// Placements lists the team's approved placements of [from, to) for the
// monthly report (R5, R7): those approved in it or ending in it, with
// their budget, spend and results as reported.
func Placements(ctx context.Context, r *commands.Request, from, to time.Time) ([]teambot.PlacementLine, error) {
	list, err := txOf(r).Approvals(ctx, teambot.ApprovalFilter{TeamID: r.Team.ID, Kinds: []string{teambot.ApprovalPlacement},
		Statuses: []string{teambot.ApprovalApproved}})
	if err != nil {
		return nil, err
	}
	results, err := txOf(r).PlacementResults(ctx, r.Team.ID)
	if err != nil {
		return nil, err
	}
	loc := r.Location()
	first, last := teambot.DateOf(from.In(loc)), teambot.DateOf(to.In(loc)).AddDate(0, 0, -1)
	var out []teambot.PlacementLine
	for _, a := range list {
		decided := !a.DecidedAt.Before(from) && a.DecidedAt.Before(to)
		ends := !a.EndDay.IsZero() && !a.EndDay.Before(first) && !last.Before(a.EndDay)
		if !decided && !ends {
			continue
		}
		line := teambot.PlacementLine{ID: a.ID, Platform: a.Platform, Owner: a.Name, Detail: a.Detail,
			Budget: money(a.Budget, a.Currency), Spend: "未报告", Results: "未报告"}
		if !a.EndDay.IsZero() {
			line.EndDay = a.EndDay.String()
		}
		if res, ok := results[a.ID]; ok {
			if res.Spend >= 0 {
				line.Spend = money(res.Spend, a.Currency)
			}
			res.Spend = -1
			if t := resultText(res, a.Currency); t != "" {
				line.Results = t
			}
		}
		out = append(out, line)
	}
	return out, nil
}
