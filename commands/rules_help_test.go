package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"teambot/bot/wecom"
	"teambot/commands"
	"teambot/commands/help"
	"teambot/rulebook"
	"teambot/storage"
	"teambot/storage/storagetest"
)

// Every command /帮助 规则 names for a rule is in the command table, so the
// rulebook's texts cannot drift from the commands (R20); the rules are R1
// to R20 in order, each with a line, a text and a topic word, and each but
// R20 (laws, which no command enforces) served by a command.
func TestRulebookNamesRealCommands(t *testing.T) {
	reg := commands.NewRegistry(rulebook.Commands()...)
	n := 0
	for _, g := range help.Rulebook() {
		for _, rule := range g.Rules {
			n++
			if want := fmt.Sprint("R", n); rule.ID != want {
				t.Errorf("rule %d is %s, want %s", n, rule.ID, want)
			}
			if rule.Title == "" || rule.Short == "" || rule.Text == "" || len(rule.Topics) == 0 {
				t.Errorf("%s lacks a title, a line, a text or a topic: %+v", rule.ID, rule)
			}
			if len(rule.Serving) == 0 && rule.ID != "R20" {
				t.Errorf("%s names no command", rule.ID)
			}
			for _, path := range rule.Serving {
				if _, ok := help.Resolve(reg, path); !ok {
					t.Errorf("%s names %q, which is not in the command table", rule.ID, path)
				}
			}
		}
	}
	if n != 20 {
		t.Errorf("the rulebook has %d rules, want R1–R20", n)
	}
	if len(help.Laws()) != 9 {
		t.Errorf("%d laws and agreements, want the rulebook's 9", len(help.Laws()))
	}
	for _, bad := range []string{"/投票 开始", "/不存在", "投票", "/会议 申诉 不存在"} {
		if _, ok := help.Resolve(reg, bad); ok {
			t.Errorf("Resolve(%q) found a command", bad)
		}
	}
}

// /帮助 规则 R12 (r12, 12, /help rules 12 alike) shows that one rule in full
// and each of its commands as the table describes it; a topic word shows
// every rule about it; an id or a topic there is none of is refused, saying
// how to write either. The whole list, and what each id and topic shows,
// fits one WeCom text message.
func TestRulesHelpLookup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := newChat(t, db)
		setup(c)
		got := c.expect("zhangsan", "/帮助 规则 R12", "R12 缺席：不执行会议决议或连续两次缺席会议的成员",
			"对应的命令：\n/会议 建议 — ", "/请假 会议 理由 — ", "（团队成员）",
			"/惩处 确认 提醒编号 — 把缺勤提醒（连续两次无故缺席）确认为警告（主管）")
		for _, same := range []string{"/帮助 规则 r12", "/帮助 规则 12", "/help rules 12", "/帮助 规则：R12"} {
			if again := c.say("zhangsan", same); again != got {
				t.Errorf("%q:\n%s\nwant the reply to /帮助 规则 R12:\n%s", same, again, got)
			}
		}
		if strings.Contains(got, "R11") || strings.Contains(got, "R13") {
			t.Errorf("R12 shows another rule:\n%s", got)
		}

		meet := c.expect("stranger", "/帮助 规则 会议", "和「会议」有关的规则：", "R8 例会：", "R9 会议通知：", "R10 会前总结：", "R11 表决：", "R12 缺席：")
		for _, other := range []string{"R4 ", "R13 ", "R20 "} {
			if strings.Contains(meet, other) {
				t.Errorf("/帮助 规则 会议 shows %s:\n%s", other, meet)
			}
		}
		c.expect("zhangsan", "/帮助 规则 法规", "R20 法规：团队遵守国家法律法规和平台协议", "6. 互联网信息服务管理办法（国务院令第292号）", "9. 腾讯微信公众平台服务协议")

		for _, bad := range []string{"/帮助 规则 R21", "/帮助 规则 0"} {
			c.expect("zhangsan", bad, "规则编号是 R1 到 R20，例如 /帮助 规则 R12 或 /帮助 规则 12。")
		}
		c.expect("zhangsan", "/帮助 规则 天气", "没有和「天气」有关的规则。可以写主题，如 主管、角色、名单、周报、", "、会议、投票、缺席、账号、保密、发布、上报、嘉奖、惩处、奖惩、法规；",
			"也可以写规则编号，例如 /帮助 规则 R12 或 /帮助 规则 12。")

		all := c.expect("stranger", "/帮助 规则", "【团队和角色】\nR1 主管：主管负责全队，任期一年 → /主管\n", "R4 周报：除主管外每周交小结 → /周报\n",
			"R20 法规：遵守以下法规和平台协议：\n1. 中华人民共和国计算机信息网络国际联网管理暂行规定\n2. 中华人民共和国计算机信息网络国际联网管理暂行规定实施办法\n")
		if len(all) > wecom.MaxTextBytes {
			t.Errorf("/帮助 规则 is %d bytes, more than one WeCom text message (%d)", len(all), wecom.MaxTextBytes)
		}
		for _, g := range help.Rulebook() {
			for _, rule := range g.Rules {
				for _, word := range append([]string{rule.ID}, rule.Topics...) {
					if got := c.say("zhangsan", "/帮助 规则 "+word); len(got) > wecom.MaxTextBytes || !strings.Contains(got, rule.ID+" "+rule.Title+"：") {
						t.Errorf("/帮助 规则 %s (%d bytes) does not show %s in one message:\n%s", word, len(got), rule.ID, got)
					}
				}
			}
		}
		many := c.expect("zhangsan", "/帮助 规则 会议 奖惩 账号 保密 上报 R1 R2 R3", "R1 主管：主管负责全队，任期一年 → /主管 /任期 /角色\n", "R19 执行奖惩：", "一次写一个主题或编号可以看全文")
		if len(many) > wecom.MaxTextBytes {
			t.Errorf("many topics at once give %d bytes:\n%s", len(many), many)
		}
		c.expect("zhangsan", "/帮助", "发送 /帮助 规则 查看团队规则和对应的命令。")
		c.expect("zhangsan", "/帮助 帮助", "子命令：\n/帮助 规则 [主题|编号] — ")
	})
}
