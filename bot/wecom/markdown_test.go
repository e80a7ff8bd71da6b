package wecom_test

import (
	"strings"
	"testing"

	"teambot/bot/wecom"
)

// A reply keeps its lines, but none of them may start a heading or a quote;
// a value inside a line of the bot's own markdown keeps to that line
// (docs/wecom-protocol.md §6).
func TestEscapeMarkdown(t *testing.T) {
	tests := []struct {
		in, text, inline string
	}{
		{"# 标题\n## 小标题\n> 引用", "＃ 标题\n＃＃ 小标题\n＞ 引用", "＃ 标题 ## 小标题 ＞ 引用"},
		{"第一行\r\n#第二行", "第一行\r\n＃第二行", "第一行  #第二行"},
		{"**粗体** [链接](http://x) `代码` <@lisi> <font color=\"warning\">", "＊＊粗体＊＊ ［链接］(http://x) ｀代码｀ ＜@lisi＞ ＜font color=\"warning\"＞",
			"＊＊粗体＊＊ ［链接］(http://x) ｀代码｀ ＜@lisi＞ ＜font color=\"warning\"＞"},
		{"~~删除~~ | 表格 |", "～～删除～～ ｜ 表格 ｜", "～～删除～～ ｜ 表格 ｜"},
		{"周报 #3 已提交\n  # 缩进的标题", "周报 ＃3 已提交\n  ＃ 缩进的标题", "周报 #3 已提交   # 缩进的标题"},
		{"  ## 缩进的标题", "  ＃＃ 缩进的标题", "  ＃＃ 缩进的标题"},
		{"普通文字，没有格式", "普通文字，没有格式", "普通文字，没有格式"},
	}
	for _, tt := range tests {
		if got := wecom.EscapeMarkdown(tt.in); got != tt.text {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.text)
		}
		if got := wecom.EscapeMarkdownInline(tt.in); got != tt.inline {
			t.Errorf("EscapeMarkdownInline(%q) = %q, want %q", tt.in, got, tt.inline)
		}
	}
	// Whatever a member writes, no escaped line starts markdown of its own.
	for _, line := range strings.Split(wecom.EscapeMarkdown("a\n# b\n  #c\n>d\n\t## e"), "\n") {
		if rest := strings.TrimLeft(line, " \t"); strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, ">") {
			t.Errorf("escaped line %q still starts a heading or a quote", line)
		}
	}
}
