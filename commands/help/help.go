package help

import (
	"context"
	"fmt"
	"strings"
	"teambot/commands"

	"teambot"
)

// help lists the commands the caller may use, or shows one command's usage.
func help(ctx context.Context, r *commands.Request) (teambot.Reply, error) {
	reg := r.Engine.Registry()
	if len(r.Args) == 0 {
		var permitted []*commands.Command
		for _, c := range reg.Commands() {
			if r.Permits(c) {
				permitted = append(permitted, c)
			}
		}
		return teambot.Reply{Text: listing(permitted)}, nil
	}
	word := strings.TrimLeft(r.Args[0].Text, "/")
	c, ok := reg.Lookup(word)
	if !ok {
		return teambot.Reply{}, r.Engine.UnknownCommand(r, word)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "/%s（%s）— %s\n", c.Chinese, c.Name, c.Summary)
	fmt.Fprintf(&b, "用法：%s\n", c.UsageLine())
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "也可以写作：/%s\n", strings.Join(append([]string{c.Name}, c.Aliases...), " /"))
	} else {
		fmt.Fprintf(&b, "也可以写作：/%s\n", c.Name)
	}
	if len(c.Examples) > 0 {
		fmt.Fprintf(&b, "例子：%s\n", strings.Join(c.Examples, "　"))
	}
	fmt.Fprintf(&b, "谁可以用：%s", whoText(c.Who))
	if !r.Permits(c) {
		b.WriteString("（你目前不能使用）")
	}
	if len(c.Sub) > 0 {
		b.WriteString("\n子命令：")
		helpRows(r, &b, c)
	}
	return teambot.Reply{Text: b.String()}, nil
}

// helpRows lists c's rows and theirs, a line each: the form, what it does,
// who may use it.
func helpRows(r *commands.Request, b *strings.Builder, c *commands.Command) {
	for _, s := range c.Sub {
		fmt.Fprintf(b, "\n%s — %s（%s", strings.TrimSpace(s.Path()+" "+s.Usage), s.Summary, whoText(s.Who))
		if s.Change != commands.Anyone {
			fmt.Fprintf(b, "查看，%s修改", whoText(s.Change))
		}
		if !r.Permits(s) {
			b.WriteString("，你目前不能使用")
		}
		b.WriteString("）")
		helpRows(r, b, s)
	}
}

func whoText(w commands.Who) string {
	switch w {
	case commands.Member:
		return "团队成员"
	case commands.Supervisor:
		return "主管"
	case commands.SupervisorOrAdmin:
		return "主管或管理员"
	}
	return "所有人"
}

// Command is /帮助: the table as the caller may use it, and the rulebook
// (/帮助 规则).
func Command() *commands.Command {
	return &commands.Command{
		Name: "help", Chinese: "帮助", Aliases: []string{"?"},
		Summary:  "列出你可以用的命令，查看一个命令的用法，或查看团队规则（R20）",
		Usage:    "[命令]",
		Examples: []string{"/帮助", "/帮助 加入", "/help team", "/帮助 规则", "/帮助 规则 会议"},
		Who:      commands.Anyone, Handler: help,
		Sub: []*commands.Command{rulesRow()},
	}
}

// listing is /帮助's list of cs with their summaries, within one reply: a
// supervisor may use so many commands that the full summaries would not
// fit (MaxReplyBytes), and then each keeps its first clause, the rest
// being one /帮助 命令 away (help_test.go keeps the short form within
// the limit).
func listing(cs []*commands.Command) string {
	build := func(summary func(string) string) string {
		var b strings.Builder
		b.WriteString("你可以使用的命令：\n")
		for _, c := range cs {
			fmt.Fprintf(&b, "/%s（%s）— %s\n", c.Chinese, c.Name, summary(c.Summary))
		}
		b.WriteString("发送 /帮助 命令 查看用法和例子，例如 /帮助 加入；发送 /帮助 规则 查看团队规则和对应的命令。")
		return b.String()
	}
	if full := build(func(s string) string { return s }); len(full) <= commands.MaxReplyBytes {
		return full
	}
	if short := build(firstClause); len(short) <= commands.MaxReplyBytes {
		return short
	}
	var b strings.Builder // the names alone, should the table outgrow even that
	b.WriteString("你可以使用的命令：")
	for _, c := range cs {
		b.WriteString(" /" + c.Chinese)
	}
	b.WriteString("\n发送 /帮助 命令 查看用法和例子，例如 /帮助 加入。")
	return b.String()
}

// firstClause is a summary without its parenthetical remarks, up to its
// first comma, semicolon or colon (full-width, as the summaries are
// written).
func firstClause(s string) string {
	for {
		open := strings.Index(s, "（")
		if open < 0 {
			break
		}
		end := strings.Index(s[open:], "）")
		if end < 0 {
			break
		}
		s = s[:open] + s[open+end+len("）"):]
	}
	if i := strings.IndexAny(s, "，；："); i > 0 {
		return s[:i]
	}
	return s
}
