package approval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"teambot"
	"teambot/commands"
	"teambot/commands/lang"
)

// Limits of what a request says.
const (
	maxTitleRunes  = 200
	maxDetailRunes = 500
	maxLinkRunes   = 500
	// maxBudget is the largest budget taken, in hundredths: a larger
	// number is a typo (an extra zero or two).
	maxBudget = 100_000_000 * 100
)

// Words that introduce a part of a request.
var (
	planWords     = map[string]bool{"计划": true, "计划于": true, "定时": true}
	endWords      = map[string]bool{"截止": true, "截至": true, "到期": true, "结束": true}
	campaignWords = map[string]bool{"活动": true, "专题": true, "campaign": true}
)

// isLink reports whether a word is a link (kept as written).
func isLink(w string) bool {
	w = strings.ToLower(w)
	return strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://")
}

// indexOf is the index of the first word of words in set, or len(words).
func indexOf(words []lang.Word, set map[string]bool) int {
	for i, w := range words {
		if set[strings.ToLower(w.Text)] {
			return i
		}
	}
	return len(words)
}

// textBetween is the original text of words[i:j] in s.
func textBetween(s string, words []lang.Word, i, j int) string {
	if i >= j || i >= len(words) {
		return ""
	}
	end := len(s)
	if j < len(words) {
		end = words[j].At
	}
	return lang.TrimSpace(s[words[i].At:end])
}

// postContent reads a post's [活动] TITLE [LINK] [计划 DATE TIME] from words
// of s: a title and a link in either order, a campaign marked by 活动 at
// the front. The title may be left out when a link is given (the link is
// then the title, as /更新 takes it). A planned time must be later than
// now.
func postContent(r *commands.Request, s string, words []lang.Word, how string) (teambot.ApprovalContent, error) {
	var c teambot.ApprovalContent
	plan := indexOf(words, planWords)
	if plan < len(words) {
		at, err := planTime(r, lang.WordTexts(words[plan+1:]), how)
		if err != nil {
			return c, err
		}
		c.PlanAt = at
		s = s[:words[plan].At]
	}
	words = words[:plan]
	if len(words) > 0 && campaignWords[strings.ToLower(words[0].Text)] {
		c.Campaign, words = true, words[1:]
	}
	title := textBetween(s, words, 0, len(words))
	for i, w := range words {
		if isLink(w.Text) {
			// The link as written, wherever it stands; the title is the rest.
			c.Link = textBetween(s, words, i, i+1)
			title = lang.TrimSpace(strings.Replace(title, c.Link, "", 1))
			break
		}
	}
	c.Title = strings.Join(strings.FieldsFunc(title, lang.IsSpace), " ")
	if c.Title == "" {
		c.Title = c.Link
	}
	switch n := utf8.RuneCountInString(c.Title); {
	case c.Title == "":
		return c, teambot.Invalid("请写上要发布的标题或链接。%s", how)
	case n > maxTitleRunes:
		return c, teambot.Invalid("标题最多 %d 字，这条有 %d 字，请写简短些。", maxTitleRunes, n)
	case utf8.RuneCountInString(c.Link) > maxLinkRunes:
		return c, teambot.Invalid("链接最多 %d 个字符，请换成短链接。", maxLinkRunes)
	}
	return c, nil
}

// planTime reads when a post is planned: a day and a time (明天 20:00,
// 12月3日 下午3点) or a time alone (today). It must be later than now.
func planTime(r *commands.Request, words []string, how string) (time.Time, error) {
	if len(words) == 0 {
		return time.Time{}, teambot.Invalid("「计划」后面请写上日期和时间，例如 计划 明天 20:00。%s", how)
	}
	today := r.Today()
	day, half, rest := today, "", words
	if _, _, ok := lang.ParseTimeOfDay(words[0], ""); !ok || len(words) > 1 {
		span, after, err := lang.ParseDateSpan(words, today)
		if err != nil {
			return time.Time{}, err
		}
		if span.To != span.From {
			return time.Time{}, teambot.Invalid("计划发布只能写一个时间，不能写日期范围。%s", how)
		}
		day, half, rest = span.From, span.Half, after
	}
	if len(rest) == 0 {
		return time.Time{}, teambot.Invalid("请写上计划发布的时间，例如 计划 明天 20:00。%s", how)
	}
	if len(rest) > 1 {
		return time.Time{}, teambot.Invalid("「计划」要写在最后，后面只写日期和时间。%s", how)
	}
	hh, mm, ok := lang.ParseTimeOfDay(rest[0], half)
	if !ok {
		return time.Time{}, teambot.Invalid("看不懂计划时间「%s」，请写成 20:00 或 下午3点。%s", lang.Clip(rest[0]), how)
	}
	at := time.Date(day.Year, day.Month, day.Day, hh, mm, 0, 0, r.Location())
	if !at.After(r.Now) {
		return time.Time{}, teambot.Invalid("计划时间 %s 已经过去了（现在是 %s），请写以后的时间。", r.Moment(at), r.Moment(r.Now))
	}
	return at, nil
}

// partnerContent reads a partner's WHO DETAIL from words of s.
func partnerContent(s string, words []lang.Word, how string) (teambot.ApprovalContent, error) {
	if len(words) == 0 {
		return teambot.ApprovalContent{}, teambot.Invalid("请写上合作对象和说明。%s", how)
	}
	c := teambot.ApprovalContent{Title: textBetween(s, words, 0, 1), Detail: textBetween(s, words, 1, len(words))}
	switch {
	case utf8.RuneCountInString(c.Title) > maxTitleRunes:
		return c, teambot.Invalid("合作对象最多 %d 字。", maxTitleRunes)
	case c.Detail == "":
		return c, teambot.Invalid("请写上合作的说明：做什么、为什么。%s", how)
	case utf8.RuneCountInString(c.Detail) > maxDetailRunes:
		return c, teambot.Invalid("说明最多 %d 字，这条有 %d 字，请写简短些。", maxDetailRunes, utf8.RuneCountInString(c.Detail))
	}
	return c, nil
}

// placementContent reads a placement's BUDGET DETAIL [截止 DATE] from
// words of s. The end day may not be before today.
func placementContent(r *commands.Request, s string, words []lang.Word, how string) (teambot.ApprovalContent, error) {
	var c teambot.ApprovalContent
	if len(words) == 0 {
		return c, teambot.Invalid("请写上预算和说明。%s", how)
	}
	budget, currency, err := parseBudget(words[0].Text)
	if err != nil {
		return c, teambot.Invalid("%s%s", err.Error(), how)
	}
	c.Budget, c.Currency = budget, currency
	end := indexOf(words, endWords)
	if end < len(words) {
		if end+1 >= len(words) {
			return c, teambot.Invalid("「截止」后面请写上日期，例如 截止 12月20日。%s", how)
		}
		d, err := lang.ParseDay(strings.Join(lang.WordTexts(words[end+1:]), ""), r.Today())
		if err != nil {
			return c, err
		}
		if d.Before(r.Today()) {
			return c, teambot.Invalid("截止日期 %s已经过去了，请写今天或以后的日期。", r.Day(d))
		}
		c.EndDay = d
	}
	c.Detail = textBetween(s, words, 1, end)
	switch n := utf8.RuneCountInString(c.Detail); {
	case c.Detail == "":
		return c, teambot.Invalid("请写上投放的说明：投什么、给谁看。%s", how)
	case n > maxDetailRunes:
		return c, teambot.Invalid("说明最多 %d 字，这条有 %d 字，请写简短些。", maxDetailRunes, n)
	}
	return c, nil
}

// Budgets. A budget is a number, with an optional currency and an optional
// 千/万 (or k/w) for thousands and ten thousands: 3000, 3000元, ¥3000,
// 3,000, 5千, 1.5万, 3k, $500, 500美元, USD500. Yuan is the default; US
// dollars are the one other currency taken. It is kept in hundredths
// (two decimals at most).
var (
	currencyPrefixes = []struct{ text, currency string }{
		{"¥", "CNY"}, {"￥", "CNY"}, {"rmb", "CNY"}, {"cny", "CNY"}, {"$", "USD"}, {"usd", "USD"}, {"us$", "USD"},
	}
	currencySuffixes = []struct{ text, currency string }{
		// 美元 before 元, which it ends with.
		{"美元", "USD"}, {"美金", "USD"}, {"usd", "USD"}, {"人民币", "CNY"}, {"元", "CNY"}, {"块", "CNY"}, {"rmb", "CNY"}, {"cny", "CNY"},
	}
	scaleSuffixes = []struct {
		text  string
		scale float64
	}{{"千", 1e3}, {"k", 1e3}, {"万", 1e4}, {"w", 1e4}}
)

// parseBudget reads a budget: its amount in hundredths and its currency.
// The error says what is wrong, in Chinese, ending in "。".
func parseBudget(word string) (int64, string, error) {
	s := strings.ToLower(lang.Normalize(word))
	currency := ""
	for _, p := range currencyPrefixes {
		if strings.HasPrefix(s, p.text) {
			s, currency = s[len(p.text):], p.currency
			break
		}
	}
	for _, p := range currencySuffixes {
		if strings.HasSuffix(s, p.text) {
			if currency != "" && currency != p.currency {
				return 0, "", fmt.Errorf("预算「%s」写了两种货币。", lang.Clip(word))
			}
			s, currency = s[:len(s)-len(p.text)], p.currency
			break
		}
	}
	scale := 1.0
	for _, p := range scaleSuffixes {
		if strings.HasSuffix(s, p.text) {
			s, scale = s[:len(s)-len(p.text)], p.scale
			break
		}
	}
	s = strings.ReplaceAll(s, ",", "")
	if currency == "" {
		currency = "CNY"
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || s == "" || strings.ContainsAny(s, "eE+-") || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "", fmt.Errorf("预算「%s」不是金额：请写数字，可以带货币，例如 3000、3000元、¥3000、5千、1.5万、$500。", lang.Clip(word))
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 && scale == 1 {
		return 0, "", fmt.Errorf("预算「%s」最多写到分（两位小数）。", lang.Clip(word))
	}
	cents := math.Round(v * scale * 100)
	switch {
	case cents <= 0:
		return 0, "", fmt.Errorf("预算要大于 0，「%s」不行。", lang.Clip(word))
	case cents > maxBudget:
		return 0, "", fmt.Errorf("预算「%s」太大了（最多 1 亿），请检查是不是多写了 0。", lang.Clip(word))
	}
	return int64(cents), currency, nil
}

// money writes an amount in hundredths of currency: ¥3,000、¥2,999.50、$500.
func money(cents int64, currency string) string {
	sign := "¥"
	if currency == "USD" {
		sign = "$"
	}
	whole, frac := cents/100, cents%100
	digits := strconv.FormatInt(whole, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != 0 {
		fmt.Fprintf(&b, ".%02d", frac)
	}
	return sign + b.String()
}
