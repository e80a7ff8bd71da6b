package help

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"teambot"
	"teambot/bot/wecom"
	"teambot/commands"
)

// rulesRow is /帮助 规则: the whole rulebook, one line a rule, and the laws
// it names (R20); with a topic word or a rule's id, those rules in full.
func rulesRow() *commands.Command {
	return &commands.Command{
		Name: "rules", Chinese: "规则", Aliases: []string{"rule", "制度"}, Usage: "[主题|编号]",
		Summary: "查看团队规则（岗位责任制度）、每条规则对应的命令和要遵守的法规；写上主题或编号看一条",
		Who:     commands.Anyone, Handler: rulesHelp,
	}
}

// rulesHelp answers /帮助 规则 [主题|编号…]: the whole list; one rule in
// full with its commands; or the rules of the topics and ids written, in
// full, or a line each when in full they would not fit one message.
func rulesHelp(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	if len(r.Params) == 0 {
		return teambot.Reply{Text: allRules()}, nil
	}
	var found []Rule
	for _, p := range r.Params {
		rules, err := findRules(p.Text)
		if err != nil {
			return teambot.Reply{}, err
		}
		for _, rule := range rules {
			if !slices.ContainsFunc(found, func(f Rule) bool { return f.ID == rule.ID }) {
				found = append(found, rule)
			}
		}
	}
	slices.SortStableFunc(found, func(a, b Rule) int { return ruleNumber(a.ID) - ruleNumber(b.ID) })
	if len(found) == 1 {
		return teambot.Reply{Text: oneRule(r.Engine.Registry(), found[0])}, nil
	}
	var b strings.Builder
	if len(r.Params) == 1 {
		fmt.Fprintf(&b, "和「%s」有关的规则：\n", r.Params[0].Text)
	}
	for i, rule := range found {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s %s：%s\n", rule.ID, rule.Title, rule.Text)
		if len(rule.Serving) > 0 {
			fmt.Fprintf(&b, "命令：%s\n", strings.Join(rule.Serving, "、"))
		}
		if rule.ID == "R20" {
			writeLaws(&b)
		}
	}
	b.WriteString("\n发送 /帮助 规则 编号 查看一条规则的命令怎么用，例如 /帮助 规则 " + found[0].ID + "。")
	if b.Len() > wecom.MaxTextBytes {
		b.Reset()
		for _, rule := range found {
			fmt.Fprintf(&b, "%s %s：%s → %s\n", rule.ID, rule.Title, rule.Short, strings.Join(topCommands(rule.Serving), " "))
		}
		b.WriteString("一次写一个主题或编号可以看全文，例如 /帮助 规则 " + found[0].ID + "。")
	}
	return teambot.Reply{Text: b.String()}, nil
}

// allRules is the whole rulebook, a line a rule under its group's heading
// with its main commands, the laws under R20. It fits one WeCom text
// message (a test holds it to that).
func allRules() string {
	var b strings.Builder
	b.WriteString("团队的岗位责任制度：")
	for _, g := range Rulebook() {
		fmt.Fprintf(&b, "\n【%s】\n", g.Title)
		for _, rule := range g.Rules {
			fmt.Fprintf(&b, "%s %s：%s", rule.ID, rule.Title, rule.Short)
			if cmds := topCommands(rule.Serving); len(cmds) > 0 {
				b.WriteString(" → " + strings.Join(cmds[:min(len(cmds), maxListed)], " "))
			}
			b.WriteString("\n")
			if rule.ID == "R20" {
				writeLaws(&b)
			}
		}
	}
	b.WriteString("\n看全文：/帮助 规则 会议 或 /帮助 规则 R12")
	return b.String()
}

// maxListed is how many commands a rule's line in the whole list names
// (its first, main ones); the rule in full names them all.
const maxListed = 1

// writeLaws lists the laws and platform agreements, numbered.
func writeLaws(b *strings.Builder) {
	for i, l := range Laws() {
		fmt.Fprintf(b, "%d. %s", i+1, l.Title)
		if l.Issuer != "" {
			fmt.Fprintf(b, "（%s）", l.Issuer)
		}
		b.WriteString("\n")
	}
	b.WriteString("（以现行有效的版本为准）\n")
}

// oneRule is a rule in full with each command that serves it, as the
// table describes it and who may use it.
func oneRule(reg *commands.Registry, rule Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s：%s\n", rule.ID, rule.Title, rule.Text)
	if rule.ID == "R20" {
		writeLaws(&b)
	}
	if len(rule.Serving) > 0 {
		b.WriteString("对应的命令：\n")
		for _, path := range rule.Serving {
			c, ok := Resolve(reg, path)
			if !ok {
				fmt.Fprintf(&b, "%s\n", path)
				continue
			}
			fmt.Fprintf(&b, "%s — %s（%s）\n", strings.TrimSpace(path+" "+c.Usage), c.Summary, whoText(c.Who))
		}
		b.WriteString("发送 /帮助 命令 查看用法和例子，例如 /帮助 " + strings.TrimPrefix(strings.Fields(rule.Serving[0])[0], "/") + "。")
	} else {
		b.WriteString("没有对应的命令。")
	}
	return b.String()
}

// findRules are the rules a word names: an id (R12, r12, 12) or a topic.
func findRules(word string) ([]Rule, error) {
	if n, ok := parseRuleID(word); ok {
		for _, g := range Rulebook() {
			for _, rule := range g.Rules {
				if ruleNumber(rule.ID) == n {
					return []Rule{rule}, nil
				}
			}
		}
		return nil, teambot.NotFound("没有规则 %s。规则编号是 R1 到 R%d，例如 /帮助 规则 R12 或 /帮助 规则 12。", word, ruleCount())
	}
	var found []Rule
	for _, g := range Rulebook() {
		for _, rule := range g.Rules {
			if rule.Title == word || slices.Contains(rule.Topics, word) {
				found = append(found, rule)
			}
		}
	}
	if len(found) == 0 {
		return nil, teambot.Invalid("没有和「%s」有关的规则。可以写主题，如 %s；也可以写规则编号，例如 /帮助 规则 R12 或 /帮助 规则 12。发送 /帮助 规则 查看全部规则。",
			word, strings.Join(mainTopics(), "、"))
	}
	return found, nil
}

// parseRuleID reads an id, R12, r12 or 12 (#12 too), as 12; ok is false
// when word is not written as one.
func parseRuleID(word string) (n int, ok bool) {
	w := strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(word), "#"), "R")
	if w == "" || strings.Trim(w, "0123456789") != "" || len(w) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	return n, err == nil
}

// ruleNumber is the number of a rule's id, 12 of R12.
func ruleNumber(id string) int {
	n, _ := parseRuleID(id)
	return n
}

// ruleCount is how many rules there are.
func ruleCount() int {
	n := 0
	for _, g := range Rulebook() {
		n += len(g.Rules)
	}
	return n
}

// mainTopics are the first topic word of each rule, each once, in the
// rulebook's order: the words an unknown topic is answered with.
func mainTopics() []string {
	var out []string
	for _, g := range Rulebook() {
		for _, rule := range g.Rules {
			if t := rule.Topics[0]; !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// topCommands are the commands of paths (/投票 发起 is /投票), each once.
func topCommands(paths []string) []string {
	var out []string
	for _, p := range paths {
		top := strings.Fields(p)[0]
		if !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

// Resolve is the command or row a path names as typed ("/投票 发起",
// "/惩处 确认"), looked up by the words of the table.
func Resolve(reg *commands.Registry, path string) (*commands.Command, bool) {
	words := strings.Fields(path)
	if len(words) == 0 || !strings.HasPrefix(words[0], "/") {
		return nil, false
	}
	c, ok := reg.Lookup(strings.TrimPrefix(words[0], "/"))
	if !ok {
		return nil, false
	}
	for _, w := range words[1:] {
		i := slices.IndexFunc(c.Sub, func(s *commands.Command) bool {
			return !s.OnMention && (s.Chinese == w || strings.EqualFold(s.Name, w) || slices.Contains(s.Aliases, w))
		})
		if i < 0 {
			return nil, false
		}
		c = c.Sub[i]
	}
	return c, true
}
