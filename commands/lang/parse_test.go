package lang

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"teambot"
)

// plain, quoted and mention build expected arguments.
func plain(s string) teambot.Arg   { return teambot.Arg{Text: s} }
func quoted(s string) teambot.Arg  { return teambot.Arg{Text: s, Quoted: true} }
func mention(s string) teambot.Arg { return teambot.Arg{Text: s, Mention: true} }

// args lists expected arguments; with none it is nil, as Parse returns.
func args(a ...teambot.Arg) []teambot.Arg { return a }

// repeatArg returns n copies of a.
func repeatArg(a teambot.Arg, n int) []teambot.Arg {
	out := make([]teambot.Arg, n)
	for i := range out {
		out[i] = a
	}
	return out
}

// bots is the usual list of the bot's names; wecomSp is what WeCom puts
// after a mention.
var (
	bots    = []string{"TeamBot", "团队助手"}
	wecomSp = "\u2005"
)

// Long inputs: 4 KB of short arguments and 16 KB of free text.
var (
	long4K  = strings.Repeat("abc ", 1024)
	long16K = strings.Repeat("本周完成，", 1100) // 16,500 bytes
)

var parseTests = []struct {
	name string
	text string
	bots []string
	want Parsed
}{
	// Empty input.
	{"empty", "", bots, Parsed{}},
	{"whitespace only", " \t\n\u3000\u2005\u00a0\u200b\ufeff", bots, Parsed{}},
	{"only the bot mention", "@TeamBot" + wecomSp, bots, Parsed{}},
	{"only a mention, no bot names", "@whoever", nil, Parsed{}},
	{"mention and slash only", "@TeamBot /", bots, Parsed{Slash: true, Rest: "/"}},

	// The command word.
	{"slash word", "/help", bots, Parsed{Word: "help", Slash: true}},
	{"upper-case word", "/HELP", bots, Parsed{Word: "help", Slash: true}},
	{"mixed-case word", "/Role", nil, Parsed{Word: "role", Slash: true}},
	{"word without slash", "help", bots, Parsed{Word: "help"}},
	{"slash then space", "/ help", bots, Parsed{Word: "help", Slash: true}},
	{"slash then newline", "/\nhelp me", bots, Parsed{Word: "help", Slash: true, Args: args(plain("me")), Rest: "me"}},
	{"full-width slash chinese", "／帮助", bots, Parsed{Word: "帮助", Slash: true}},
	{"full-width slash then ideographic space", "／\u3000帮助", bots, Parsed{Word: "帮助", Slash: true}},
	{"full-width word", "／ＨＥＬＰ", bots, Parsed{Word: "help", Slash: true}},
	{"full-width word and arg", "ＨＥＬＰ\u3000ｍｅ", bots, Parsed{Word: "help", Args: args(plain("me")), Rest: "ｍｅ"}},
	{"non-ASCII upper case", "/ÄNDERN x", nil, Parsed{Word: "ändern", Slash: true, Args: args(plain("x")), Rest: "x"}},
	{"lone slash", "/", bots, Parsed{Slash: true, Rest: "/"}},
	{"double slash", "//help", bots, Parsed{Word: "/help", Slash: true}},
	{"emoji word", "🎉 yay", bots, Parsed{Word: "🎉", Args: args(plain("yay")), Rest: "yay"}},
	{"zero-width space splits word", "he\u200blp", bots, Parsed{Word: "he", Args: args(plain("lp")), Rest: "lp"}},

	// The bot's mention.
	{"wecom mention", "@TeamBot" + wecomSp + "/help", bots, Parsed{Word: "help", Slash: true}},
	{"mention case-insensitive", "@teambot /help", bots, Parsed{Word: "help", Slash: true}},
	{"full-width mention", "＠ＴｅａｍＢｏｔ\u3000/help", bots, Parsed{Word: "help", Slash: true}},
	{"chinese bot name", "@团队助手\u00a0帮助", bots, Parsed{Word: "帮助"}},
	{"bot name given with @", "@TeamBot /help", []string{"@TeamBot"}, Parsed{Word: "help", Slash: true}},
	{"bot name with a space", "@Team" + wecomSp + "Bot" + wecomSp + "/help", []string{"Team Bot"}, Parsed{Word: "help", Slash: true}},
	{"bot name with a space, written without", "@TeamBot /help", []string{"Team Bot"},
		Parsed{Args: args(mention("TeamBot"), plain("/help")), Rest: "@TeamBot /help"}},
	{"blank bot names act as none", "@anyone /help", []string{"", " ", "@"}, Parsed{Word: "help", Slash: true}},
	{"no bot names drops any mention", "@张三 /role", nil, Parsed{Word: "role", Slash: true}},
	{"missing mention", "/role 张三", bots, Parsed{Word: "role", Slash: true, Args: args(plain("张三")), Rest: "张三"}},
	{"leading whitespace before mention", "  \u3000\n@TeamBot" + wecomSp + "/help", bots, Parsed{Word: "help", Slash: true}},
	{"mention of someone else", "@张三 /role 开发", bots,
		Parsed{Args: args(mention("张三"), plain("/role"), plain("开发")), Rest: "@张三 /role 开发"}},
	{"only someone else's mention", "@张三", bots, Parsed{Args: args(mention("张三")), Rest: "@张三"}},
	{"bot name as a prefix", "@TeamBotX /help", bots,
		Parsed{Args: args(mention("TeamBotX"), plain("/help")), Rest: "@TeamBotX /help"}},
	{"no space after mention", "@TeamBot/help", bots,
		Parsed{Args: args(mention("TeamBot/help")), Rest: "@TeamBot/help"}},
	{"no space after mention, no bot names", "@TeamBot/help", nil, Parsed{}},
	{"two mentions", "@TeamBot @张三 /role", bots,
		Parsed{Args: args(mention("张三"), plain("/role")), Rest: "@张三 /role"}},
	{"mention after the word", "@TeamBot /role @张三 文案", bots,
		Parsed{Word: "role", Slash: true, Args: args(mention("张三"), plain("文案")), Rest: "@张三 文案"}},
	{"wecom role assignment", "@TeamBot" + wecomSp + "/role @张三" + wecomSp + "开发", bots,
		Parsed{Word: "role", Slash: true, Args: args(mention("张三"), plain("开发")), Rest: "@张三" + wecomSp + "开发"}},
	{"slash then mention", "/ @张三", bots, Parsed{Slash: true, Args: args(mention("张三")), Rest: "/ @张三"}},
	{"lone @ is a word", "@ help", bots, Parsed{Word: "@", Args: args(plain("help")), Rest: "help"}},

	// Colons.
	{"weekly report full-width colon", "周报：本周完成了登录页。", bots,
		Parsed{Word: "周报", Args: args(plain("本周完成了登录页。")), Rest: "本周完成了登录页。"}},
	{"ascii colon", "周报:done", bots, Parsed{Word: "周报", Args: args(plain("done")), Rest: "done"}},
	{"colon then nothing", "周报：", bots, Parsed{Word: "周报"}},
	{"colon after space stays in rest", "周报 ：本周", bots,
		Parsed{Word: "周报", Args: args(plain(":本周")), Rest: "：本周"}},
	{"leading colon, no word", "：abc", bots, Parsed{Args: args(plain(":abc")), Rest: "：abc"}},
	{"slash word colon", "/role:admin", bots, Parsed{Word: "role", Slash: true, Args: args(plain("admin")), Rest: "admin"}},
	{"multi-line report", "/周报：\n1. 完成A\n2. 完成B\n", bots,
		Parsed{Word: "周报", Slash: true, Args: args(plain("1."), plain("完成A"), plain("2."), plain("完成B")), Rest: "1. 完成A\n2. 完成B"}},
	{"chinese sentence keeps punctuation in rest", "@TeamBot" + wecomSp + "周报 本周：完成登录，修复３个bug！下周继续。", bots,
		Parsed{Word: "周报", Args: args(plain("本周:完成登录,修复3个bug!下周继续。")), Rest: "本周：完成登录，修复３个bug！下周继续。"}},

	// Separators and normalization of arguments.
	{"full-width digits and dashes", "/请假 ２０２４－０５－０１ ３天", bots,
		Parsed{Word: "请假", Slash: true, Args: args(plain("2024-05-01"), plain("3天")), Rest: "２０２４－０５－０１ ３天"}},
	{"full-width letters keep case", "/role ＡＢＣ", bots, Parsed{Word: "role", Slash: true, Args: args(plain("ABC")), Rest: "ＡＢＣ"}},
	{"cjk punctuation kept", "/tags 前端、后端。", bots, Parsed{Word: "tags", Slash: true, Args: args(plain("前端、后端。")), Rest: "前端、后端。"}},
	{"mixed separators", "/role\t张三\u00a0开发\u2005测试\n运维\u3000产品", bots,
		Parsed{Word: "role", Slash: true, Args: args(plain("张三"), plain("开发"), plain("测试"), plain("运维"), plain("产品")),
			Rest: "张三\u00a0开发\u2005测试\n运维\u3000产品"}},
	{"zero-width separators", "/role\u200b张三\ufeff开发", bots,
		Parsed{Word: "role", Slash: true, Args: args(plain("张三"), plain("开发")), Rest: "张三\ufeff开发"}},
	{"newline-separated args", "/add\n张三\n李四\n", bots,
		Parsed{Word: "add", Slash: true, Args: args(plain("张三"), plain("李四")), Rest: "张三\n李四"}},
	{"runs of separators", "/add  \t 张三 \u3000\u2005 李四", bots,
		Parsed{Word: "add", Slash: true, Args: args(plain("张三"), plain("李四")), Rest: "张三 \u3000\u2005 李四"}},
	{"trailing whitespace", "/help \u3000\u2005\n\t", bots, Parsed{Word: "help", Slash: true}},
	{"emoji args", "/mood 😀 👍🏽 👨\u200d👩\u200d👧", bots,
		Parsed{Word: "mood", Slash: true, Args: args(plain("😀"), plain("👍🏽"), plain("👨\u200d👩\u200d👧")), Rest: "😀 👍🏽 👨\u200d👩\u200d👧"}},

	// Quotes.
	{"ascii quotes", `/rename "Team Alpha  Beta" now`, bots,
		Parsed{Word: "rename", Slash: true, Args: args(quoted("Team Alpha  Beta"), plain("now")), Rest: `"Team Alpha  Beta" now`}},
	{"curly quotes", "/rename “产品 组” x", bots,
		Parsed{Word: "rename", Slash: true, Args: args(quoted("产品 组"), plain("x")), Rest: "“产品 组” x"}},
	{"corner brackets", "/设置 「周一 10:00」", bots,
		Parsed{Word: "设置", Slash: true, Args: args(quoted("周一 10:00")), Rest: "「周一 10:00」"}},
	{"white corner brackets", "/设置 『a b』", bots, Parsed{Word: "设置", Slash: true, Args: args(quoted("a b")), Rest: "『a b』"}},
	{"full-width quotes", "/设置 ＂ａ ｂ＂", bots, Parsed{Word: "设置", Slash: true, Args: args(quoted("a b")), Rest: "＂ａ ｂ＂"}},
	{"empty ascii quotes", `/rename ""`, bots, Parsed{Word: "rename", Slash: true, Args: args(quoted("")), Rest: `""`}},
	{"empty curly quotes", "/rename “” x", bots, Parsed{Word: "rename", Slash: true, Args: args(quoted(""), plain("x")), Rest: "“” x"}},
	{"unterminated quote", `/rename "Team Alpha`, bots, Parsed{Word: "rename", Slash: true, Args: args(quoted("Team Alpha")), Rest: `"Team Alpha`}},
	{"unterminated curly over lines", "/note “line1\nline2", bots,
		Parsed{Word: "note", Slash: true, Args: args(quoted("line1\nline2")), Rest: "“line1\nline2"}},
	{"mismatched quotes", "/rename “abc\" d", bots, Parsed{Word: "rename", Slash: true, Args: args(quoted("abc\" d")), Rest: "“abc\" d"}},
	{"quote closed mid-token", `/x "a"b`, bots, Parsed{Word: "x", Slash: true, Args: args(quoted("a"), plain("b")), Rest: `"a"b`}},
	{"quote inside a token", `/x a"b c"`, bots, Parsed{Word: "x", Slash: true, Args: args(plain(`a"b`), plain(`c"`)), Rest: `a"b c"`}},
	{"ideographic space inside quotes", "/x 「a\u3000b」", bots, Parsed{Word: "x", Slash: true, Args: args(quoted("a b")), Rest: "「a\u3000b」"}},
	{"other spaces inside quotes kept", "/x \"a\u2005b\u00a0c\"", bots,
		Parsed{Word: "x", Slash: true, Args: args(quoted("a\u2005b\u00a0c")), Rest: "\"a\u2005b\u00a0c\""}},
	{"zero-width removed inside quotes", "/x \"a\u200bb\"", bots, Parsed{Word: "x", Slash: true, Args: args(quoted("ab")), Rest: "\"a\u200bb\""}},
	{"quoted first token is no word", `"help" me`, bots, Parsed{Args: args(quoted("help"), plain("me")), Rest: `"help" me`}},
	{"slash then quote is no word", `/"help"`, bots, Parsed{Slash: true, Args: args(quoted("help")), Rest: `/"help"`}},
	{"everything at once", "@TeamBot\u2005\u2005 ／ Role  ＠张三 「产品 经理」", bots,
		Parsed{Word: "role", Slash: true, Args: args(mention("张三"), quoted("产品 经理")), Rest: "＠张三 「产品 经理」"}},

	// Mentions and @ in arguments.
	{"email is not a mention", "/invite a@b.com", bots, Parsed{Word: "invite", Slash: true, Args: args(plain("a@b.com")), Rest: "a@b.com"}},
	{"lone @ is plain", "/x @ y", bots, Parsed{Word: "x", Slash: true, Args: args(plain("@"), plain("y")), Rest: "@ y"}},
	{"trailing lone @", "/x @", bots, Parsed{Word: "x", Slash: true, Args: args(plain("@")), Rest: "@"}},
	{"full-width @ argument", "/role ＠张三 开发", bots,
		Parsed{Word: "role", Slash: true, Args: args(mention("张三"), plain("开发")), Rest: "＠张三 开发"}},
	{"mention normalized", "/role @ＡＢ", bots, Parsed{Word: "role", Slash: true, Args: args(mention("AB")), Rest: "@ＡＢ"}},
	{"double @ mention", "/role @@x", bots, Parsed{Word: "role", Slash: true, Args: args(mention("@x")), Rest: "@@x"}},

	// Long input.
	{"4 KB of arguments", "/note " + long4K, bots,
		Parsed{Word: "note", Slash: true, Args: repeatArg(plain("abc"), 1024), Rest: strings.TrimSpace(long4K)}},
	{"16 KB report", "@TeamBot" + wecomSp + "周报：" + long16K, bots,
		Parsed{Word: "周报", Args: args(plain(strings.Repeat("本周完成,", 1100))), Rest: long16K}},

	// Invalid UTF-8 does not panic; Rest keeps the bytes.
	{"invalid utf-8 argument", "/help \xff\xfe", bots, Parsed{Word: "help", Slash: true, Args: args(plain("\ufffd\ufffd")), Rest: "\xff\xfe"}},
	{"invalid utf-8 word", "\xffhelp", bots, Parsed{Word: "\ufffdhelp"}},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, tt.bots)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%s, %q):\n%s", short(tt.text), tt.bots, diffParsed(got, tt.want))
			}
		})
	}
}

func TestParseDoesNotModifyBotNames(t *testing.T) {
	names := []string{"@Team Bot", "ＴｅａｍＢｏｔ", ""}
	orig := append([]string(nil), names...)
	Parse("@TeamBot /help", names)
	if !reflect.DeepEqual(names, orig) {
		t.Errorf("botNames changed to %q, want %q", names, orig)
	}
}

// diffParsed describes how got differs from want, one line per field.
func diffParsed(got, want Parsed) string {
	var b strings.Builder
	if got.Word != want.Word {
		fmt.Fprintf(&b, "  Word  = %s, want %s\n", short(got.Word), short(want.Word))
	}
	if got.Slash != want.Slash {
		fmt.Fprintf(&b, "  Slash = %v, want %v\n", got.Slash, want.Slash)
	}
	if got.Rest != want.Rest {
		fmt.Fprintf(&b, "  Rest  = %s, want %s\n", short(got.Rest), short(want.Rest))
	}
	if !reflect.DeepEqual(got.Args, want.Args) {
		fmt.Fprintf(&b, "  Args  = %s\n   want   %s\n", short(fmt.Sprintf("%+v", got.Args)), short(fmt.Sprintf("%+v", want.Args)))
	}
	return b.String()
}

// short quotes s, cut to a readable length.
func short(s string) string {
	const max = 160
	if len(s) > max {
		return fmt.Sprintf("%q…(%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.text)
	}
	botLists := [][]string{nil, bots, {"Team Bot"}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, names := range botLists {
			checkParsed(t, text, names, Parse(text, names))
		}
	})
}

// checkParsed checks the invariants every result of Parse must satisfy.
func checkParsed(t *testing.T, text string, names []string, p Parsed) {
	t.Helper()
	if i := strings.IndexFunc(p.Word, IsSpace); i >= 0 {
		t.Errorf("Parse(%q, %q).Word = %q has whitespace", text, names, p.Word)
	}
	for i, a := range p.Args {
		if a.Mention && a.Text == "" {
			t.Errorf("Parse(%q, %q).Args[%d] is an empty mention", text, names, i)
		}
		if !a.Quoted && a.Text == "" {
			t.Errorf("Parse(%q, %q).Args[%d] is empty but not quoted", text, names, i)
		}
	}
	if !utf8.ValidString(text) {
		return
	}
	if !strings.Contains(text, p.Rest) {
		t.Errorf("Parse(%q, %q).Rest = %q is not part of the input", text, names, p.Rest)
	}
	if TrimSpace(p.Rest) != p.Rest {
		t.Errorf("Parse(%q, %q).Rest = %q is not trimmed", text, names, p.Rest)
	}
}
